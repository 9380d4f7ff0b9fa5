"""A run's pass rate from many automatic grades and a few human ones (prediction-powered).

People graded n of a run's N cases; the graders graded all of them. The human-only rate rests
on n cases; the graders-only rate rests on N but carries the graders' bias. The
prediction-powered estimate (:func:`mentor.judges.ppi.ppi_mean`) corrects the graders' rate by
how far they were off on the cases people graded, so its interval stays valid and is narrower
than people's alone when the graders agree with people.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from mentor.evals.compare import CONFIDENCE
from mentor.evals.verdicts import run_scorecard
from mentor.judges.estimates import Estimate
from mentor.judges.ppi import PPIEstimate, ppi_mean

if TYPE_CHECKING:
    from mentor.workspace import Workspace


@dataclass(frozen=True)
class RunPassRate:
    """A run's pass rate three ways, or why there is no prediction-powered figure."""

    run: int
    estimate: PPIEstimate | None
    reason: str = ""


def _verdicts(ws: Workspace, run: int | str, grades: str) -> dict[str, bool]:
    outcomes = run_scorecard(ws, run, CONFIDENCE, grades).outcomes
    return {o.case.id: p for o in outcomes if (p := o.passed) is not None}


def pass_rate(ws: Workspace, run: int | str, *, confidence: float = CONFIDENCE) -> RunPassRate:
    """The run's pass rate from people alone, from the graders alone, and prediction-powered
    (people's grades correcting the graders'): the cases both graded, and the rest."""
    run_id = ws.evals.get_run(run).id
    if not ws.evals.human_grades(run_id):
        return RunPassRate(run_id, None, "people graded none of its cases; at least 2 are needed")
    auto = _verdicts(ws, run_id, "auto")
    human = _verdicts(ws, run_id, "human")
    both = [case for case in human if case in auto]
    rest = [float(p) for case, p in auto.items() if case not in human]
    if len(both) < 2:
        why = f"people graded {len(both)} of the cases the graders judged; at least 2 are needed"
        return RunPassRate(run_id, None, why)
    if not rest:
        return RunPassRate(run_id, None, "people graded every case: their rate needs no judge")
    estimate = ppi_mean(
        [float(human[c]) for c in both],
        [float(auto[c]) for c in both],
        rest,
        confidence=confidence,
    )
    return RunPassRate(run_id, _as_rates(estimate))


def _rate(e: Estimate) -> Estimate:
    return replace(e, low=max(0.0, e.low), high=min(1.0, e.high))


def _as_rates(found: PPIEstimate) -> PPIEstimate:
    """A pass rate lies in [0, 1]: the normal-approximation bounds are clipped to it."""
    return replace(
        found,
        estimate=_rate(found.estimate),
        human_only=_rate(found.human_only),
        judge_only=_rate(found.judge_only),
    )
