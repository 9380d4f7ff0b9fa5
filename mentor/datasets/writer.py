"""Writing a new immutable version: records streamed in batches inside the caller's transaction.

Record bodies are content-addressed (``record_blobs``), so versions that share records share storage.
The version's content hash is the SHA-256 over ``id<TAB>record hash`` lines in record order.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from mentor.errors import RecordError
from mentor.records import Record, canonical_json
from mentor.store.audit import now, record_event
from mentor.store.tables import datasets, record_blobs, sources, version_parents, version_records
from mentor.store.tables import versions as versions_t

Reject = Callable[[int | None, RecordError], None]


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


@dataclass
class _Pending:
    rec: Record
    line: int | None
    derived: bool


class VersionWriter:
    """Collects records for one new version; `finish` seals it with its hash and lineage."""

    def __init__(self, conn: Connection, spec: VersionSpec, *, batch: int = 5000,
                 on_reject: Reject | None = None):
        self.conn = conn
        self.spec = spec
        self.batch = batch
        self.on_reject = on_reject
        self.count = 0
        self.kinds: Counter[str] = Counter()
        self._hash = hashlib.sha256()
        self._pending: list[_Pending] = []
        self.dataset_id = self._dataset(spec)
        self.number = 1 + (conn.execute(select(func.max(versions_t.c.number))
                                        .where(versions_t.c.dataset_id == self.dataset_id))
                           .scalar() or 0)
        self.version_id: int = conn.execute(
            insert(versions_t).values(
                dataset_id=self.dataset_id, number=self.number, content_hash="", record_count=0,
                kind_counts={}, transform=spec.transform, params=spec.params,
                guideline_version=spec.guideline_version, note=spec.note,
                created_by=spec.actor, created_at=now(),
            ).returning(versions_t.c.id)
        ).scalar_one()
        dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
        self._blob_insert = dialect.insert(record_blobs).on_conflict_do_nothing()

    def _dataset(self, spec: VersionSpec) -> int:
        found = self.conn.execute(select(datasets.c.id).where(datasets.c.name == spec.dataset))
        dataset_id = found.scalar()
        if dataset_id is None:
            dataset_id = self.conn.execute(
                insert(datasets).values(name=spec.dataset, description=spec.description,
                                        created_by=spec.actor, created_at=now())
                .returning(datasets.c.id)
            ).scalar_one()
            record_event(self.conn, actor=spec.actor, action="dataset.create",
                         object_type="dataset", object_id=spec.dataset)
        return int(dataset_id)

    def add(self, rec: Record, line: int | None = None, derived: bool = False) -> None:
        """Queue one validated record; `derived` ids get a suffix instead of an error on repeats."""
        self._pending.append(_Pending(rec, line, derived))
        if len(self._pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Write the queued records; on a repeated id fall back to one at a time to find it."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        bodies = [canonical_json(p.rec) for p in pending]
        hashes = [hashlib.sha256(b).hexdigest() for b in bodies]
        savepoint = self.conn.begin_nested()
        try:
            self.conn.execute(self._blob_insert, [
                {"hash": h, "body": b.decode()} for h, b in zip(hashes, bodies, strict=True)])
            self.conn.execute(insert(version_records), [
                {"version_id": self.version_id, "position": self.count + i,
                 "record_id": p.rec["id"], "record_hash": h}
                for i, (p, h) in enumerate(zip(pending, hashes, strict=True))])
        except IntegrityError:
            savepoint.rollback()
            for item in pending:
                self._write_one(item)
            return
        savepoint.commit()
        for p, h in zip(pending, hashes, strict=True):
            self._account(p.rec, h)

    def _write_one(self, item: _Pending) -> None:
        rec, base, attempt = item.rec, item.rec["id"], 1
        while True:
            body = canonical_json(rec)
            digest = hashlib.sha256(body).hexdigest()
            savepoint = self.conn.begin_nested()
            try:
                self.conn.execute(self._blob_insert, {"hash": digest, "body": body.decode()})
                self.conn.execute(insert(version_records).values(
                    version_id=self.version_id, position=self.count, record_id=rec["id"],
                    record_hash=digest))
            except IntegrityError:
                savepoint.rollback()
                if not item.derived:
                    self._reject(item, RecordError(
                        f"duplicate id '{base}': an earlier record already has it", field="id"))
                    return
                attempt += 1
                rec = {**rec, "id": f"{base}-{attempt}"}
                continue
            savepoint.commit()
            self._account(rec, digest)
            return

    def _reject(self, item: _Pending, error: RecordError) -> None:
        if self.on_reject is None:
            raise error
        self.on_reject(item.line, error)

    def _account(self, rec: Record, digest: str) -> None:
        self.count += 1
        self.kinds[rec["kind"]] += 1
        self._hash.update(f"{rec['id']}\t{digest}\n".encode())

    def add_source(self, uri: str, sha256: str, size_bytes: int, fmt: str) -> None:
        """Record a file this version was read from."""
        self.conn.execute(insert(sources).values(version_id=self.version_id, uri=uri,
                                                 sha256=sha256, size_bytes=size_bytes, format=fmt))

    def finish(self) -> str:
        """Seal the version: write its hash, counts, parents and the audit event; return the hash."""
        self.flush()
        digest = self._hash.hexdigest()
        self.conn.execute(update(versions_t).where(versions_t.c.id == self.version_id).values(
            content_hash=digest, record_count=self.count, kind_counts=dict(sorted(self.kinds.items()))))
        if self.spec.parents:
            self.conn.execute(insert(version_parents), [
                {"version_id": self.version_id, "parent_id": p, "ordinal": i}
                for i, p in enumerate(self.spec.parents)])
        record_event(self.conn, actor=self.spec.actor, action="version.create",
                     object_type="version", object_id=f"{self.spec.dataset}@v{self.number}",
                     before={"parents": list(self.spec.parents)},
                     after={"version_id": self.version_id, "content_hash": digest},
                     detail={"transform": self.spec.transform, "params": self.spec.params,
                             "records": self.count})
        return digest
