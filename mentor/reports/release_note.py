"""The release readiness note of a candidate run against a baseline run and a gate.

The gate is judged exactly as ``mentor eval gate`` judges it (same scorecards, same paired
comparison, same judge calibrations), with calibration ages judged at the store's time so
the note regenerates byte for byte. Beside the verdict: the scorecard of each severity tier in
both runs with Wilson intervals, what the candidate was trained on, and the known risks: error
categories the tracker found in the candidate run, regression escapes that reached it,
critical regressions and judges without a trustworthy calibration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mentor.evals.compare import Comparison, compare_outcomes
from mentor.evals.gate_judges import latest_calibrations
from mentor.evals.gates import GateResult, GateSpec, evaluate_gate, judges_used, load_gate
from mentor.evals.verdicts import RunScorecard
from mentor.reports.numbers import pct
from mentor.reports.stamp import store_time
from mentor.reports.suggestions import release_actions
from mentor.reports.top_errors import Example, example
from mentor.reports.trained_on import TrainedOn, trained_on
from mentor.reports.trust import JudgeCaveat, judge_caveats

if TYPE_CHECKING:
    from mentor.workspace import Workspace


@dataclass(frozen=True)
class ReleaseNote:
    """Everything the note says, computed from the store."""

    as_of: datetime | None
    gate_source: str  # the gate file's name, or "starter"
    gate: GateResult
    candidate: RunScorecard
    baseline: RunScorecard
    comparison: Comparison
    regressions: tuple[Example, ...]
    trained: TrainedOn | None
    risks: tuple[str, ...]
    caveats: tuple[JudgeCaveat, ...]
    actions: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """The gate's verdict."""
        return self.gate.passed


def gate_spec(gate: GateSpec | str | Path) -> tuple[GateSpec, str]:
    """A gate and how the note names its source."""
    if isinstance(gate, GateSpec):
        return gate, gate.name
    path = Path(gate)
    return load_gate(path), path.name


def build_release_note(
    ws: Workspace, candidate: int | str, baseline: int | str, gate: GateSpec | str | Path
) -> ReleaseNote:
    """The note of run `candidate` against run `baseline`, gated by `gate`."""
    spec, source = gate_spec(gate)
    cand = ws.evals.scorecard(candidate, confidence=spec.confidence, grades=spec.grades)
    base = ws.evals.scorecard(baseline, confidence=spec.confidence, grades=spec.grades)
    with ws.engine.connect() as conn:
        as_of = store_time(conn)
        calibrations = latest_calibrations(conn, judges_used(spec, cand.outcomes))
        caveats = judge_caveats(
            conn, [(base.run.id, base.outcomes), (cand.run.id, cand.outcomes)], as_of
        )
    result = evaluate_gate(spec, cand.outcomes, base.outcomes, calibrations=calibrations, at=as_of)
    comparison = compare_outcomes(base.outcomes, cand.outcomes, confidence=spec.confidence)
    by_id = {o.case.id: o for o in cand.outcomes}
    regressed = sorted(comparison.pairing.regressed)
    risks = _risks(ws, cand, regressed)
    return ReleaseNote(
        as_of=as_of,
        gate_source=source,
        gate=result,
        candidate=cand,
        baseline=base,
        comparison=comparison,
        regressions=tuple(example(by_id[c]) for c in regressed if c in by_id),
        trained=trained_on(ws, cand.run),
        risks=risks,
        caveats=caveats,
        actions=release_actions([c.label for c in result.failures], regressed, risks, caveats),
    )


def _risks(ws: Workspace, cand: RunScorecard, regressed: list[str]) -> tuple[str, ...]:
    """Known risks: the tracker's categories in the candidate run, escapes into it, and
    critical regressions."""
    tracker = ws.analysis.issues(cand.run.suite_name)
    risks = []
    for row in tracker.rows:
        rate = next((r for r in row.rates if r.run_id == cand.run.id), None)
        if rate is not None and rate.count:
            status = f", {row.status}" if tracker.runs[-1].run_id == cand.run.id else ""
            risks.append(
                f"error category `{row.category}` in {rate.count} of {rate.n} results "
                f"({pct(rate.rate)}{status})"
            )
    for esc in tracker.escapes:
        if esc.failed_again_in == cand.run.id:
            risks.append(
                f"regression escape: `{esc.case_id}` failed in #{esc.failed_in}, was fixed in "
                f"#{esc.fixed_in} and fails again in this candidate"
            )
    severity = {o.case.id: o.case.severity for o in cand.outcomes}
    critical = [c for c in regressed if severity.get(c) == "critical"]
    if critical:
        risks.append(f"critical case(s) regressed: {', '.join(f'`{c}`' for c in critical)}")
    return tuple(risks)
