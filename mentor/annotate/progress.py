"""Progress of a project: items done, disputed, in progress and remaining, and per annotator."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, case, exists, func, or_, select

from mentor.annotate.annotations import Annotation, list_annotations
from mentor.annotate.clarifications import questions
from mentor.annotate.gold import gold_accuracy
from mentor.annotate.items import ADJUDICATED, COMPLETE, DISPUTED, OPEN
from mentor.annotate.projects import ProjectInfo
from mentor.annotate.queues import LEASED, REJECTED, SKIPPED, barred, holds_slot
from mentor.store.annotation_tables import annotations as annotations_t
from mentor.store.annotation_tables import assignments, project_items
from mentor.store.audit import aware


@dataclass(frozen=True)
class AnnotatorProgress:
    """One annotator's work in a project (gold included in the gold columns only)."""

    annotator: str
    submitted: int
    skipped: int
    leased: int
    rejected: int
    gold_answered: int
    gold_score: float | None
    mean_time_s: float | None
    prelabel_agreement: float | None


@dataclass(frozen=True)
class ProjectProgress:
    """Where a project stands. ``done`` = complete + adjudicated; ``in_progress``: open items
    someone has labelled or holds; ``remaining``: open items nobody has touched."""

    project: str
    items: int
    done: int
    complete: int
    adjudicated: int
    disputed: int
    in_progress: int
    remaining: int
    gold_items: int
    annotations: int
    active_leases: int
    review_pending: int
    reviews: dict[str, int]
    questions_open: int
    prelabel_agreement: float | None
    annotators: list[AnnotatorProgress]


@dataclass(frozen=True)
class MyProgress:
    """What one annotator may see of a project: their own work, what is left for them, and how
    far the project is (never another annotator's figures).

    `done` counts their labels, gold included (an annotator cannot tell gold apart); `left` the
    items they may still take now (a regular one they hold included, a gold one they hold not, so
    the count does not move when a gold item is handed out): regular items that are open, not
    yet labelled, skipped or rejected by them, and not full with k other annotators. Gold items
    come on top of these, at the gold rate, while regular work is left, so ``left == 0`` is when
    the queue has nothing more for them."""

    project: str
    annotator: str
    done: int
    skipped: int
    holding: int
    left: int
    items: int
    finished: int


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _annotator(
    who: str, mine: list[Annotation], states: Counter[str], leased: int
) -> AnnotatorProgress:
    regular = [a for a in mine if not a.gold]
    gold = gold_accuracy(mine)
    agreed = [float(a.prelabel_agrees) for a in regular if a.prelabel_agrees is not None]
    return AnnotatorProgress(
        annotator=who,
        submitted=len(regular),
        skipped=states[SKIPPED],
        leased=leased,
        rejected=states[REJECTED],
        gold_answered=gold.answered,
        gold_score=gold.mean,
        mean_time_s=_mean([a.time_spent_s for a in regular]),
        prelabel_agreement=_mean(agreed),
    )


def progress(conn: Connection, project: ProjectInfo, at: datetime) -> ProjectProgress:
    """Count everything a project dashboard shows."""
    items = conn.execute(
        select(project_items.c.id, project_items.c.status).where(
            project_items.c.project_id == project.id, project_items.c.is_gold.is_(False)
        )
    ).all()
    rows = conn.execute(
        select(
            assignments.c.item_id,
            assignments.c.annotator,
            assignments.c.state,
            assignments.c.expires_at,
        ).where(assignments.c.project_id == project.id)
    ).all()
    labels = list_annotations(conn, project, include_gold=True)
    active = [r for r in rows if r.state == LEASED and _after(r.expires_at, at)]
    touched = {a.item_id for a in labels} | {r.item_id for r in active}
    status = Counter(s for _, s in items)
    open_ids = [i for i, s in items if s not in (COMPLETE, ADJUDICATED, DISPUTED)]
    in_progress = sum(i in touched for i in open_ids)
    states: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        states[r.annotator][r.state] += 1
    by_who: dict[str, list[Annotation]] = defaultdict(list)
    for a in labels:
        by_who[a.annotator].append(a)
    regular = [a for a in labels if not a.gold]
    agreed = [float(a.prelabel_agrees) for a in regular if a.prelabel_agrees is not None]
    decided = {i for i, s in items if s == ADJUDICATED}
    return ProjectProgress(
        project=project.name,
        items=len(items),
        done=status[COMPLETE] + status[ADJUDICATED],
        complete=status[COMPLETE],
        adjudicated=status[ADJUDICATED],
        disputed=status[DISPUTED],
        in_progress=in_progress,
        remaining=len(open_ids) - in_progress,
        gold_items=project.gold_items,
        annotations=len(regular),
        active_leases=len(active),
        # An adjudicated item's decision is final: its unreviewed labels are no longer reviewable.
        review_pending=sum(
            a.review_sampled and a.review is None and a.item_id not in decided for a in regular
        ),
        reviews=dict(Counter(a.review for a in regular if a.review is not None)),
        questions_open=len(questions(conn, project, open_only=True)),
        prelabel_agreement=_mean(agreed),
        annotators=[
            _annotator(who, by_who[who], states[who], sum(r.annotator == who for r in active))
            for who in sorted(states)
        ],
    )


def _after(moment: datetime, at: datetime) -> bool:
    return aware(moment) > at


def left_for(conn: Connection, project: ProjectInfo, annotator: str, at: datetime) -> int:
    """How many items `annotator` may still take (see :class:`MyProgress`), in one query."""
    item = project_items.c.id
    held = exists().where(
        assignments.c.item_id == item,
        assignments.c.annotator == annotator,
        assignments.c.state == LEASED,
        assignments.c.expires_at > at,
    )
    mine = exists().where(assignments.c.item_id == item, barred(annotator, at))
    taken = select(func.count()).where(assignments.c.item_id == item, holds_slot(at))
    takeable = and_(
        project_items.c.status == OPEN,
        ~mine,
        taken.scalar_subquery() < project.settings.overlap,
    )
    # Gold items are never counted, held or not: a count that rose while one was on screen
    # would tell the annotator which item is the check.
    query = select(func.count()).where(
        project_items.c.project_id == project.id,
        project_items.c.is_gold.is_(False),
        or_(held, takeable),
    )
    return int(conn.execute(query).scalar_one())


def my_progress(conn: Connection, project: ProjectInfo, annotator: str, at: datetime) -> MyProgress:
    """One annotator's standing in a project, from a few counts (no annotation is loaded)."""
    done = conn.execute(
        select(func.count()).where(
            annotations_t.c.project_id == project.id, annotations_t.c.annotator == annotator
        )
    ).scalar_one()
    skipped, holding = conn.execute(
        select(
            func.coalesce(func.sum(case((assignments.c.state == SKIPPED, 1), else_=0)), 0),
            func.coalesce(
                func.sum(
                    case(
                        (and_(assignments.c.state == LEASED, assignments.c.expires_at > at), 1),
                        else_=0,
                    )
                ),
                0,
            ),
        ).where(assignments.c.project_id == project.id, assignments.c.annotator == annotator)
    ).one()
    finished = conn.execute(
        select(func.count()).where(
            project_items.c.project_id == project.id,
            project_items.c.is_gold.is_(False),
            project_items.c.status.in_((COMPLETE, ADJUDICATED)),
        )
    ).scalar_one()
    return MyProgress(
        project=project.name,
        annotator=annotator,
        done=int(done),
        skipped=int(skipped),
        holding=int(holding),
        left=left_for(conn, project, annotator, at),
        items=project.items,
        finished=int(finished),
    )
