"""The annotator's queue: leases, skips and idempotent submissions.

At most k distinct annotators work on an item, even when many ask at once. Distinct: one
assignment row per (item, annotator), a unique constraint. At most k: the item's row is locked
before its slots are counted, in every transaction that takes or frees a slot (BEGIN IMMEDIATE
on SQLite; SELECT ... FOR UPDATE, SKIP LOCKED while searching, on PostgreSQL). A slot is held
by a submitted annotation that was not rejected, or by a lease that has not expired; expired
leases simply stop counting, so their items return to the queue without a sweeper.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Engine,
    and_,
    bindparam,
    exists,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError

from mentor.annotate.freetext import check_text
from mentor.annotate.items import OPEN, item_and_record, item_row
from mentor.annotate.members import load_open
from mentor.annotate.projects import ProjectInfo, load
from mentor.annotate.tasks import Payload, View
from mentor.errors import ConflictError, InputError, NotFoundError
from mentor.records import Record
from mentor.store.annotation_tables import assignments, project_items
from mentor.store.audit import aware
from mentor.store.engine import write_transaction

LEASED: Final = "leased"
SUBMITTED: Final = "submitted"
SKIPPED: Final = "skipped"
REJECTED: Final = "rejected"
EXPIRED: Final = "expired"

Clock = Callable[[], datetime]
_ATTEMPTS: Final = 400
_PAUSE_S: Final = 0.01


@dataclass(frozen=True)
class Task:
    """One item leased to one annotator: what to show, nothing more (no gold answer, no other
    annotator's label). `view` is in the order shown; `suggestion` is the pre-label, if any, in
    that same order; submit labels in that order too."""

    project: str
    task_type: str
    item_id: int
    assignment_id: int
    annotator: str
    view: View
    shown: dict[str, Any]
    suggestion: Payload | None
    guideline: str
    leased_at: datetime
    expires_at: datetime


def draw(*parts: object) -> float:
    """A seeded uniform number in [0, 1) from `parts` (same parts, same number, any machine)."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()
    return int(digest[:13], 16) / 16**13


def holds_slot(at: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
    """Assignments that hold one of an item's k slots at `at`."""
    return or_(
        assignments.c.state == SUBMITTED,
        and_(assignments.c.state == LEASED, assignments.c.expires_at > at),
    )


def barred(
    annotator: str | BindParameter[str], at: datetime | BindParameter[datetime]
) -> ColumnElement[bool]:
    """Assignments that bar the annotator from the item (done, skipped, rejected or holding)."""
    return and_(
        assignments.c.annotator == annotator,
        or_(assignments.c.state.in_((SUBMITTED, SKIPPED, REJECTED)), holds_slot(at)),
    )


def slots_taken(conn: Connection, item_id: int, at: datetime, but: str | None = None) -> int:
    """How many slots of the item are held at `at` (leaving out `but`'s)."""
    query = select(func.count()).where(assignments.c.item_id == item_id, holds_slot(at))
    if but is not None:
        query = query.where(assignments.c.annotator != but)
    return int(conn.execute(query).scalar_one())


# The queue's statements, built once (every next and submit runs them): bound per call.
_AT = bindparam("at", type_=assignments.c.expires_at.type)
_WHO = bindparam("annotator", type_=assignments.c.annotator.type)
_SEARCH: Final = (
    select(project_items.c.id)
    .where(
        project_items.c.project_id == bindparam("project"),
        project_items.c.is_gold.is_(False),
        project_items.c.status == OPEN,
        ~exists().where(assignments.c.item_id == project_items.c.id, barred(_WHO, _AT)),
        select(func.count())
        .where(assignments.c.item_id == project_items.c.id, holds_slot(_AT))
        .scalar_subquery()
        < bindparam("overlap"),
    )
    .order_by(project_items.c.position)
    .limit(1)
)
_SEARCH_PAST: Final = _SEARCH.where(project_items.c.id.not_in(bindparam("passed", expanding=True)))
_CLAIM: Final = _SEARCH.with_for_update(skip_locked=True, of=project_items)
_CLAIM_PAST: Final = _SEARCH_PAST.with_for_update(skip_locked=True, of=project_items)
# Under the item's lock: the slots held, and whether this annotator is barred from it.
_SLOTS: Final = select(
    func.count().filter(holds_slot(_AT)).label("taken"),
    func.count().filter(barred(_WHO, _AT)).label("barring"),
).where(assignments.c.item_id == bindparam("item_id"))
_HELD: Final = (
    select(assignments)
    .where(
        assignments.c.project_id == bindparam("project"),
        assignments.c.annotator == _WHO,
        assignments.c.state == LEASED,
        assignments.c.expires_at > _AT,
    )
    .order_by(assignments.c.leased_at)
    .limit(1)
)
_ASSIGNMENT: Final = select(assignments).where(
    assignments.c.item_id == bindparam("item_id"), assignments.c.annotator == _WHO
)
_NEW_LEASE: Final = insert(assignments).returning(*assignments.c)


def _claim_regular(
    conn: Connection, project: ProjectInfo, annotator: str, at: datetime
) -> tuple[int | None, bool]:
    """Lock and return the first open item with a free slot this annotator may take, and
    whether items were passed over only because other requests held them at that moment."""
    params: dict[str, Any] = {
        "project": project.id,
        "annotator": annotator,
        "at": at,
        "overlap": project.settings.overlap,
    }
    passed: list[int] = []
    while True:
        claim, search = (_CLAIM_PAST, _SEARCH_PAST) if passed else (_CLAIM, _SEARCH)
        item_id = conn.execute(claim, params).scalar()
        if item_id is None:
            # Never wait for a lock while holding others (no deadlocks): report the contention.
            return None, conn.execute(search, params).scalar() is not None
        # Counted again under the lock: the search saw the slots as they were when it started.
        slots = conn.execute(_SLOTS, {"item_id": item_id, "annotator": annotator, "at": at}).one()
        if not slots.barring and slots.taken < project.settings.overlap:
            return int(item_id), False
        passed.append(int(item_id))
        params["passed"] = passed


def _pick_gold(conn: Connection, project: ProjectInfo, annotator: str, at: datetime) -> int | None:
    """A gold item, at the project's gold rate, that this annotator has not seen."""
    if project.settings.gold_rate <= 0 or project.gold_items == 0:
        return None
    served = conn.execute(
        select(func.count()).where(
            assignments.c.project_id == project.id, assignments.c.annotator == annotator
        )
    ).scalar_one()
    if draw(project.settings.seed, "gold", annotator, served) >= project.settings.gold_rate:
        return None
    mine = exists().where(assignments.c.item_id == project_items.c.id, barred(annotator, at))
    ids = (
        conn.execute(
            select(project_items.c.id)
            .where(
                project_items.c.project_id == project.id, project_items.c.is_gold.is_(True), ~mine
            )
            .order_by(project_items.c.position)
        )
        .scalars()
        .all()
    )
    if not ids:
        return None
    return int(ids[int(draw(project.settings.seed, "which", annotator, served) * len(ids))])


def _lease(
    conn: Connection, project: ProjectInfo, item_id: int, annotator: str, at: datetime
) -> tuple[Any, Any, Record]:
    """Give (or give again, after expiry) the item to the annotator; returns the assignment,
    the item and its record."""
    expires = at + timedelta(seconds=project.settings.lease_seconds)
    item, record = item_and_record(conn, project, item_id)
    row = conn.execute(_ASSIGNMENT, {"item_id": item_id, "annotator": annotator}).first()
    if row is not None:
        again = conn.execute(
            sql_update(assignments)
            .where(assignments.c.id == row.id)
            .values(state=LEASED, leased_at=at, expires_at=expires, finished_at=None)
            .returning(*assignments.c)
        ).one()
        return again, item, record
    view = project.task.view(record, project.config)
    order = list(range(project.task.options(view)))
    random.Random(f"{project.settings.seed}:{item_id}:{annotator}").shuffle(order)
    values = {
        "project_id": project.id,
        "item_id": item_id,
        "annotator": annotator,
        "state": LEASED,
        "shown": {"order": order} if order else {},
        "leased_at": at,
        "expires_at": expires,
        "note": "",
    }
    try:
        lease = conn.execute(_NEW_LEASE, values).one()
    except IntegrityError as exc:  # the transaction is rolled back with the error
        raise ConflictError(
            f"{annotator} was given item {item_id} by another request at the same moment; "
            "ask for the next item again"
        ) from exc
    return lease, item, record


def _task(project: ProjectInfo, assignment: Any, item: Any, record: Record) -> Task:
    task = project.task
    order = list(assignment.shown.get("order", []))
    view = task.view(record, project.config)
    suggestion = task.show(item.prelabel, order) if item.prelabel is not None else None
    return Task(
        project=project.name,
        task_type=task.name,
        item_id=item.id,
        assignment_id=assignment.id,
        annotator=assignment.annotator,
        view=task.shown_view(view, order),
        shown=dict(assignment.shown),
        suggestion=suggestion,
        guideline=project.guideline,
        leased_at=aware(assignment.leased_at),
        expires_at=aware(assignment.expires_at),
    )


def _held_task(conn: Connection, project: ProjectInfo, assignment: Any) -> Task:
    """The task of an assignment the annotator holds."""
    item, record = item_and_record(conn, project, assignment.item_id)
    return _task(project, assignment, item, record)


def _held(conn: Connection, project: ProjectInfo, annotator: str, at: datetime) -> Any:
    return conn.execute(_HELD, {"project": project.id, "annotator": annotator, "at": at}).first()


def next_item(engine: Engine, name: str, annotator: str, clock: Clock) -> Task | None:
    """The annotator's current lease, or a new one on the next item; None when nothing is left
    for them. Gold items come at the project's gold rate while regular work remains."""
    check_user(annotator, "annotator")
    for _ in range(_ATTEMPTS):
        with write_transaction(engine) as conn:
            project = load_open(conn, name, annotator)
            at = clock()
            held = _held(conn, project, annotator, at)
            if held is not None:
                return _held_task(conn, project, held)
            item_id, busy = _claim_regular(conn, project, annotator, at)
            if item_id is not None:
                chosen = _pick_gold(conn, project, annotator, at) or item_id
                return _task(project, *_lease(conn, project, chosen, annotator, at))
            if not busy:
                return None
        # Other requests are leasing the remaining items right now; look again when they are done.
        time.sleep(_PAUSE_S)
    raise ConflictError(f"the queue of '{name}' stayed busy; ask for the next item again")


def held_task(engine: Engine, name: str, assignment_id: int, annotator: str, clock: Clock) -> Task:
    """The task of `assignment_id` while `annotator` holds it; leases nothing. NotFoundError when
    the assignment is not theirs, not in this project, or no longer leased to them."""
    check_user(annotator, "annotator")
    with engine.connect() as conn:
        project = load_open(conn, name, annotator)
        row = conn.execute(
            select(assignments).where(
                assignments.c.id == assignment_id,
                assignments.c.project_id == project.id,
                assignments.c.annotator == annotator,
                assignments.c.state == LEASED,
                assignments.c.expires_at > clock(),
            )
        ).first()
        if row is None:
            raise NotFoundError(
                f"{annotator} holds no task {assignment_id} in project '{name}'; "
                "ask for the next item"
            )
        return _held_task(conn, project, row)


def check_user(name: str, role: str) -> str:
    """A user name as the queue records it."""
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise InputError(f"expected a user name (1-200 characters), got {name!r:.40}", field=role)
    return name


def skip(
    engine: Engine, name: str, item_id: int, annotator: str, reason: str, clock: Clock
) -> None:
    """Give a leased item back; it goes to someone else and never to this annotator again."""
    check_text(reason, "reason")
    with write_transaction(engine) as conn:
        project = load_open(conn, name, annotator)
        item_row(conn, project, item_id, lock=True)
        row = conn.execute(
            select(assignments).where(
                assignments.c.item_id == item_id, assignments.c.annotator == annotator
            )
        ).first()
        if row is None or row.state != LEASED:
            raise ConflictError(f"{annotator} holds no lease on item {item_id} of '{name}' to skip")
        conn.execute(
            sql_update(assignments)
            .where(assignments.c.id == row.id)
            .values(state=SKIPPED, finished_at=clock(), note=reason)
        )


def expire_leases(engine: Engine, name: str, clock: Clock) -> int:
    """Mark leases past their time as expired (they already stopped counting); returns how many."""
    with write_transaction(engine) as conn:
        project = load(conn, name)
        result = conn.execute(
            sql_update(assignments)
            .where(
                assignments.c.project_id == project.id,
                assignments.c.state == LEASED,
                assignments.c.expires_at <= clock(),
            )
            .values(state=EXPIRED)
        )
        return int(result.rowcount)
