"""A Markdown summary of a run for people and for ``$GITHUB_STEP_SUMMARY``.

Sections: the gate (each condition with observed value, judged bound, threshold, n), the
scorecard (each metric with its Wilson interval, then pass rate by severity tier), the
comparison with a baseline (fixed, regressed, McNemar p-value, pass-rate change) with the
regressions listed, and the failed or unjudged cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from mentor.evals.compare import Comparison, Difference, Proportion
from mentor.evals.gates import GateResult
from mentor.evals.outcomes import CaseOutcome
from mentor.evals.scorecards import Scorecard

MAX_ROWS: Final = 25


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _interval(p: Proportion) -> str:
    return "—" if p.n == 0 else f"[{p.low:.1%}, {p.high:.1%}]"


def _gate(gate: GateResult) -> list[str]:
    head = f"## Gate `{gate.name}`: {'✅ passed' if gate.passed else '❌ FAILED'}"
    rows = [
        [
            c.label,
            "—" if c.observed is None else f"{c.observed:.3g}",
            "—" if c.bound is None else f"{c.bound:.3g}",
            f"{c.op} {c.threshold:g}",
            c.n,
            "pass" if c.passed else "**FAIL**",
        ]
        for c in gate.conditions
    ]
    out = [head, "", *_table(["condition", "observed", "judged bound", "threshold", "n", ""], rows)]
    if gate.judges:
        judges = [[f"`{j.name}`", j.summary] for j in gate.judges]
        out += ["Judges the verdict rests on:", "", *_table(["judge", "calibration"], judges)]
    notes = dict.fromkeys(n for c in gate.conditions for n in c.notes)
    out += [f"⚠️ {_cell(n)}" for n in notes] + ([""] if notes else [])
    return out


def _scorecard(card: Scorecard) -> list[str]:
    counts = ", ".join(f"{n} {s}" for s, n in card.statuses.items() if n)
    rows = [
        [m.name, _pct(m.value), _interval(m.proportion), m.n, "↑" if m.higher_is_better else "↓"]
        for m in card.metrics
        if m.n
    ]
    out = ["## Scorecard", "", f"Cases: {counts or 'none'}.", ""]
    out += _table(["metric", "value", "95% CI", "n", "better"], rows)
    tiers = [
        [tier, _pct(m.value), _interval(m.proportion), m.n]
        for tier, metrics in card.by_severity.items()
        for m in metrics
        if m.name == "pass-rate"
    ]
    if tiers:
        out += ["Pass rate by severity tier:", "", *_table(["tier", "pass rate", "CI", "n"], tiers)]
    if card.judge_consistency is not None:
        jc = card.judge_consistency
        out += [f"Pairwise judge position consistency: {_pct(jc.value)} (n={jc.n}).", ""]
    return out


def _change(d: Difference | None) -> str:
    if d is None:
        return "—"
    return f"{d.mean:+.1%} [{d.low:+.1%}, {d.high:+.1%}]"


def _comparison(c: Comparison, outcomes: Sequence[CaseOutcome], baseline: str) -> list[str]:
    p = c.pairing
    out = [
        f"## Compared with `{baseline}`",
        "",
        f"{len(p.fixed)} fixed, {len(p.regressed)} regressed, {len(p.unchanged)} unchanged "
        f"(McNemar exact p = {c.mcnemar.p_value:.3g}); pass-rate change {_change(c.pass_rate)}.",
        "",
    ]
    if p.regressed:
        by_id = {o.case.id: o for o in outcomes}
        rows = [
            [
                cid,
                by_id[cid].case.severity,
                by_id[cid].case.intent or "",
                "; ".join(by_id[cid].reasons),
            ]
            for cid in p.regressed[:MAX_ROWS]
            if cid in by_id
        ]
        out += ["### Regressions", "", *_table(["case", "severity", "intent", "why"], rows)]
    return out


def _failures(outcomes: Sequence[CaseOutcome]) -> list[str]:
    bad = [o for o in outcomes if o.status != "passed"]
    if not bad:
        return []
    order = {"critical": 0, "major": 1, "minor": 2}
    bad.sort(key=lambda o: (order.get(o.case.severity, 3), o.case.id))
    rows = [[o.case.id, o.case.severity, o.status, "; ".join(o.reasons)] for o in bad[:MAX_ROWS]]
    more = f" (first {MAX_ROWS} of {len(bad)})" if len(bad) > MAX_ROWS else ""
    return [f"## Not passed{more}", "", *_table(["case", "severity", "status", "why"], rows)]


def markdown_summary(
    *,
    run: str,
    scorecard: Scorecard,
    outcomes: Sequence[CaseOutcome] = (),
    gate: GateResult | None = None,
    comparison: Comparison | None = None,
    baseline: str | None = None,
) -> str:
    """The Markdown summary of run `run` (gate, scorecard, comparison and failures)."""
    verdict = "" if gate is None else (" — gate passed" if gate.passed else " — gate FAILED")
    lines = [f"# Mentor eval `{run}`{verdict}", ""]
    if gate is not None:
        lines += _gate(gate)
    lines += _scorecard(scorecard)
    if comparison is not None:
        lines += _comparison(comparison, outcomes, baseline or "baseline")
    lines += _failures(outcomes)
    return "\n".join(lines).rstrip() + "\n"
