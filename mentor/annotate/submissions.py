"""Submissions: an annotator's label for a leased item, stored once per client id.

A retry with the same client id and the same label returns the stored annotation; the same
client id with a different label is a ConflictError. A lease that expired still allows the
submission while no one else took the item's slot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, Engine, bindparam, exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from mentor.annotate.freetext import check_label
from mentor.annotate.items import OPEN, item_and_record, refresh_status
from mentor.annotate.members import load_open
from mentor.annotate.projects import ProjectInfo
from mentor.annotate.queues import (
    EXPIRED,
    LEASED,
    SUBMITTED,
    Clock,
    check_user,
    draw,
    slots_taken,
)
from mentor.annotate.tasks import Payload, canonical
from mentor.errors import ConflictError, InputError
from mentor.store.annotation_tables import annotations as annotations_t
from mentor.store.annotation_tables import assignments
from mentor.store.audit import aware
from mentor.store.engine import write_transaction


@dataclass(frozen=True)
class Submission:
    """A stored annotation as its annotator sees it; `replayed` when a retry with the same
    client id found it already stored."""

    annotation_id: int
    project: str
    item_id: int
    annotator: str
    client_id: str
    payload: Payload
    time_spent_s: float
    submitted_at: datetime
    replayed: bool


@dataclass(frozen=True)
class SubmitRequest:
    """What an annotator sends: the label in the order shown, and a client id for retries."""

    item_id: int
    annotator: str
    payload: Any
    client_id: str
    time_spent_s: float | None = None

    def check(self) -> None:
        """Refuse a missing client id, an impossible time or text over the length limit."""
        if not isinstance(self.client_id, str) or not 0 < len(self.client_id) <= 200:
            raise InputError("expected a client id of 1-200 characters", field="client_id")
        check_label(self.payload)
        spent = self.time_spent_s
        if spent is not None and not (math.isfinite(spent) and spent >= 0):
            raise InputError(f"expected seconds >= 0, got {spent}", field="time_spent_s")
        check_user(self.annotator, "annotator")


# Built once: every submission runs them.
_STORED: Final = select(annotations_t).where(
    annotations_t.c.project_id == bindparam("project"),
    annotations_t.c.client_id == bindparam("client_id"),
)
# The caller's assignment, and whether the client id was used already (then it is a retry).
_ASSIGNMENT: Final = select(
    assignments,
    exists()
    .where(
        annotations_t.c.project_id == bindparam("project"),
        annotations_t.c.client_id == bindparam("client_id"),
    )
    .label("client_id_used"),
).where(assignments.c.item_id == bindparam("item_id"), assignments.c.annotator == bindparam("who"))
_NEW: Final = insert(annotations_t).returning(*annotations_t.c)
_DONE: Final = (
    update(assignments)
    .where(assignments.c.id == bindparam("assignment"))
    .values(state=SUBMITTED, finished_at=bindparam("finished_at"))
)


def _replay(conn: Connection, project: ProjectInfo, req: SubmitRequest, submitted: Payload) -> Any:
    """The annotation already stored under this client id (a retry), if any."""
    row = conn.execute(_STORED, {"project": project.id, "client_id": req.client_id}).first()
    if row is None:
        return None
    same = (row.item_id, row.annotator) == (req.item_id, req.annotator)
    if not same or canonical(row.submitted) != canonical(submitted):
        raise ConflictError(
            f"client id '{req.client_id}' was already used for a different submission "
            f"(annotation {row.id}: item {row.item_id} by {row.annotator}); a retry must send "
            "the same label, a new label needs a new client id"
        )
    return row


def _check_assignment(
    conn: Connection, project: ProjectInfo, item: Any, row: Any, req: SubmitRequest, at: datetime
) -> Any:
    """The annotator's assignment, if it still entitles them to submit."""
    who, item_id = req.annotator, req.item_id
    if row is None:
        raise ConflictError(
            f"{who} holds no lease on item {item_id} of '{project.name}'; ask for the next item"
        )
    if row.state not in (LEASED, EXPIRED):
        raise ConflictError(f"{who} already {row.state} item {item_id} of '{project.name}'")
    expired = row.state == EXPIRED or aware(row.expires_at) <= at
    if expired and not item.is_gold:
        if item.status != OPEN:
            raise ConflictError(
                f"the lease of {who} on item {item_id} expired and the item is {item.status}"
            )
        if slots_taken(conn, item_id, at, but=who) >= project.settings.overlap:
            raise ConflictError(
                f"the lease of {who} on item {item_id} expired at "
                f"{aware(row.expires_at):%H:%M:%S} and the item went to other annotators; ask "
                "for the next item"
            )
    return row


