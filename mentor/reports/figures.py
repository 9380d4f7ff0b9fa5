"""The reports' charts (inline SVG from :mod:`mentor.charts`, fixed sizes, no script)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mentor.charts import Interval, IntervalRow, Point, Series, interval_chart, line_chart
from mentor.evals.compare import Proportion
from mentor.evals.runs import RunInfo
from mentor.evals.scorecards import Metric


def _interval(series: str, p: Proportion) -> Interval:
    return Interval(series, p.value, p.low, p.high, p.n)


def pass_rate_trend(suite: str, points: Sequence[tuple[RunInfo, Proportion]]) -> str:
    """Pass rate per run (with its Wilson band), oldest first."""
    series = Series(
        "pass rate",
        [Point(f"#{run.id}", p.value, p.low, p.high) for run, p in points if p.value is not None],
    )
    return line_chart(
        [series], label=f"Pass rate of {suite} per run, 95% Wilson band", percent=True
    )


def metric_intervals(runs: Sequence[tuple[str, Sequence[Metric]]], *, label: str) -> str:
    """Each metric measured in some run, an interval per run (`runs`: name, metrics)."""
    names = list(dict.fromkeys(m.name for _, metrics in runs for m in metrics if m.n))
    rows = []
    for name in names:
        found = [(series, next(m for m in metrics if m.name == name)) for series, metrics in runs]
        rows.append(
            IntervalRow(
                name,
                tuple(_interval(series, m.proportion) for series, m in found),
                not found[0][1].higher_is_better,
            )
        )
    return interval_chart(rows, label=label)


def tier_intervals(
    runs: Sequence[tuple[str, Mapping[str, Sequence[Metric]]]], *, label: str
) -> str:
    """Pass rate of each severity tier, an interval per run."""
    tiers = sorted({t for _, groups in runs for t in groups}, key=_tier_order)
    rows = []
    for tier in tiers:
        shown = tuple(
            _interval(series, next(m for m in groups[tier] if m.name == "pass-rate").proportion)
            for series, groups in runs
            if tier in groups
        )
        rows.append(IntervalRow(tier, shown))
    return interval_chart(rows, label=label)


def _tier_order(tier: str) -> tuple[int, str]:
    return ({"critical": 0, "major": 1, "minor": 2}.get(tier, 3), tier)
