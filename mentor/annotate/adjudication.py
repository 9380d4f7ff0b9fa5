"""Adjudication: items whose k annotators disagree wait for an adjudicator, whose decision is
final (it wins in the release over any aggregate of the annotators' labels)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from mentor.annotate.annotations import Annotation, list_annotations
from mentor.annotate.freetext import check_label, check_text
from mentor.annotate.items import ADJUDICATED, DISPUTED, item_row, record_of, refresh_status
from mentor.annotate.projects import ProjectInfo, load
from mentor.annotate.queues import check_user
from mentor.annotate.tasks import Payload, View
from mentor.errors import ConflictError, NotFoundError
from mentor.store.annotation_tables import adjudications, project_items
from mentor.store.audit import aware, now, record_event
from mentor.store.engine import write_transaction


@dataclass(frozen=True)
class Dispute:
    """A disputed item: what was shown (true order) and every annotation on it."""

    project: str
    item_id: int
    record_id: str
    view: View
    annotations: list[Annotation]


@dataclass(frozen=True)
class Adjudication:
    """The final label of a disputed item."""

    id: int
    project: str
    item_id: int
    adjudicator: str
    payload: Payload
    comment: str
    created_at: datetime


def _disputes(conn: Connection, project: ProjectInfo, rows: Sequence[Any]) -> list[Dispute]:
    if not rows:
        return []
    labels = list_annotations(conn, project, item_ids=[r.id for r in rows])
    return [
        Dispute(
            project.name,
            r.id,
            r.record_id,
            project.task.view(record_of(conn, r.record_hash), project.config),
            [a for a in labels if a.item_id == r.id],
        )
        for r in rows
    ]


def adjudication_queue(
    conn: Connection, project: ProjectInfo, limit: int, after: int | None = None
) -> list[Dispute]:
    """Up to `limit` disputed items not yet decided, in queue order; `after` (an item id, the last
    one of the previous page) pages on."""
    query = (
        select(project_items)
        .where(project_items.c.project_id == project.id, project_items.c.status == DISPUTED)
        .order_by(project_items.c.position)
        .limit(limit)
    )
    if after is not None:
        where = select(project_items.c.position).where(
            project_items.c.id == after, project_items.c.project_id == project.id
        )
        query = query.where(project_items.c.position > where.scalar_subquery())
    return _disputes(conn, project, conn.execute(query).all())


def dispute(conn: Connection, project: ProjectInfo, item_id: int) -> Dispute:
    """One item of the adjudication queue (NotFoundError unless it waits for a decision)."""
    row = item_row(conn, project, item_id)
    if row.status != DISPUTED:
        raise NotFoundError(
            f"item {item_id} of '{project.name}' is {row.status}, not waiting for adjudication"
        )
    return _disputes(conn, project, [row])[0]


def adjudicate(
    engine: Engine, name: str, item_id: int, adjudicator: str, payload: Any, comment: str = ""
) -> Adjudication:
    """Decide a disputed item (the label in the item's true order); the decision is final."""
    check_user(adjudicator, "adjudicator")
    check_label(payload)
    check_text(comment, "comment")
    with write_transaction(engine) as conn:
        project = load(conn, name)
        item = item_row(conn, project, item_id, lock=True)
        if item.status == ADJUDICATED:
            who = conn.execute(
                select(adjudications.c.adjudicator).where(adjudications.c.item_id == item_id)
            ).scalar()
            raise ConflictError(f"item {item_id} was already adjudicated by {who}; that is final")
        if item.status != DISPUTED:
            raise ConflictError(
                f"item {item_id} is {item.status}, not disputed; only disagreements are adjudicated"
            )
        labels = list_annotations(conn, project, item_ids=[item_id])
        if adjudicator in {a.annotator for a in labels}:
            raise ConflictError(f"{adjudicator} annotated item {item_id} and cannot adjudicate it")
        view = project.task.view(record_of(conn, item.record_hash), project.config)
        decided = project.task.validate(payload, project.config, view, "payload")
        at = now()
        new_id = conn.execute(
            insert(adjudications)
            .values(
                project_id=project.id,
                item_id=item_id,
                adjudicator=adjudicator,
                payload=decided,
                comment=comment,
                created_at=at,
            )
            .returning(adjudications.c.id)
        ).scalar_one()
        refresh_status(conn, project, item_id)
        record_event(
            conn,
            actor=adjudicator,
            action="item.adjudicate",
            object_type="item",
            object_id=f"{name}#{item_id}",
            detail={"annotators": sorted(a.annotator for a in labels)},
        )
        return Adjudication(new_id, name, item_id, adjudicator, decided, comment, at)


def list_adjudications(conn: Connection, project: ProjectInfo) -> list[Adjudication]:
    """Every decision in the project, oldest first."""
    rows = conn.execute(
        select(adjudications)
        .where(adjudications.c.project_id == project.id)
        .order_by(adjudications.c.id)
    )
    return [
        Adjudication(
            r.id, project.name, r.item_id, r.adjudicator, r.payload, r.comment, aware(r.created_at)
        )
        for r in rows
    ]
