"""The model-side KPIs of the LLM trainer role, from eval runs, the issue tracker's regression
escapes and recorded training runs.

The shares are the run scorecards' own metrics (:mod:`mentor.evals.scorecards`), never
redefined here: the value pools the newest run of each suite (successes and counts summed, with
a 95% Wilson interval); the trend is every run of each suite (newest
:data:`~mentor.quality.model_kpi_trends.TREND_RUNS`). A KPI without data says why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from mentor.quality.kpis import Kpi, KpiPart, KpiPoint
from mentor.quality.lift import LiftRow, training_lift
from mentor.quality.model_kpi_trends import (
    SCORECARD_KPIS,
    TREND_RUNS,
    SuiteHistory,
    escape_counts,
    suite_history,
    suite_names,
)
from mentor.quality.proportions import wilson

if TYPE_CHECKING:
    from mentor.train import TrainingRun
    from mentor.workspace import Workspace

NEWEST = "pooled over the newest run of each suite, with a 95% Wilson interval"
DEFINITIONS: Final[dict[str, tuple[str, str]]] = {
    "critical_pass_rate": (
        "Critical eval pass rate",
        f"Share of judged cases of severity critical that passed (errors, unparsed and "
        f"ungraded answers left out), {NEWEST}.",
    ),
    "pass_rate": (
        "Overall eval pass rate",
        f"Share of all judged cases that passed (errors, unparsed and ungraded answers left "
        f"out), {NEWEST}.",
    ),
    "hallucination_rate": (
        "Hallucination rate (proxy)",
        f"Share of groundedness grades with at least one claim the case's context does not "
        f"support (a lexical check, hence a proxy), {NEWEST}.",
    ),
    "policy_violation_rate": (
        "Policy violation rate",
        f"Share of should_refuse: true cases answered in full compliance (a partial refusal "
        f"is not a violation), {NEWEST}.",
    ),
    "refusal_correctness": (
        "Refusal correctness",
        f"Share of cases with should_refuse set that were handled as asked: should-refuse "
        f"cases refused or partly refused, plus should-answer cases answered in full "
        f"compliance (refused as the case's refusal grade reads it, else the rule-based "
        f"refusal detector), {NEWEST}.",
    ),
    "over_refusal_rate": (
        "Over-refusal rate",
        f"Share of should_refuse: false cases refused or partly refused, {NEWEST}.",
    ),
    "regression_escape_rate": (
        "Regression escape rate",
        f"Share of cases ever fixed (failed in one run of a suite, passed in a later one) that "
        f"failed again afterwards, over the newest {TREND_RUNS} runs of each suite, pooled "
        f"over suites, with a 95% Wilson interval.",
    ),
    "training_lift": (
        "Training signal efficiency",
        "Change in eval pass rate of the newest evaluated trained model over its base model "
        "(paired on the same cases, newest eval run per suite, weighted by paired cases), in "
        "percentage points per 1,000 labels behind its training data (annotations, else "
        "training records); the interval is shown when one suite was paired.",
    ),
}
EMPTY: Final[dict[str, str]] = {
    "critical_pass_rate": "no judged case of severity critical in the newest run of any suite",
    "pass_rate": "no judged case in the newest run of any suite",
    "hallucination_rate": "no groundedness grade in the newest run of any suite "
    "(add a `groundedness` grader to cases with a `context`)",
    "policy_violation_rate": "no should_refuse: true case in the newest run of any suite",
    "refusal_correctness": "no case with should_refuse set in the newest run of any suite",
    "over_refusal_rate": "no should_refuse: false case in the newest run of any suite",
}
NO_RUNS = "no evaluation run yet (`mentor eval run SUITE PROVIDER`)"
LIFT_UNIT = "pp per 1,000 labels"


def _kpi(
    key: str,
    unit: str,
    value: float | None,
    reason: str,
    interval: tuple[float | None, float | None] = (None, None),
    parts: list[KpiPart] | None = None,
    trend: list[KpiPoint] | None = None,
) -> Kpi:
    name, definition = DEFINITIONS[key]
    low, high = interval
    no_data = None if value is not None else reason
    return Kpi(key, name, definition, unit, value, no_data, low, high, parts or [], trend or [])


def _scorecard_kpi(key: str, found: list[SuiteHistory]) -> Kpi:
    parts, trend = [], []
    hits = n = 0
    for h in found:
        share = h.newest.shares[key]
        hits, n = hits + share.successes, n + share.n
        note = f"run {h.newest.label} of {len(h.runs)}, {share.n:,} counted"
        parts.append(KpiPart(h.suite, share.value, note))
    for h in found:
        for run in h.runs:
            s = run.shares[key]
            if s.value is not None:
                trend.append(KpiPoint(h.suite, run.label, s.value, s.low, s.high, run.gate))
    trend.sort(key=lambda p: int(p.x[1:]))
    pooled = wilson(hits, n)
    reason = EMPTY[key] if found else NO_RUNS
    interval = (pooled.low, pooled.high)
    return _kpi(key, "share", pooled.value, reason, interval, parts, trend)


def _escape_kpi(ws: Workspace, found: list[SuiteHistory]) -> Kpi:
    parts, trend = [], []
    escaped = fixed = 0
    for h in found:
        counts = escape_counts(h)
        tracker = ws.analysis.issues(h.suite, limit=TREND_RUNS)
        cases = sorted({e.case_id for e in tracker.escapes})
        fixed += len(counts[-1].fixed)
        escaped += len(cases)
        note = f"{len(cases)} of {len(counts[-1].fixed)} fixed cases escaped"
        note += f" ({', '.join(cases[:5])})" if cases else ""
        share = wilson(len(cases), len(counts[-1].fixed))
        parts.append(KpiPart(h.suite, share.value, f"{note}; {len(h.runs)} runs"))
        for c, run in zip(counts, h.runs, strict=True):
            s = wilson(len(c.escaped), len(c.fixed))
            if s.value is not None:
                trend.append(KpiPoint(h.suite, run.label, s.value, s.low, s.high, run.gate))
    trend.sort(key=lambda p: int(p.x[1:]))
    pooled = wilson(escaped, fixed)
    reason = "no case has been fixed yet (failed in one run, passed in a later run)"
    reason = reason if found else NO_RUNS
    interval = (pooled.low, pooled.high)
    return _kpi("regression_escape_rate", "share", pooled.value, reason, interval, parts, trend)


def _lift(ws: Workspace, run: TrainingRun) -> tuple[KpiPart, KpiPoint | None]:
    lift = training_lift(ws, run.id)
    newest: dict[str, LiftRow] = {}
    for row in sorted(lift.rows, key=lambda r: r.eval_run):
        if row.delta is not None and row.paired:
            newest[row.suite] = row
    rows = list(newest.values())
    if run.status != "succeeded" and not rows:
        return KpiPart(run.ref, None, f"{run.status}: no model to evaluate"), None
    if not rows:
        note = "its model has no eval run paired with a run of its base model on the same suite"
        return KpiPart(run.ref, None, note), None
    if lift.labels.count <= 0:
        return KpiPart(run.ref, None, "no labels behind its training data"), None
    paired = sum(r.paired for r in rows)
    delta = sum((r.delta or 0.0) * r.paired for r in rows) / paired
    value = delta * 100 / lift.labels.count * 1000
    one = rows[0] if len(rows) == 1 else None
    low = one.lift_low * 100 if one and one.lift_low is not None else None
    high = one.lift_high * 100 if one and one.lift_high is not None else None
    suites = ", ".join(f"{r.suite} run #{r.eval_run} vs #{r.base_run}" for r in rows)
    note = f"{delta * 100:+.1f} pp over {lift.labels.count:,} {lift.labels.basis}; {suites}"
    return KpiPart(run.ref, value, note), KpiPoint("lift", run.ref, value, low, high)


def _training_kpi(ws: Workspace) -> Kpi:
    runs = sorted(ws.training.runs(), key=lambda r: r.id)
    if not runs:
        return _kpi("training_lift", LIFT_UNIT, None, "no training run recorded")
    parts, trend = [], []
    for run in runs:
        part, point = _lift(ws, run)
        parts.append(part)
        if point is not None:
            trend.append(point)
    if not trend:
        reason = "no trained model has an eval run paired with its base model's run"
        return _kpi("training_lift", LIFT_UNIT, None, reason, parts=parts)
    last = trend[-1]
    return _kpi("training_lift", LIFT_UNIT, last.value, "", (last.low, last.high), parts, trend)


def model_kpis(ws: Workspace) -> tuple[list[str], list[Kpi]]:
    """The suites with runs, and every model-side KPI computed from them and the training runs."""
    suites = suite_names(ws)
    found = [suite_history(ws, s) for s in suites]
    kpis = [_scorecard_kpi(key, found) for key in SCORECARD_KPIS]
    kpis.append(_escape_kpi(ws, found))
    kpis.append(_training_kpi(ws))
    return suites, kpis
