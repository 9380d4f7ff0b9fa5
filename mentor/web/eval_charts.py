"""The evaluation pages' interval charts as data: one row per metric, severity tier or intent,
an interval per run. :mod:`mentor.charts.intervals` draws them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mentor.charts import Interval, IntervalRow
from mentor.evals.compare import GroupChange, Proportion
from mentor.evals.scorecards import Metric


def _interval_of(series: str, p: Proportion) -> Interval:
    return Interval(series, p.value, p.low, p.high, p.n)


def metric_rows(metrics: Sequence[Metric], series: str = "run") -> list[IntervalRow]:
    """One row per metric measured on at least one case."""
    return [
        IntervalRow(m.name, (_interval_of(series, m.proportion),), not m.higher_is_better)
        for m in metrics
        if m.n
    ]


def group_rows(groups: Mapping[str, Sequence[Metric]], metric: str) -> list[IntervalRow]:
    """One row per group (severity tier, intent): its value of `metric`, where measured."""
    rows = []
    for key, metrics in groups.items():
        found = next((m for m in metrics if m.name == metric and m.n), None)
        if found is not None:
            rows.append(
                IntervalRow(
                    key, (_interval_of(metric, found.proportion),), not found.higher_is_better
                )
            )
    return rows


def paired_metric_rows(
    baseline: Sequence[Metric], candidate: Sequence[Metric], names: tuple[str, str]
) -> list[IntervalRow]:
    """Each metric measured in either run, the baseline's interval above the candidate's."""
    cand = {m.name: m for m in candidate}
    return [
        IntervalRow(
            b.name,
            (_interval_of(names[0], b.proportion), _interval_of(names[1], cand[b.name].proportion)),
            not b.higher_is_better,
        )
        for b in baseline
        if b.name in cand and (b.n or cand[b.name].n)
    ]


def change_rows(groups: Sequence[GroupChange], names: tuple[str, str]) -> list[IntervalRow]:
    """Pass rate per group (severity tier, intent) in both runs, over cases judged in both."""
    return [
        IntervalRow(
            g.key, (_interval_of(names[0], g.baseline), _interval_of(names[1], g.candidate))
        )
        for g in groups
    ]
