"""Reading datasets and their immutable versions: references, summaries and records."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, LargeBinary, cast, func, select

from mentor.errors import InputError, NotFoundError
from mentor.records import Record
from mentor.store.audit import aware
from mentor.store.ids import is_row_id
from mentor.store.tables import datasets, record_blobs, sources, version_parents, version_records
from mentor.store.tables import versions as versions_t

_REF = re.compile(r"^(?P<name>[^@\s]+)(?:@(?:v?(?P<number>\d+)|(?P<latest>latest)))?$")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


@dataclass(frozen=True)
class SourceInfo:
    """A file a version was imported from, with its SHA-256 at import time."""

    uri: str
    sha256: str
    size_bytes: int
    format: str


@dataclass(frozen=True)
class DatasetInfo:
    """A named dataset and a summary of its newest version."""

    name: str
    description: str
    created_by: str
    created_at: datetime
    version_count: int
    latest: int | None


@dataclass(frozen=True)
class VersionInfo:
    """One immutable version of a dataset."""

    id: int
    dataset: str
    number: int
    content_hash: str
    record_count: int
    kind_counts: dict[str, int]
    transform: str
    params: dict[str, Any]
    guideline_version: str | None
    note: str
    created_by: str
    created_at: datetime
    parents: list[str] = field(default_factory=list)
    sources: list[SourceInfo] = field(default_factory=list)
    ref: str = field(init=False)
    """The reference users type: ``NAME@vN``."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ref", f"{self.dataset}@v{self.number}")


def check_name(name: str, where: str = "--name") -> str:
    """A dataset name: letters, digits, '.', '_' and '-', starting with a letter or digit;
    `where` names the flag it was given with in an error."""
    if not NAME.match(name):
        raise InputError(
            f"'{name}' is not a usable dataset name; use letters, digits, '.', '_' "
            "and '-' (at most 200, starting with a letter or digit)",
            where=where,
        )
    return name


def parse_ref(ref: str) -> tuple[str, int | None]:
    """Split ``NAME@vN`` into name and number (None for the newest version)."""
    match = _REF.match(ref.strip())
    if not match:
        raise InputError(
            f"'{ref}' is not a version reference; expected NAME, NAME@vN or NAME@latest"
        )
    number = match.group("number")
    return match.group("name"), int(number) if number else None


def _dataset_id(conn: Connection, name: str) -> int:
    found = conn.execute(select(datasets.c.id).where(datasets.c.name == name)).scalar()
    if found is None:
        names = conn.execute(select(datasets.c.name).order_by(datasets.c.name)).scalars().all()
        hint = f"; datasets here: {', '.join(names)}" if names else "; this workspace has none yet"
        raise NotFoundError(f"no dataset named '{name}'{hint}")
    return int(found)


def resolve(conn: Connection, ref: str) -> VersionInfo:
    """Look up ``NAME@vN`` (or the newest version of NAME)."""
    name, number = parse_ref(ref)
    dataset_id = _dataset_id(conn, name)
    query = select(versions_t).where(versions_t.c.dataset_id == dataset_id)
    if number is None:
        query = query.order_by(versions_t.c.number.desc()).limit(1)
    else:
        query = query.where(versions_t.c.number == number)
    # Past 64 bits the database cannot even be asked; such a version does not exist.
    row = conn.execute(query).first() if number is None or is_row_id(number) else None
    if row is None:
        count = conn.execute(select(func.count()).where(versions_t.c.dataset_id == dataset_id))
        raise NotFoundError(f"{name} has no version {number}; it has v1..v{count.scalar()}")
    return _info(conn, row._mapping, name)


def by_id(conn: Connection, version_id: int) -> VersionInfo:
    """Look up a version by its database id."""
    row = conn.execute(
        select(versions_t, datasets.c.name).join(datasets).where(versions_t.c.id == version_id)
    ).one()
    return _info(conn, row._mapping, row.name)


def _info(conn: Connection, row: Any, name: str) -> VersionInfo:
    parents = conn.execute(
        select(datasets.c.name, versions_t.c.number)
        .select_from(
            version_parents.join(versions_t, version_parents.c.parent_id == versions_t.c.id).join(
                datasets
            )
        )
        .where(version_parents.c.version_id == row["id"])
        .order_by(version_parents.c.ordinal)
    )
    files = conn.execute(select(sources).where(sources.c.version_id == row["id"]))
    return VersionInfo(
        id=row["id"],
        dataset=name,
        number=row["number"],
        content_hash=row["content_hash"],
        record_count=row["record_count"],
        kind_counts=dict(row["kind_counts"]),
        transform=row["transform"],
        params=dict(row["params"]),
        guideline_version=row["guideline_version"],
        note=row["note"],
        created_by=row["created_by"],
        created_at=aware(row["created_at"]),
        parents=[f"{p.name}@v{p.number}" for p in parents],
        sources=[SourceInfo(f.uri, f.sha256, f.size_bytes, f.format) for f in files],
    )


def list_datasets(conn: Connection) -> list[DatasetInfo]:
    """Every dataset, by name, with its version count and newest version number."""
    counts = (
        select(
            versions_t.c.dataset_id,
            func.count().label("n"),
            func.max(versions_t.c.number).label("latest"),
        )
        .group_by(versions_t.c.dataset_id)
        .subquery()
    )
    rows = conn.execute(
        select(datasets, counts.c.n, counts.c.latest)
        .outerjoin(counts, counts.c.dataset_id == datasets.c.id)
        .order_by(datasets.c.name)
    )
    return [
        DatasetInfo(r.name, r.description, r.created_by, aware(r.created_at), r.n or 0, r.latest)
        for r in rows
    ]


def list_versions(conn: Connection, name: str) -> list[VersionInfo]:
    """Every version of a dataset, oldest first."""
    dataset_id = _dataset_id(conn, name)
    rows = conn.execute(
        select(versions_t)
        .where(versions_t.c.dataset_id == dataset_id)
        .order_by(versions_t.c.number)
    )
    return [_info(conn, r._mapping, name) for r in rows]


def iter_records(engine: Engine, version_id: int, batch: int = 5000) -> Iterator[Record]:
    """Stream a version's records in order, in bounded memory (keyset pagination)."""
    body: Any = record_blobs.c.body
    if engine.dialect.name == "sqlite":
        body = cast(body, LargeBinary)  # the stored UTF-8 as it is: orjson reads it undecoded
    query = (
        select(version_records.c.position, body)
        .join(record_blobs, record_blobs.c.hash == version_records.c.record_hash)
        .order_by(version_records.c.position)
        .limit(batch)
    )
    loads = orjson.loads
    position = -1
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                query.where(
                    version_records.c.version_id == version_id,
                    version_records.c.position > position,
                )
            ).all()
        if not rows:
            return
        for row in rows:
            yield loads(row[1])
        position = rows[-1][0]


def now_stamp() -> str:
    """A filename-safe UTC timestamp."""
    from mentor.store.audit import now

    return now().strftime("%Y%m%dT%H%M%SZ")
