"""A grader of a stored run set against the human grades of a review project on that run.

Each case people graded (``eval_human_grades``) is paired with the grader's grade of the same
case (``eval_grades``): pass or fail for both, or their scores when ordinal. A grade the judge
could not give (unparsed, error) counts as unparsed; a case the grader skipped is left out.
The fingerprint is the grader's (type, version, parameters) and the run's judge model's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from mentor.errors import InputError, NotFoundError
from mentor.evals.cases import distinct_graders
from mentor.evals.runs import get_run
from mentor.evals.suite_store import stored_suite
from mentor.judges.verdicts import Label, LabelRow
from mentor.store.annotation_tables import projects
from mentor.store.eval_tables import eval_grades, eval_runs
from mentor.store.judge_tables import eval_human_grades


@dataclass(frozen=True)
class ReviewLabels:
    """People's and the grader's labels of one run's cases, and what identifies the grader."""

    rows: list[LabelRow]
    fingerprint: dict[str, Any]
    source: dict[str, Any]
    reasons: dict[str, tuple[str, str]]  # case id: (people's reason, the grader's)


def _project(conn: Connection, name: str) -> Any:
    row = conn.execute(select(projects).where(projects.c.name == name)).first()
    if row is None:
        raise NotFoundError(
            f"no project or verdict file {name!r}; give a review project's name "
            "(`mentor projects list`) or the path of a .jsonl/.csv verdict file",
        )
    return row


def _run_of(conn: Connection, project: Any) -> int:
    runs = sorted(
        conn.execute(
            select(eval_human_grades.c.run_id)
            .where(eval_human_grades.c.project_id == project.id)
            .group_by(eval_human_grades.c.run_id)
        ).scalars()
    )
    if not runs:
        raise InputError(
            f"project {project.name!r} has no human grades attached to a run; release its "
            "labels and attach them first",
            where="--against",
        )
    if len(runs) > 1:
        raise InputError(
            f"project {project.name!r} graded several runs ({', '.join(map(str, runs))}); "
            "a calibration is of one grader on one run",
            where="--against",
        )
    return int(runs[0])


def _fingerprint(conn: Connection, run_id: int, grader: str) -> dict[str, Any]:
    run = get_run(conn, run_id)
    sid = conn.execute(select(eval_runs.c.suite_id).where(eval_runs.c.id == run_id)).scalar_one()
    spec = next(
        (s for s, _ in distinct_graders(stored_suite(conn, sid).cases) if s.label == grader), None
    )
    return {
        "grader": grader,
        "type": spec.type if spec else None,
        "version": run.graders.get(grader),
        "params": spec.params if spec else {},
        "judge": (run.judge or {}).get("fingerprint"),
    }


def _as_label(passed: bool | None, score: float | None, ordinal: bool) -> Label | None:
    if ordinal:
        return None if score is None else float(score)
    return None if passed is None else "pass" if passed else "fail"


def review_labels(conn: Connection, grader: str, project: str, *, ordinal: bool) -> ReviewLabels:
    """The labels of `grader` and of people in review project `project`, case by case."""
    found = _project(conn, project)
    run_id = _run_of(conn, found)
    grades = {
        r.case_id: r
        for r in conn.execute(
            select(eval_grades).where(
                eval_grades.c.run_id == run_id, eval_grades.c.grader == grader
            )
        )
    }
    if not grades:
        names = conn.execute(
            select(eval_grades.c.grader).where(eval_grades.c.run_id == run_id).distinct()
        ).scalars()
        raise InputError(
            f"run {run_id} has no grades from a grader named {grader!r}; its graders: "
            f"{', '.join(sorted(names)) or 'none'}",
            field="judge",
        )
    human = conn.execute(
        select(eval_human_grades)
        .where(eval_human_grades.c.project_id == found.id)
        .order_by(eval_human_grades.c.case_id)
    )
    rows, reasons = [], {}
    for line, h in enumerate(human, start=1):
        g = grades.get(h.case_id)
        people = _as_label(h.passed, h.score, ordinal)
        if g is None or g.state == "skipped" or people is None:
            continue
        said = _as_label(g.passed, g.score, ordinal) if g.state == "graded" else None
        rows.append(LabelRow(h.case_id, line, people, said))
        reasons[h.case_id] = (h.reason, g.reason)
    source = {
        "project": found.name,
        "version": found.dataset_version_id,
        "guideline_version": found.guideline_version_id,
        "run": run_id,
    }
    return ReviewLabels(rows, _fingerprint(conn, run_id, grader), source, reasons)
