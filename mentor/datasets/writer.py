"""Writing a new immutable version: records streamed in batches inside the caller's transaction.

Record bodies are content-addressed (``record_blobs``), so versions that share records share
storage. The version's content hash is the SHA-256 over ``id<TAB>record hash`` lines in record
order.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from typing import Any, Final

import orjson
from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from mentor.datasets.prepared import Prepared, exact
from mentor.errors import RecordError
from mentor.records import Record, canonical_json
from mentor.store.audit import now, record_event
from mentor.store.engine import bulk_cache
from mentor.store.tables import datasets, record_blobs, sources, version_parents, version_records
from mentor.store.tables import versions as versions_t

Reject = Callable[[int | None, RecordError], None]

# On SQLite the two bulk inserts go straight to the driver (the sqlite3 connection under
# SQLAlchemy's, in the same transaction): SQLAlchemy's per-row parameter handling cost more than
# SQLite's own work. Bodies are bound as UTF-8 bytes and cast to TEXT in SQLite, which stores
# exactly what binding the decoded string would, without decoding them here.
_SQLITE_BLOBS: Final = (
    "INSERT INTO record_blobs (hash, body) VALUES (?, CAST(? AS TEXT)) ON CONFLICT DO NOTHING"
)
_SQLITE_ROWS: Final = (
    "INSERT INTO version_records (version_id, position, record_id, record_hash) VALUES (?, ?, ?, ?)"
)
# Bodies of written records wait until this many bytes are queued and then go in sorted by hash,
# so that each page of the blob index is visited about once per flush instead of once per record
# (at a million records that index outgrows SQLite's page cache, and random order cost twice the
# time). Nothing reads a version's bodies before `flush` or `finish`, which write them all.
_BLOB_BYTES: Final = 64 << 20
_INTEGRITY_ERRORS: Final = (IntegrityError, sqlite3.IntegrityError)


@dataclass(frozen=True)
class VersionSpec:
    """What a new version is: which dataset, made by which transform, from which parents."""

    dataset: str
    actor: str
    transform: str
    params: dict[str, Any]
    parents: tuple[int, ...] = ()
    note: str = ""
    guideline_version: str | None = None
    description: str = ""


def claim_dataset(conn: Connection, spec: VersionSpec) -> int:
    """The dataset's id, creating it if new. On PostgreSQL its row stays locked until commit, so
    concurrent writers of one dataset queue for the next version number (SQLite's writers
    already queue on BEGIN IMMEDIATE). Calling it again in the same transaction is harmless."""
    values = {
        "name": spec.dataset,
        "description": spec.description,
        "created_by": spec.actor,
        "created_at": now(),
    }
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    created = conn.execute(
        dialect.insert(datasets)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["name"])
        .returning(datasets.c.id)
    ).scalar()
    if created is not None:
        record_event(
            conn,
            actor=spec.actor,
            action="dataset.create",
            object_type="dataset",
            object_id=spec.dataset,
        )
    query = select(datasets.c.id).where(datasets.c.name == spec.dataset)
    if conn.dialect.name != "sqlite":
        query = query.with_for_update()
    return int(conn.execute(query).scalar_one())


class VersionWriter:
    """Collects records for one new version; `finish` seals it with its hash and lineage."""

    def __init__(
        self,
        conn: Connection,
        spec: VersionSpec,
        *,
        batch: int = 5000,
        on_reject: Reject | None = None,
    ):
        self.conn = conn
        bulk_cache(conn)  # the record index is revisited at every batch: keep it in memory
        self.spec = spec
        self.batch = batch
        self.on_reject = on_reject
        self.count = 0
        self.kinds: Counter[str] = Counter()
        self._hash = hashlib.sha256()
        self._pending = Prepared()
        self._blob_hashes: list[str] = []
        self._blob_bodies: list[bytes] = []
        self._blob_bytes = 0
        self._suffixes: dict[str, int] = {}
        self.dataset_id = self._dataset(spec)
        self.number = 1 + (
            conn.execute(
                select(func.max(versions_t.c.number)).where(
                    versions_t.c.dataset_id == self.dataset_id
                )
            ).scalar()
            or 0
        )
        self.version_id: int = conn.execute(
            insert(versions_t)
            .values(
                dataset_id=self.dataset_id,
                number=self.number,
                content_hash="",
                record_count=0,
                kind_counts={},
                transform=spec.transform,
                params=spec.params,
                guideline_version=spec.guideline_version,
                note=spec.note,
                created_by=spec.actor,
                created_at=now(),
            )
            .returning(versions_t.c.id)
        ).scalar_one()
        dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
        self._blob_insert = dialect.insert(record_blobs).on_conflict_do_nothing()
        self._sqlite: sqlite3.Connection | None = None
        if (
            conn.dialect.name == "sqlite"
            and conn.exec_driver_sql("PRAGMA encoding").scalar() == "UTF-8"
        ):
            driver = conn.connection.driver_connection
            self._sqlite = driver if isinstance(driver, sqlite3.Connection) else None

    def _dataset(self, spec: VersionSpec) -> int:
        return claim_dataset(self.conn, spec)

    def add(self, rec: Record, line: int | None = None, derived: bool = False) -> None:
        """Queue one validated record; `derived` ids get a suffix instead of an error on repeats."""
        self._pending.append(rec, line, derived)
        if len(self._pending) >= self.batch:
            self._write_pending()

    def add_prepared(self, prepared: Prepared, start: int = 0, stop: int | None = None) -> None:
        """Queue ``prepared[start:stop]``, flushing at the same points as adding them one by one."""
        stop = len(prepared) if stop is None else stop
        while start < stop:
            take = min(stop - start, max(self.batch - len(self._pending), 1))
            self._pending.extend(prepared, start, start + take)
            start += take
            if len(self._pending) >= self.batch:
                self._write_pending()

    def flush(self) -> None:
        """Write the queued records and their bodies."""
        self._write_pending()
        self._write_blobs()

    def _write_pending(self) -> None:
        """Write the queued records' rows; if an id repeats, find it and write around it."""
        pending, self._pending = self._pending, Prepared()
        if pending and not self._write_run(pending, 0, len(pending), one_by_one=False):
            self._write_around_repeats(pending)
        if self._blob_bytes >= _BLOB_BYTES:
            self._write_blobs()

    def _write_run(self, p: Prepared, start: int, stop: int, *, one_by_one: bool = True) -> bool:
        """Write ``p[start:stop]`` in one go; if an id repeats, roll back and (by default) write
        the rows one at a time. Rows that go in together would each have gone in alone, so the
        outcome (positions, suffixes, rejections and their order) is the same either way."""
        if start == stop:
            return True
        savepoint = self.conn.begin_nested()
        try:
            self._insert(p, start, stop)
        except _INTEGRITY_ERRORS:
            savepoint.rollback()
            if not one_by_one:
                return False
            for i in range(start, stop):
                self._write_one(p, i)
            return True
        savepoint.commit()
        self.count += stop - start
        self.kinds.update(p.kinds[start:stop])
        ids, digests = p.ids[start:stop], p.digests[start:stop]
        # "id<TAB>hash<NL>" per record, joined in C rather than formatted one by one.
        lines = "\n".join(map("\t".join, zip(ids, digests, strict=True)))
        self._hash.update((lines + "\n").encode())
        self._queue_blobs(digests, p.bodies[start:stop])
        return True

    def _queue_blobs(self, digests: list[str], bodies: list[bytes]) -> None:
        self._blob_hashes.extend(digests)
        self._blob_bodies.extend(bodies)
        self._blob_bytes += sum(map(len, bodies))

    def _write_blobs(self) -> None:
        """Write the queued bodies in hash order (a body stored already is left as it is)."""
        if not self._blob_hashes:
            return
        blobs = sorted(zip(self._blob_hashes, self._blob_bodies, strict=True), key=itemgetter(0))
        self._blob_hashes, self._blob_bodies, self._blob_bytes = [], [], 0
        if self._sqlite is not None:
            self._sqlite.executemany(_SQLITE_BLOBS, blobs)
            return
        for start in range(0, len(blobs), self.batch):  # decoded a batch at a time
            rows = [{"hash": h, "body": b.decode()} for h, b in blobs[start : start + self.batch]]
            self.conn.execute(self._blob_insert, rows)

    def _write_around_repeats(self, p: Prepared) -> None:
        """Write the rows between repeated ids in runs, and each repeated one on its own."""
        taken = self._taken(p.ids)
        seen: set[str] = set()
        start = 0
        for i, rid in enumerate(p.ids):
            if rid in taken or rid in seen:
                self._write_run(p, start, i)
                self._write_one(p, i)
                start = i + 1
            else:
                seen.add(rid)
        self._write_run(p, start, len(p))

    def _taken(self, ids: list[str]) -> set[str]:
        """The ids among `ids` that this version already holds."""
        taken: set[str] = set()
        for chunk in range(0, len(ids), 500):
            taken.update(
                self.conn.execute(
                    select(version_records.c.record_id).where(
                        version_records.c.version_id == self.version_id,
                        version_records.c.record_id.in_(ids[chunk : chunk + 500]),
                    )
                ).scalars()
            )
        return taken

    def _insert(self, p: Prepared, start: int, stop: int) -> None:
        """Insert the rows of ``p[start:stop]`` at the next positions (their bodies wait)."""
        ids, digests = p.ids[start:stop], p.digests[start:stop]
        if self._sqlite is not None:
            positions = range(self.count, self.count + len(ids))
            self._sqlite.executemany(
                _SQLITE_ROWS, zip(repeat(self.version_id), positions, ids, digests)
            )
            return
        rows = enumerate(zip(ids, digests, strict=True), start=self.count)
        self.conn.execute(
            insert(version_records),
            [
                {
                    "version_id": self.version_id,
                    "position": pos,
                    "record_id": rid,
                    "record_hash": digest,
                }
                for pos, (rid, digest) in rows
            ],
        )

    def _write_one(self, p: Prepared, i: int) -> None:
        base, rid, body, digest = p.ids[i], p.ids[i], p.bodies[i], p.digests[i]
        attempt = 1
        while not self._insert_one(rid, digest):
            if not p.derived[i]:
                self._reject(
                    p.lines[i],
                    RecordError(
                        f"duplicate id '{base}': an earlier record already has it", field="id"
                    ),
                )
                return
            # Suffixes below the last one given to this id are all taken (a version only grows),
            # so start there rather than trying -2, -3, ... again for every repeat.
            attempt = max(attempt, self._suffixes.get(base, 1)) + 1
            rid = f"{base}-{attempt}"
            body = exact(canonical_json({**orjson.loads(p.bodies[i]), "id": rid}))
            digest = hashlib.sha256(body).hexdigest()
        if attempt > 1:
            self._suffixes[base] = attempt
        self.count += 1
        self.kinds[p.kinds[i]] += 1
        self._hash.update(f"{rid}\t{digest}\n".encode())
        self._queue_blobs([digest], [body])

    def _insert_one(self, rid: str, digest: str) -> bool:
        """Write one record's row at the next position; False if its id is taken."""
        savepoint = self.conn.begin_nested()
        try:
            self.conn.execute(
                insert(version_records).values(
                    version_id=self.version_id,
                    position=self.count,
                    record_id=rid,
                    record_hash=digest,
                )
            )
        except IntegrityError:
            savepoint.rollback()
            return False
        savepoint.commit()
        return True

    def _reject(self, line: int | None, error: RecordError) -> None:
        if self.on_reject is None:
            raise error
        self.on_reject(line, error)

    def add_source(self, uri: str, sha256: str, size_bytes: int, fmt: str) -> None:
        """Record a file this version was read from."""
        self.conn.execute(
            insert(sources).values(
                version_id=self.version_id,
                uri=uri,
                sha256=sha256,
                size_bytes=size_bytes,
                format=fmt,
            )
        )

    def finish(self) -> str:
        """Seal the version: write its hash, counts, parents and audit event; return the hash."""
        self.flush()
        digest = self._hash.hexdigest()
        self.conn.execute(
            update(versions_t)
            .where(versions_t.c.id == self.version_id)
            .values(
                content_hash=digest,
                record_count=self.count,
                kind_counts=dict(sorted(self.kinds.items())),
            )
        )
        if self.spec.parents:
            self.conn.execute(
                insert(version_parents),
                [
                    {"version_id": self.version_id, "parent_id": p, "ordinal": i}
                    for i, p in enumerate(self.spec.parents)
                ],
            )
        record_event(
            self.conn,
            actor=self.spec.actor,
            action="version.create",
            object_type="version",
            object_id=f"{self.spec.dataset}@v{self.number}",
            before={"parents": list(self.spec.parents)},
            after={"version_id": self.version_id, "content_hash": digest},
            detail={
                "transform": self.spec.transform,
                "params": self.spec.params,
                "records": self.count,
            },
        )
        return digest
