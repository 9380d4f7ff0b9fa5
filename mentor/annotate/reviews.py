"""Review: a reviewer takes submitted work sampled at the project's review rate and accepts it,
rejects it (the label stops counting and the item goes back to the queue for one more annotator)
or corrects it (the correction counts instead), with a comment.

Only the sample is reviewed: an annotation the review rate did not select (gold answers never
are), one on an item already adjudicated (the adjudicator's decision is final and a verdict could
no longer change the label), the reviewer's own, and one already reviewed are refused. The queue
is exactly what may be reviewed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, Engine, Select, insert, select, update

from mentor.annotate.annotations import Annotation, list_annotations
from mentor.annotate.freetext import check_label, check_text
from mentor.annotate.items import ADJUDICATED, item_row, record_of, refresh_status
from mentor.annotate.projects import ProjectInfo, load
from mentor.annotate.queues import REJECTED, check_user
from mentor.annotate.tasks import Payload, View
from mentor.errors import ConflictError, InputError, NotFoundError
from mentor.store.annotation_tables import annotations as annotations_t
from mentor.store.annotation_tables import assignments, project_items, reviews
from mentor.store.audit import aware, now, record_event
from mentor.store.engine import write_transaction

VERDICTS: Final = ("accept", "reject", "correct")


@dataclass(frozen=True)
class Review:
    """A reviewer's verdict on one annotation."""

    id: int
    project: str
    annotation_id: int
    item_id: int
    annotator: str
    reviewer: str
    verdict: str
    correction: Payload | None
    comment: str
    created_at: datetime


@dataclass(frozen=True)
class ReviewTask:
    """An annotation waiting for review, with the item as the annotator saw it but in its true
    order (labels in `annotation.payload` use that order), and the item's status."""

    annotation: Annotation
    view: View
    status: str


def _waiting(project: ProjectInfo, reviewer: str) -> Select[int]:
    """Ids of sampled annotations nobody reviewed yet on items not adjudicated, oldest first;
    never the reviewer's own."""
    reviewed = select(reviews.c.annotation_id).where(reviews.c.project_id == project.id)
    decided = select(project_items.c.id).where(
        project_items.c.project_id == project.id, project_items.c.status == ADJUDICATED
    )
    return (
        select(annotations_t.c.id)
        .where(
            annotations_t.c.project_id == project.id,
            annotations_t.c.review_sampled.is_(True),
            annotations_t.c.annotator != reviewer,
            annotations_t.c.id.not_in(reviewed),
            annotations_t.c.item_id.not_in(decided),
        )
        .order_by(annotations_t.c.id)
    )


def _review_tasks(conn: Connection, project: ProjectInfo, ids: Sequence[int]) -> list[ReviewTask]:
    if not ids:
        return []
    wanted = set(ids)
    item_ids = (
        conn.execute(select(annotations_t.c.item_id).where(annotations_t.c.id.in_(wanted)))
        .scalars()
        .all()
    )
    found = list_annotations(conn, project, item_ids=list(set(item_ids)))
    out = []
    for annotation in (a for a in found if a.id in wanted):
        item = item_row(conn, project, annotation.item_id)
        view = project.task.view(record_of(conn, item.record_hash), project.config)
        out.append(ReviewTask(annotation, view, item.status))
    return out


def review_queue(
    conn: Connection, project: ProjectInfo, reviewer: str, limit: int, after: int | None = None
) -> list[ReviewTask]:
    """Up to `limit` sampled annotations nobody reviewed yet, oldest first, never the reviewer's
    own; `after` (an annotation id, the last one of the previous page) pages on."""
    query = _waiting(project, reviewer).limit(limit)
    if after is not None:
        query = query.where(annotations_t.c.id > after)
    return _review_tasks(conn, project, conn.execute(query).scalars().all())


def review_task(
    conn: Connection, project: ProjectInfo, annotation_id: int, reviewer: str
) -> ReviewTask:
    """One annotation of the review queue (NotFoundError unless it waits for this reviewer)."""
    query = _waiting(project, reviewer).where(annotations_t.c.id == annotation_id)
    found = _review_tasks(conn, project, conn.execute(query).scalars().all())
    if not found:
        raise NotFoundError(
            f"annotation {annotation_id} of '{project.name}' is not waiting for {reviewer}'s review"
        )
    return found[0]


