"""Reading annotations: each label with its review, and label tables for agreement statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from mentor.annotate.projects import ProjectInfo
from mentor.annotate.tasks import Label, Payload
from mentor.errors import InputError
from mentor.store.annotation_tables import annotations as annotations_t
from mentor.store.annotation_tables import project_items, reviews
from mentor.store.audit import aware


@dataclass(frozen=True)
class Annotation:
    """One annotator's label on one item, for trainers, reviewers and quality dashboards.

    `payload` is in the item's true order; `submitted` is what the annotator sent, in the order
    `shown` (``{"order": [true index of each shown position]}``). `review` is the review verdict
    (accept / reject / correct) if the annotation was reviewed. `gold_score` is set on gold items.
    """

    id: int
    project: str
    item_id: int
    record_id: str
    annotator: str
    payload: Payload
    submitted: Payload
    shown: dict[str, Any]
    time_spent_s: float
    client_id: str
    guideline_version: int
    prelabel_agrees: bool | None
    gold: bool
    gold_score: float | None
    review_sampled: bool
    review: str | None
    reviewer: str | None
    review_comment: str | None
    correction: Payload | None
    submitted_at: datetime

    @property
    def effective(self) -> Payload:
        """The label as it counts: the reviewer's correction if there is one."""
        return self.correction if self.correction is not None else self.payload


@dataclass(frozen=True)
class LabelRows:
    """Items x annotators with one value per label (None where an annotator gave none), in the
    shape :class:`mentor.quality.LabelTable` takes."""

    field: str | None
    items: list[str]
    annotators: list[str]
    rows: list[list[Label | None]]


def list_annotations(
    conn: Connection,
    project: ProjectInfo,
    *,
    include_gold: bool = False,
    item_ids: list[int] | None = None,
    annotator: str | None = None,
) -> list[Annotation]:
    """The project's annotations in submission order, each with its review."""
    query = (
        select(
            annotations_t,
            project_items.c.record_id,
            project_items.c.is_gold,
            reviews.c.verdict,
            reviews.c.reviewer,
            reviews.c.comment.label("review_comment"),
            reviews.c.correction,
        )
        .join(project_items, project_items.c.id == annotations_t.c.item_id)
        .outerjoin(reviews, reviews.c.annotation_id == annotations_t.c.id)
        .where(annotations_t.c.project_id == project.id)
        .order_by(annotations_t.c.id)
    )
    if not include_gold:
        query = query.where(project_items.c.is_gold.is_(False))
    if item_ids is not None:
        query = query.where(annotations_t.c.item_id.in_(item_ids))
    if annotator is not None:
        query = query.where(annotations_t.c.annotator == annotator)
    return [_annotation(project.name, r) for r in conn.execute(query)]


def _annotation(project: str, r: Any) -> Annotation:
    return Annotation(
        id=r.id,
        project=project,
        item_id=r.item_id,
        record_id=r.record_id,
        annotator=r.annotator,
        payload=r.payload,
        submitted=r.submitted,
        shown=r.shown,
        time_spent_s=r.time_spent_ms / 1000,
        client_id=r.client_id,
        guideline_version=r.guideline_version,
        prelabel_agrees=r.prelabel_agrees,
        gold=bool(r.is_gold),
        gold_score=r.gold_score,
        review_sampled=bool(r.review_sampled),
        review=r.verdict,
        reviewer=r.reviewer,
        review_comment=r.review_comment,
        correction=r.correction,
        submitted_at=aware(r.submitted_at),
    )


def label_rows(conn: Connection, project: ProjectInfo, field: str | None) -> LabelRows:
    """The annotators' own labels (before review) as a table for agreement statistics."""
    task = project.task
    fields = task.fields(project.config)
    if field is not None and fields and field not in fields:
        raise InputError(
            f"no field '{field}' in a {task.name} label; expected one of {', '.join(fields)}",
            where="--field",
        )
    found = list_annotations(conn, project)
    annotators = sorted({a.annotator for a in found})
    column = {name: i for i, name in enumerate(annotators)}
    table: dict[int, list[Label | None]] = {}
    for a in found:
        row = table.setdefault(a.item_id, [None] * len(annotators))
        row[column[a.annotator]] = task.value(a.payload, field, project.config)
    ids = sorted(table)
    return LabelRows(field, [str(i) for i in ids], annotators, [table[i] for i in ids])
