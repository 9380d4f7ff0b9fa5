"""Human grades of a run's outputs, and outcomes that rest on them, on automatic grades or both.

People grade a run's outputs in a review project (``mentor projects create --from-run``); its
released labels are attached to the run as rows of ``eval_human_grades`` (see
:mod:`mentor.judges.review`). This module is the read side inside evals: it never imports
annotation or judges, it reads the store.

Which grades a scorecard, comparison or gate rests on:

=========  ==================================================================================
``auto``   the graders' grades (the default)
``human``  only the cases people graded, judged by people alone
``both``   every case; where people gave a pass or fail it wins over the graders
=========  ==================================================================================

A human grade without a verdict (a pairwise tie) leaves the case to its graders under ``both``
and unjudged under ``human``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final, Literal

from sqlalchemy import Connection, select

from mentor.errors import InputError
from mentor.evals.grades import Grade
from mentor.evals.outcomes import CaseOutcome
from mentor.store.annotation_tables import projects
from mentor.store.audit import aware
from mentor.store.judge_tables import eval_human_grades
from mentor.store.tables import versions

GradeSource = Literal["auto", "human", "both"]
GRADE_SOURCES: Final[tuple[GradeSource, ...]] = ("auto", "human", "both")
REVIEW_TRANSFORM: Final = "eval-review"
"""The transform of a dataset version made from a run's outputs for people to review."""
HUMAN: Final = "human"
"""The grader name human grades carry in outcomes."""


@dataclass(frozen=True)
class HumanGrade:
    """What people said about one case's output in one review project, and who said it."""

    run_id: int
    case_id: str
    project: str
    kind: str  # pass-fail, rubric, spans or pairwise
    passed: bool | None
    score: float | None
    label: dict[str, Any]
    reason: str
    provenance: dict[str, Any]
    attached_by: str
    attached_at: datetime

    @property
    def annotators(self) -> tuple[str, ...]:
        """Who labelled the case."""
        return tuple(self.provenance.get("annotators", ()))

    @property
    def adjudicated(self) -> bool:
        """Whether an adjudicator decided the label."""
        return bool(self.provenance.get("adjudicated"))

    @property
    def verdict(self) -> str:
        """pass, fail, or what else people said (a pairwise preference)."""
        if self.kind == "pairwise":
            return f"prefers {self.label.get('preferred', '?')}"
        return "—" if self.passed is None else "pass" if self.passed else "fail"

    def as_grade(self) -> Grade:
        """The human grade as a grade of the ``human`` grader."""
        detail = {"kind": self.kind, "project": self.project, "label": self.label}
        return Grade(
            HUMAN,
            "graded" if self.passed is not None else "skipped",
            self.passed,
            self.score,
            self.reason,
            {**detail, **self.provenance},
            version=f"project:{self.project}",
        )


def grade_source(value: str) -> GradeSource:
    """`value` as a grade source, or an InputError naming ``--grades``."""
    if value not in GRADE_SOURCES:
        raise InputError(
            f"'{value}' is not a grade source; use one of {', '.join(GRADE_SOURCES)}",
            where="--grades",
        )
    return value


def human_grades(conn: Connection, run_id: int) -> dict[str, HumanGrade]:
    """The run's human grades by case id; where several projects graded a case, the one
    attached last."""
    rows = conn.execute(
        select(eval_human_grades, projects.c.name.label("project"))
        .join(projects, projects.c.id == eval_human_grades.c.project_id)
        .where(eval_human_grades.c.run_id == run_id)
        .order_by(eval_human_grades.c.attached_at, eval_human_grades.c.project_id)
    )
    found: dict[str, HumanGrade] = {}
    for r in rows:
        found[r.case_id] = HumanGrade(
            run_id=r.run_id,
            case_id=r.case_id,
            project=r.project,
            kind=r.kind,
            passed=r.passed,
            score=r.score,
            label=dict(r.label),
            reason=r.reason,
            provenance=dict(r.provenance),
            attached_by=r.attached_by,
            attached_at=aware(r.attached_at),
        )
    return found


def review_projects(conn: Connection, run_id: int) -> list[str]:
    """The names of the review projects made from the run's outputs (as candidate or baseline)."""
    rows = conn.execute(
        select(projects.c.name, versions.c.params)
        .join(versions, versions.c.id == projects.c.dataset_version_id)
        .where(versions.c.transform == REVIEW_TRANSFORM)
        .order_by(projects.c.name)
    )
    return [name for name, params in rows if run_id in (params.get("run"), params.get("baseline"))]


def with_human(
    outcomes: Sequence[CaseOutcome], human: Mapping[str, HumanGrade], source: GradeSource
) -> list[CaseOutcome]:
    """The outcomes as `source` (auto, human or both) says to judge them."""
    if source == "auto":
        return list(outcomes)
    out: list[CaseOutcome] = []
    for o in outcomes:
        h = human.get(o.case.id)
        if h is None or (source == "both" and h.passed is None):
            if source == "both":
                out.append(o)
            continue
        out.append(replace(o, grades=(h.as_grade(),), error=None))
    return out
