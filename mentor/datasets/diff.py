"""What changed between two versions, matched by record id."""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson
from sqlalchemy import Connection, and_, exists, func, select
from sqlalchemy.orm import aliased

from mentor.store.tables import record_blobs, version_records


@dataclass(frozen=True)
class ChangedRecord:
    """A record whose id is in both versions but whose content differs, and the fields that did."""

    id: str
    fields: list[str]


@dataclass(frozen=True)
class VersionDiff:
    """Added, removed and changed records (counts, and the first `limit` ids of each)."""

    old: str
    new: str
    added: int
    removed: int
    changed: int
    unchanged: int
    added_ids: list[str] = field(default_factory=list)
    removed_ids: list[str] = field(default_factory=list)
    changed_records: list[ChangedRecord] = field(default_factory=list)


def _only_in(conn: Connection, keep: int, other: int, limit: int) -> tuple[int, list[str]]:
    mine, theirs = aliased(version_records), aliased(version_records)
    missing = ~exists().where(
        and_(theirs.c.version_id == other, theirs.c.record_id == mine.c.record_id)
    )
    where = and_(mine.c.version_id == keep, missing)
    count = conn.execute(select(func.count()).select_from(mine).where(where)).scalar_one()
    ids = (
        conn.execute(select(mine.c.record_id).where(where).order_by(mine.c.position).limit(limit))
        .scalars()
        .all()
    )
    return count, list(ids)


def _changed_fields(conn: Connection, old_hash: str, new_hash: str) -> list[str]:
    bodies = dict(
        conn.execute(
            select(record_blobs.c.hash, record_blobs.c.body).where(
                record_blobs.c.hash.in_([old_hash, new_hash])
            )
        ).all()
    )
    old, new = orjson.loads(bodies[old_hash]), orjson.loads(bodies[new_hash])
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))


def diff_versions(
    conn: Connection, old_id: int, new_id: int, old: str, new: str, limit: int = 20
) -> VersionDiff:
    """Compare two versions in the database, without loading them into memory."""
    added, added_ids = _only_in(conn, new_id, old_id, limit)
    removed, removed_ids = _only_in(conn, old_id, new_id, limit)
    a, b = aliased(version_records), aliased(version_records)
    pairs = (
        select(a.c.record_id, a.c.record_hash.label("old"), b.c.record_hash.label("new"))
        .join(b, and_(b.c.record_id == a.c.record_id, b.c.version_id == new_id))
        .where(a.c.version_id == old_id)
    )
    differ = pairs.where(a.c.record_hash != b.c.record_hash)
    changed = conn.execute(select(func.count()).select_from(differ.subquery())).scalar_one()
    same = conn.execute(select(func.count()).select_from(pairs.subquery())).scalar_one() - changed
    changed_records = [
        ChangedRecord(r.record_id, _changed_fields(conn, r.old, r.new))
        for r in conn.execute(differ.order_by(b.c.position).limit(limit))
    ]
    return VersionDiff(
        old, new, added, removed, changed, same, added_ids, removed_ids, changed_records
    )