def _row(conn: Connection, project: ProjectInfo, annotation_id: int) -> Any:
    row = conn.execute(
        select(annotations_t).where(
            annotations_t.c.id == annotation_id, annotations_t.c.project_id == project.id
        )
    ).first()
    if row is None:
        raise NotFoundError(f"project '{project.name}' has no annotation {annotation_id}")
    return row


def _check(verdict: str, comment: str, correction: Any) -> None:
    if verdict not in VERDICTS:
        raise InputError(f"expected one of {', '.join(VERDICTS)}, got '{verdict}'", field="verdict")
    if verdict != "accept" and not comment.strip():
        raise InputError(f"a {verdict} needs a comment for the annotator", field="comment")
    if (verdict == "correct") != (correction is not None):
        raise InputError("give a correction with 'correct', and only then", field="correction")


def _check_reviewable(
    conn: Connection, project: ProjectInfo, row: Any, item: Any, reviewer: str
) -> None:
    """Refuse (ConflictError) a review of anything but an annotation waiting in the queue."""
    annotation_id = row.id
    if row.annotator == reviewer:
        raise ConflictError(f"{reviewer} cannot review their own annotation {annotation_id}")
    done = conn.execute(select(reviews).where(reviews.c.annotation_id == annotation_id)).first()
    if done is not None:
        raise ConflictError(
            f"annotation {annotation_id} was already reviewed by {done.reviewer} ({done.verdict})"
        )
    if not row.review_sampled:
        raise ConflictError(
            f"annotation {annotation_id} was not sampled for review: only the share of "
            f"submissions the review rate of '{project.name}' selects "
            f"({project.settings.review_rate:.0%}) is reviewed; take one from the review queue"
        )
    if item.status == ADJUDICATED:
        raise ConflictError(
            f"item {row.item_id} of '{project.name}' was adjudicated, and that decision is final: "
            f"its annotations are no longer reviewed (annotation {annotation_id})"
        )


def review(
    engine: Engine,
    name: str,
    annotation_id: int,
    reviewer: str,
    verdict: str,
    comment: str = "",
    correction: Any = None,
) -> Review:
    """Accept, reject or correct one annotation waiting in the review queue (sampled, not yet
    reviewed, not the reviewer's own, its item not adjudicated); anything else is a
    ConflictError, an unknown annotation a NotFoundError."""
    check_user(reviewer, "reviewer")
    _check(verdict, comment, correction)
    check_text(comment, "comment")
    check_label(correction, "correction")
    with write_transaction(engine) as conn:
        project = load(conn, name)
        row = _row(conn, project, annotation_id)
        item = item_row(conn, project, row.item_id, lock=True)
        _check_reviewable(conn, project, row, item, reviewer)
        fixed = None
        if correction is not None:
            view = project.task.view(record_of(conn, item.record_hash), project.config)
            fixed = project.task.validate(correction, project.config, view, "correction")
        at = now()
        review_id = conn.execute(
            insert(reviews)
            .values(
                project_id=project.id,
                annotation_id=annotation_id,
                reviewer=reviewer,
                verdict=verdict,
                correction=fixed,
                comment=comment,
                created_at=at,
            )
            .returning(reviews.c.id)
        ).scalar_one()
        if verdict == "reject":
            conn.execute(
                update(assignments)
                .where(assignments.c.id == row.assignment_id)
                .values(state=REJECTED)
            )
        status = refresh_status(conn, project, row.item_id)
        record_event(
            conn,
            actor=reviewer,
            action=f"annotation.{verdict}",
            object_type="annotation",
            object_id=f"{name}#{annotation_id}",
            detail={"item": row.item_id, "annotator": row.annotator, "status": status},
        )
        return Review(
            review_id,
            name,
            annotation_id,
            row.item_id,
            row.annotator,
            reviewer,
            verdict,
            fixed,
            comment,
            at,
        )


def list_reviews(conn: Connection, project: ProjectInfo) -> list[Review]:
    """Every review of the project, oldest first."""
    rows = conn.execute(
        select(reviews, annotations_t.c.item_id, annotations_t.c.annotator)
        .join(annotations_t, annotations_t.c.id == reviews.c.annotation_id)
        .join(project_items, project_items.c.id == annotations_t.c.item_id)
        .where(reviews.c.project_id == project.id)
        .order_by(reviews.c.id)
    )
    return [
        Review(
            r.id,
            project.name,
            r.annotation_id,
            r.item_id,
            r.annotator,
            r.reviewer,
            r.verdict,
            r.correction,
            r.comment,
            aware(r.created_at),
        )
        for r in rows
    ]