def _values(
    project: ProjectInfo, item: Any, row: Any, req: SubmitRequest, submitted: Payload, at: datetime
) -> dict[str, Any]:
    """The annotation row: the label in true order, time spent, gold score, pre-label agreement,
    and whether it is sampled for review."""
    task, config = project.task, project.config
    payload = task.unshow(submitted, list(row.shown.get("order", [])))
    spent = req.time_spent_s
    if spent is None:
        spent = max((at - aware(row.leased_at)).total_seconds(), 0.0)
    sampled = draw(project.settings.seed, "review", req.item_id, req.annotator)
    return {
        "project_id": project.id,
        "item_id": req.item_id,
        "assignment_id": row.id,
        "annotator": req.annotator,
        "client_id": req.client_id,
        "payload": payload,
        "submitted": submitted,
        "shown": dict(row.shown),
        "time_spent_ms": round(spent * 1000),
        "guideline_version": project.guideline_number,
        "prelabel_agrees": (
            task.agree([item.prelabel, payload], config) if item.prelabel is not None else None
        ),
        "gold_score": task.score(item.gold_answer, payload, config) if item.is_gold else None,
        "review_sampled": not item.is_gold and sampled < project.settings.review_rate,
        "submitted_at": at,
    }


def _insert(conn: Connection, values: dict[str, Any]) -> Any:
    try:
        stored = conn.execute(_NEW, values).one()
    except IntegrityError as exc:  # the transaction is rolled back with the error
        raise ConflictError(
            f"client id '{values['client_id']}' is being used by another submission right now"
        ) from exc
    done = {"assignment": values["assignment_id"], "finished_at": values["submitted_at"]}
    conn.execute(_DONE, done)
    return stored


def submit(engine: Engine, name: str, req: SubmitRequest, clock: Clock) -> Submission:
    """Store a label; a retry with the same client id and label returns the stored one."""
    req.check()
    with write_transaction(engine) as conn:
        project = load_open(conn, name, req.annotator)
        at = clock()
        item, record = item_and_record(conn, project, req.item_id, lock=True)
        row = conn.execute(
            _ASSIGNMENT,
            {
                "item_id": req.item_id,
                "who": req.annotator,
                "project": project.id,
                "client_id": req.client_id,
            },
        ).first()
        order = list(row.shown.get("order", [])) if row is not None else []
        task = project.task
        view = task.shown_view(task.view(record, project.config), order)
        submitted = task.validate(req.payload, project.config, view, "payload")
        stored = _replay(conn, project, req, submitted) if _maybe_retry(row) else None
        if stored is not None:
            return _submission(project, stored, replayed=True)
        row = _check_assignment(conn, project, item, row, req, at)
        stored = _insert(conn, _values(project, item, row, req, submitted, at))
        refresh_status(conn, project, req.item_id, item)
        return _submission(project, stored, replayed=False)


def _maybe_retry(assignment: Any) -> bool:
    """Whether the submission may repeat a stored one (its client id is taken, or the caller
    holds no assignment, which a retry by someone else would look like)."""
    return assignment is None or bool(assignment.client_id_used)


def _submission(project: ProjectInfo, row: Any, *, replayed: bool) -> Submission:
    return Submission(
        annotation_id=row.id,
        project=project.name,
        item_id=row.item_id,
        annotator=row.annotator,
        client_id=row.client_id,
        payload=row.submitted,
        time_spent_s=row.time_spent_ms / 1000,
        submitted_at=aware(row.submitted_at),
        replayed=replayed,
    )
