"""Items: the records of a project (and its gold items), their status and their final labels.

Status: ``open`` until k valid (not rejected) annotations are in; then ``complete`` when they
agree, ``disputed`` when they do not; ``adjudicated`` once an adjudicator decided.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import orjson
from sqlalchemy import Connection, bindparam, exists, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from mentor.annotate.projects import ProjectInfo
from mentor.annotate.tasks import Payload, TaskTypeBase
from mentor.errors import InputError, NotFoundError
from mentor.records import Record, canonical_json
from mentor.store.annotation_tables import adjudications, project_items, reviews
from mentor.store.annotation_tables import annotations as annotations_t
from mentor.store.tables import record_blobs, version_records

OPEN: Final = "open"
COMPLETE: Final = "complete"
DISPUTED: Final = "disputed"
ADJUDICATED: Final = "adjudicated"
STATUSES: Final = (OPEN, COMPLETE, DISPUTED, ADJUDICATED)


@dataclass(frozen=True)
class GoldItem:
    """A record with its known answer (in the record's own order of responses)."""

    record: Record
    answer: Payload


@dataclass(frozen=True)
class ItemInfo:
    """An item as a trainer sees it (annotators never get `gold`)."""

    id: int
    position: int
    record_id: str
    status: str
    gold: bool
    annotations: int


def version_records_of(
    conn: Connection, version_id: int, limit: int | None
) -> list[tuple[str, Record]]:
    """(hash, record) for the first `limit` records of a version, in order."""
    query = (
        select(version_records.c.record_hash, record_blobs.c.body)
        .join(record_blobs, record_blobs.c.hash == version_records.c.record_hash)
        .where(version_records.c.version_id == version_id)
        .order_by(version_records.c.position)
    )
    if limit is not None:
        query = query.limit(limit)
    return [(h, orjson.loads(body)) for h, body in conn.execute(query)]


def store_record(conn: Connection, record: Record) -> str:
    """Keep a record (e.g. a gold record from a file) in the content-addressed store."""
    body = canonical_json(record)
    digest = hashlib.sha256(body).hexdigest()
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    conn.execute(
        dialect.insert(record_blobs)
        .values(hash=digest, body=body.decode())
        .on_conflict_do_nothing()
    )
    return digest


@dataclass(frozen=True)
class PlannedItem:
    """An item before it is written: where it goes, its record, its gold answer if any."""

    position: int
    record: Record
    record_hash: str | None  # None: a gold record that may not be in the store yet
    answer: Payload | None

    @property
    def gold(self) -> bool:
        """Whether this is a gold item."""
        return self.answer is not None


def plan_items(
    task: TaskTypeBase,
    config: dict[str, Any],
    records: Sequence[tuple[str, Record]],
    gold: Sequence[GoldItem],
    seed: int,
) -> list[PlannedItem]:
    """The project's items in queue order, checked; gold items go to seeded random places
    among the others, so neither their ids nor their positions tell them apart."""
    for _, record in records:
        task.check(record, config)
    if not records:
        raise InputError("the dataset version has no records to annotate", where="--from")
    total = len(records) + len(gold)
    gold_at = set(random.Random(f"gold:{seed}").sample(range(total), len(gold)))
    regular, extra = iter(records), iter(gold)
    plan = []
    for position in range(total):
        if position in gold_at:
            item = next(extra)
            plan.append(PlannedItem(position, item.record, None, item.answer))
        else:
            digest, record = next(regular)
            plan.append(PlannedItem(position, record, digest, None))
    return plan


def insert_items(
    conn: Connection,
    project_id: int,
    plan: Sequence[PlannedItem],
    prelabels: Mapping[int, Payload | None],
) -> None:
    """Write the planned items with their suggestions (`prelabels` by position)."""
    rows = [
        {
            "project_id": project_id,
            "position": item.position,
            "record_id": item.record["id"],
            "record_hash": item.record_hash or store_record(conn, item.record),
            "is_gold": item.gold,
            "gold_answer": item.answer,
            "prelabel": prelabels.get(item.position),
            "status": OPEN,
        }
        for item in plan
    ]
    conn.execute(insert(project_items), rows)


# Built once: the queue reads an item (and its record) on every next and submit.
_ITEM: Final = select(project_items).where(
    project_items.c.id == bindparam("item_id"), project_items.c.project_id == bindparam("project")
)
_ITEM_LOCKED: Final = _ITEM.with_for_update()
_WITH_RECORD: Final = _ITEM.add_columns(record_blobs.c.body.label("record_body")).join(
    record_blobs, record_blobs.c.hash == project_items.c.record_hash
)
_WITH_RECORD_LOCKED: Final = _WITH_RECORD.with_for_update(of=project_items)
_RECORD: Final = select(record_blobs.c.body).where(record_blobs.c.hash == bindparam("hash"))
_LABELS: Final = (
    select(annotations_t.c.payload, reviews.c.verdict, reviews.c.correction)
    .outerjoin(reviews, reviews.c.annotation_id == annotations_t.c.id)
    .where(annotations_t.c.item_id == bindparam("item_id"))
    .order_by(annotations_t.c.id)
)
_DECIDED: Final = select(adjudications.c.id).where(adjudications.c.item_id == bindparam("item_id"))
_LABELS_DECIDED: Final = _LABELS.add_columns(
    exists().where(adjudications.c.item_id == bindparam("item_id")).label("decided")
)


def item_row(conn: Connection, project: ProjectInfo, item_id: int, *, lock: bool = False) -> Any:
    """The item's row (locked until commit when `lock`: every change of its slots does this)."""
    params = {"item_id": item_id, "project": project.id}
    row = conn.execute(_ITEM_LOCKED if lock else _ITEM, params).first()
    if row is None:
        raise NotFoundError(f"project '{project.name}' has no item {item_id}")
    return row


def item_and_record(
    conn: Connection, project: ProjectInfo, item_id: int, *, lock: bool = False
) -> tuple[Any, Record]:
    """The item's row, locked as :func:`item_row` does, and its record, in one statement."""
    params = {"item_id": item_id, "project": project.id}
    row = conn.execute(_WITH_RECORD_LOCKED if lock else _WITH_RECORD, params).first()
    if row is None:
        raise NotFoundError(f"project '{project.name}' has no item {item_id}")
    record: Record = orjson.loads(row.record_body)
    return row, record


def record_of(conn: Connection, record_hash: str) -> Record:
    """An item's record."""
    loaded: Record = orjson.loads(conn.execute(_RECORD, {"hash": record_hash}).scalar_one())
    return loaded


def valid_labels(conn: Connection, item_id: int) -> list[Payload]:
    """The labels that count for an item: every annotation not rejected, as corrected."""
    return _counting(conn.execute(_LABELS, {"item_id": item_id}))


def _counting(rows: Iterable[Any]) -> list[Payload]:
    return [
        row.correction if row.verdict == "correct" else row.payload
        for row in rows
        if row.verdict != "reject"
    ]


def final_label(conn: Connection, project: ProjectInfo, item_id: int) -> tuple[str, Payload] | None:
    """(how it was decided, the label) for a finished item; None while it is not finished."""
    decided = conn.execute(
        select(adjudications.c.payload).where(adjudications.c.item_id == item_id)
    ).scalar()
    if decided is not None:
        return "adjudication", decided
    labels = valid_labels(conn, item_id)
    if len(labels) < project.settings.overlap or not project.task.agree(labels, project.config):
        return None
    return "agreement", project.task.aggregate(labels, project.config)


def refresh_status(
    conn: Connection, project: ProjectInfo, item_id: int, row: Any | None = None
) -> str:
    """Recompute an item's status after a submission, review or adjudication (`row`: the item
    as this transaction locked it, to save reading it again)."""
    row = row if row is not None else item_row(conn, project, item_id)
    if row.is_gold:
        return str(row.status)
    # The labels and whether an adjudicator decided, in one statement (an item without
    # annotations is asked about the adjudication alone).
    rows = conn.execute(_LABELS_DECIDED, {"item_id": item_id}).all()
    decided = rows[0].decided if rows else conn.execute(_DECIDED, {"item_id": item_id}).first()
    if decided:
        status = ADJUDICATED
    else:
        labels = _counting(rows)
        if len(labels) < project.settings.overlap:
            status = OPEN
        else:
            status = COMPLETE if project.task.agree(labels, project.config) else DISPUTED
    if status != row.status:
        conn.execute(
            update(project_items).where(project_items.c.id == item_id).values(status=status)
        )
    return status


def list_items(conn: Connection, project: ProjectInfo, status: str | None) -> list[ItemInfo]:
    """The project's items in queue order (gold included, marked), optionally of one status."""
    if status is not None and status not in STATUSES:
        raise InputError(f"expected one of {', '.join(STATUSES)}, got '{status}'", where="--status")
    counts = (
        select(annotations_t.c.item_id, func.count().label("n"))
        .where(annotations_t.c.project_id == project.id)
        .group_by(annotations_t.c.item_id)
        .subquery()
    )
    query = (
        select(project_items, counts.c.n)
        .outerjoin(counts, counts.c.item_id == project_items.c.id)
        .where(project_items.c.project_id == project.id)
        .order_by(project_items.c.position)
    )
    if status is not None:
        query = query.where(project_items.c.status == status, project_items.c.is_gold.is_(False))
    return [
        ItemInfo(r.id, r.position, r.record_id, r.status, bool(r.is_gold), r.n or 0)
        for r in conn.execute(query)
    ]
