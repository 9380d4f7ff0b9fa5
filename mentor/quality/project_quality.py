"""Everything the quality dashboard and `mentor quality report` show for one project."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from mentor import agreement
from mentor.agreement import AgreementError
from mentor.annotate.annotations import Annotation
from mentor.annotate.gold import gold_accuracy, gold_answers
from mentor.annotate.progress import ProjectProgress
from mentor.annotate.projects import ProjectInfo
from mentor.errors import NotFoundError
from mentor.quality.annotators import AnnotatorQuality, GoldWatch, annotator_quality
from mentor.quality.drift import Drift, RoundBy, drift
from mentor.quality.periods import Period, period_of
from mentor.quality.project_labels import (
    Question,
    first_values,
    gold_confusion,
    label_order,
    questions,
)
from mentor.quality.proportions import Share, wilson
from mentor.quality.questions import Matrix, QuestionQuality, question_quality
from mentor.store.audit import now

if TYPE_CHECKING:
    from mentor.workspace import Workspace


@dataclass(frozen=True)
class QualityConfig:
    """How the figures are computed: bootstrap resamples and seed, the period of time series,
    the gold watch (rolling window and alert threshold) and how drift rounds are formed."""

    n_boot: int = 1000
    seed: int = 0
    period: Period = "week"
    watch: GoldWatch = field(default_factory=GoldWatch)
    drift_by: RoundBy = "guideline"


@dataclass(frozen=True)
class TrendPoint:
    """Percent agreement of the items whose last label came in during `period`."""

    period: str
    items: int
    value: float | None
    low: float | None
    high: float | None
    undefined: str | None = None


@dataclass(frozen=True)
class ProjectQuality:
    """A project's quality: progress, agreement per question, its trend, gold accuracy, the
    annotators, review outcomes, clarifications, drift between rounds."""

    project: str
    task_type: str
    guideline: str
    computed_at: datetime
    progress: ProjectProgress
    annotators: list[str]
    labels: int
    gold_answers: int
    gold: Share
    review_pass: Share
    questions: list[QuestionQuality]
    trend: list[TrendPoint]
    throughput: dict[str, int]
    people: list[AnnotatorQuality]
    gold_confusion: Matrix
    clarifications: int
    clarifications_answered: int
    drift: Drift
    config: QualityConfig


def _trend(question: Question, found: list[Annotation], config: QualityConfig) -> list[TrendPoint]:
    last: dict[str, datetime] = {}
    for a in found:
        key = str(a.item_id)
        last[key] = max(last.get(key, a.submitted_at), a.submitted_at)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(question.table.items):
        groups[period_of(last[item], config.period)].append(i)
    points = []
    for key in sorted(groups):
        rows = [question.table.rows[i] for i in groups[key]]
        try:
            found_ = agreement.percent_agreement(rows, n_boot=config.n_boot, rng=config.seed)
        except AgreementError as exc:
            points.append(TrendPoint(key, len(rows), None, None, None, str(exc)))
            continue
        ci = found_.ci
        points.append(
            TrendPoint(
                key, found_.n_items, found_.value, ci.low if ci else None, ci.high if ci else None
            )
        )
    return points


def _matrix(counts: dict[tuple[str, str], int]) -> Matrix:
    labels = sorted({x for pair in counts for x in pair}, key=label_order)
    return Matrix(labels, [[counts.get((r, c), 0) for c in labels] for r in labels])


def open_project(ws: Workspace, name: str, annotator: str) -> ProjectInfo:
    """Project `name` if its annotation queue is open to `annotator` (no members, or they are
    one); else, for a project with members as for one that does not exist, the same NotFoundError,
    which names no other project: an annotator cannot learn which projects exist."""
    try:
        return ws.projects.get(name, annotator=annotator)
    except NotFoundError:
        raise NotFoundError(f"no project named '{name}' is open to {annotator}") from None


def project_quality(
    ws: Workspace, name: str, config: QualityConfig | None = None
) -> ProjectQuality:
    """Compute the quality figures of project `name` from the store."""
    config = config or QualityConfig()
    project = ws.projects.get(name)
    found = ws.projects.annotations(name, include_gold=True)
    with ws.engine.connect() as conn:
        answers = gold_answers(conn, project)
    asked = ws.projects.questions(name)
    regular = [a for a in found if not a.gold]
    tables = questions(project, found)
    by_person: dict[str, list[Annotation]] = defaultdict(list)
    for a in found:
        by_person[a.annotator].append(a)
    people = [
        annotator_quality(
            who, by_person[who], [t.table for t in tables[:1]], config.watch, config.period
        )
        for who in sorted(by_person)
    ]
    gold = gold_accuracy(found)
    reviewed = [a for a in regular if a.review is not None]
    return ProjectQuality(
        project=name,
        task_type=project.task_type,
        guideline=project.guideline,
        computed_at=now(),
        progress=ws.projects.progress(name),
        annotators=sorted({a.annotator for a in regular}),
        labels=len(regular),
        gold_answers=gold.answered,
        gold=wilson(gold.score, gold.answered),
        review_pass=wilson(sum(a.review == "accept" for a in reviewed), len(reviewed)),
        questions=[question_quality(q, n_boot=config.n_boot, seed=config.seed) for q in tables],
        trend=_trend(tables[0], regular, config) if tables and regular else [],
        throughput=dict(
            sorted(Counter(period_of(a.submitted_at, config.period) for a in regular).items())
        ),
        people=people,
        gold_confusion=_matrix(gold_confusion(project, found, answers)),
        clarifications=len(asked),
        clarifications_answered=sum(c.answer is not None for c in asked),
        drift=drift(found, first_values(project, found), config.drift_by),
        config=config,
    )
