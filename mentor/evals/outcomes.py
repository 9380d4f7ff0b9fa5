"""One case's result in a run — its grades, output and error — and the verdict they add up to.

:class:`CaseOutcome` is what scorecards, comparisons, gates and CI reports read. It does not
depend on how results are stored; :func:`load_outcomes` reads a stored run into outcomes.

A case's status:

=============  ================================================================
``failed``     a grader graded it and failed it (whatever the other graders said)
``error``      the model call failed, or a grader errored and none failed it
``unparsed``   a judge's reply could not be read and no grader failed it
``passed``     at least one grader passed it and none failed, errored or was unparsed
``ungraded``   every grader skipped it (or it has none)
=============  ================================================================

Pass rates count ``passed`` and ``failed`` cases only; the rest are *unjudged*, counted and
reported on their own, never folded into a pass or a fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from mentor.evals.cases import Case
from mentor.evals.grades import Grade
from mentor.evals.runs import iter_results, run_id_of

if TYPE_CHECKING:
    from mentor.workspace import Workspace

CaseStatus = Literal["passed", "failed", "unparsed", "error", "ungraded"]
STATUSES: tuple[CaseStatus, ...] = ("passed", "failed", "unparsed", "error", "ungraded")


@dataclass(frozen=True)
class CaseOutcome:
    """A case, the model's answer to it, and its grades (or the error that stopped it)."""

    case: Case
    grades: tuple[Grade, ...] = ()
    error: str | None = None
    output: str | None = None
    latency_s: float | None = None

    @property
    def status(self) -> CaseStatus:
        """passed, failed, unparsed, error or ungraded (see the module docstring)."""
        states = {g.state for g in self.grades}
        if self.error is not None:
            return "error"
        if any(g.state == "graded" and g.passed is False for g in self.grades):
            return "failed"
        if "error" in states:
            return "error"
        if "unparsed" in states:
            return "unparsed"
        if any(g.state == "graded" for g in self.grades):
            return "passed"
        return "ungraded"

    @property
    def passed(self) -> bool | None:
        """True or False when the case was judged; None when it was not."""
        status = self.status
        return True if status == "passed" else False if status == "failed" else None

    @property
    def score(self) -> float | None:
        """The mean score of its graded grades (None when none scored)."""
        scores = [g.score for g in self.grades if g.state == "graded" and g.score is not None]
        return sum(scores) / len(scores) if scores else None

    @property
    def reasons(self) -> tuple[str, ...]:
        """``grader: reason`` for every grade that did not pass, and the run error if any."""
        lines = [f"model call failed: {self.error}"] if self.error is not None else []
        lines += [
            f"{g.grader} ({g.state}): {g.reason}"
            if g.state != "graded"
            else f"{g.grader}: {g.reason}"
            for g in self.grades
            if g.state in ("error", "unparsed") or (g.state == "graded" and g.passed is False)
        ]
        return tuple(lines)


def load_outcomes(ws: Workspace, run: int | str) -> list[CaseOutcome]:
    """The outcome of every case of the stored run `run` (``12`` or ``"12"``), in suite order."""
    return [
        CaseOutcome(r.case, r.grades, r.error, r.output, r.latency_s)
        for r in iter_results(ws.engine, run_id_of(run))
    ]
