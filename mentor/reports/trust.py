"""Judge-trust caveats: the judges behind a report's grades whose calibration against people
is missing, too old, too small or too weak to lean on.

Each judge grader used in the runs is checked against the default requirement of a gate's
``judge:`` condition (kappa lower bound >= 0.6 on >= 50 items) and an age limit, at the store's
own time (see :mod:`mentor.reports.stamp`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import Connection

from mentor.evals.gate_judges import JudgeRequirement, judged_graders, latest_calibrations, unmet
from mentor.evals.outcomes import CaseOutcome

MAX_AGE_DAYS: Final = 90.0


@dataclass(frozen=True)
class JudgeCaveat:
    """A judge a report's numbers rest on, and why its grades deserve care."""

    judge: str
    runs: tuple[int, ...]
    calibration: str  # its latest calibration in one line, or "never calibrated"
    problem: str


def judge_caveats(
    conn: Connection, runs: Iterable[tuple[int, Sequence[CaseOutcome]]], at: datetime | None
) -> tuple[JudgeCaveat, ...]:
    """A caveat for each judge grader of `runs` (run id, outcomes) that fails the requirement."""
    used: dict[str, set[int]] = {}
    for run_id, outcomes in runs:
        for name in judged_graders(outcomes):
            used.setdefault(name, set()).add(run_id)
    found = latest_calibrations(conn, used)
    caveats = []
    for name in sorted(used):
        req = JudgeRequirement(name=name, max_age_days=MAX_AGE_DAYS)
        cal = found.get(name)
        why = unmet(req, cal, at) if at is not None or cal is None else None
        if why is not None:
            summary = cal.summary if cal else "never calibrated"
            caveats.append(JudgeCaveat(name, tuple(sorted(used[name])), summary, why))
    return tuple(caveats)
