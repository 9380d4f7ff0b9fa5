"""The history behind the model-side KPIs: each suite's runs in time order with the scorecard
figures the KPIs read, the cases fixed and escaped run by run, and each KPI's trend chart.

A trend covers the newest :data:`TREND_RUNS` runs of each suite (the window the issue tracker,
``ws.analysis.issues``, uses too). A run the release gate judged carries the verdict in its
points' note (``gate release: passed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

from sqlalchemy import select

from mentor.charts import Point, Series, line_chart
from mentor.evals.compare import Proportion, wilson
from mentor.evals.verdicts import RunScorecard
from mentor.quality.kpis import Kpi
from mentor.store.eval_tables import eval_runs

if TYPE_CHECKING:
    from mentor.workspace import Workspace

TREND_RUNS: Final = 20
"""How many of each suite's newest runs a trend covers."""

TREND_CAPTION: Final = (
    "each run of each suite (one line per suite), oldest first, with its 95% interval",
    "each training run with a paired evaluation, oldest first",
)
"""The trend chart's caption: for a share KPI, and for the training lift."""

SCORECARD_KPIS: Final[dict[str, tuple[str, str | None]]] = {
    "critical_pass_rate": ("pass-rate", "critical"),
    "pass_rate": ("pass-rate", None),
    "hallucination_rate": ("hallucination-rate", None),
    "policy_violation_rate": ("policy-violation-rate", None),
    "refusal_correctness": ("refusal-correctness", None),
    "over_refusal_rate": ("over-refusal-rate", None),
}
"""KPI key -> the scorecard metric it is (mentor.evals.scorecards) and the severity tier it is
taken from (None: every case)."""


@dataclass(frozen=True)
class RunFigures:
    """One run of a suite as the KPIs see it: its scorecard shares and its cases' statuses."""

    run_id: int
    model: str
    started_at: datetime
    gate: str  # the release gate's newest verdict on this run, or ""
    shares: dict[str, Proportion]  # KPI key -> share (n is 0 when the run has no such case)
    statuses: dict[str, str]  # case id -> passed, failed, error, unparsed or ungraded

    @property
    def label(self) -> str:
        """``#12``: the run's label on charts and tables."""
        return f"#{self.run_id}"


@dataclass(frozen=True)
class SuiteHistory:
    """The newest runs of one suite, oldest first."""

    suite: str
    runs: tuple[RunFigures, ...]

    @property
    def newest(self) -> RunFigures:
        """The suite's newest run."""
        return self.runs[-1]


@dataclass(frozen=True)
class EscapeCount:
    """After one run: cases fixed so far and, of them, those that failed again since."""

    run_id: int
    fixed: frozenset[str]
    escaped: frozenset[str]


def suite_names(ws: Workspace) -> list[str]:
    """Every suite with at least one stored run, by name."""
    with ws.engine.connect() as conn:
        rows = conn.execute(select(eval_runs.c.suite_name).distinct())
        return sorted(str(name) for (name,) in rows)


def _gate(ws: Workspace, run_id: int) -> str:
    for event in ws.audit(limit=50, object_id=str(run_id)):  # newest first
        if event.action == "eval.gate":
            verdict = "passed" if event.detail.get("passed") else "failed"
            return f"gate {event.detail.get('gate', '')}: {verdict}"
    return ""


def run_figures(card: RunScorecard, gate: str = "") -> RunFigures:
    """The KPI shares and case statuses of one scored run."""
    shares = {}
    for key, (metric, severity) in SCORECARD_KPIS.items():
        tier = (
            card.scorecard.metrics
            if severity is None
            else card.scorecard.by_severity.get(severity, ())
        )
        found = next((m for m in tier if m.name == metric), None)
        shares[key] = found.proportion if found is not None else wilson(0, 0)
    statuses: dict[str, str] = {o.case.id: o.status for o in card.outcomes}
    info = card.run
    return RunFigures(info.id, info.model, info.started_at, gate, shares, statuses)


def suite_history(ws: Workspace, suite: str, limit: int = TREND_RUNS) -> SuiteHistory:
    """The newest `limit` runs of `suite`, oldest first, with their figures."""
    runs = sorted(ws.evals.runs(suite=suite, limit=limit), key=lambda r: r.id)
    return SuiteHistory(
        suite, tuple(run_figures(ws.evals.scorecard(r.id), _gate(ws, r.id)) for r in runs)
    )


def escape_counts(history: SuiteHistory) -> list[EscapeCount]:
    """Run by run, the cases fixed so far (failed, then passed in a later run) and those that
    failed again after a fix: the escapes of :mod:`mentor.analysis.issues`, counted cumulatively
    so the rate has a trend."""
    state: dict[str, str] = {}
    fixed: set[str] = set()
    escaped: set[str] = set()
    out = []
    for run in history.runs:
        for case, status in run.statuses.items():
            before = state.get(case)
            if status == "failed":
                if before == "fixed":
                    escaped.add(case)
                state[case] = "failing"
            elif status == "passed" and before is not None:
                state[case] = "fixed"
                fixed.add(case)
        out.append(EscapeCount(run.run_id, frozenset(fixed), frozenset(escaped)))
    return out


def kpi_trend_chart(kpi: Kpi) -> str:
    """The KPI's trend as an SVG line chart: one line per suite (or training runs), points in
    time order, each proportion with its 95% band."""
    lines: dict[str, list[Point]] = {}
    for p in kpi.trend:
        lines.setdefault(p.series, []).append(Point(p.x, p.value, p.low, p.high))
    return line_chart(
        [Series(name, points) for name, points in lines.items()],
        label=f"{kpi.name} over time",
        percent=kpi.unit == "share",
        order=[p.x for p in kpi.trend],
    )


def trend_text(kpi: Kpi, last: int = 6) -> str:
    """The newest `last` trend points as one line for a terminal: ``mini #1 50.0% → #2 …``."""
    shown = []
    series = None
    for p in kpi.trend[-last:]:
        value = f"{p.value:.1%}" if kpi.unit == "share" else f"{p.value:,.1f}"
        shown.append(f"{p.series + ' ' if p.series != series else ''}{p.x} {value}")
        series = p.series
    return " → ".join(shown) if shown else "—"
