"""What changed between two runs of a suite, as a report lists it: each scorecard metric in
both runs with its Wilson interval, and the severity tiers, categories and intents whose pass
rate moved (paired over the cases judged in both runs)."""

from __future__ import annotations

from dataclasses import dataclass

from mentor.evals.compare import Comparison, Proportion
from mentor.evals.scorecards import Scorecard


@dataclass(frozen=True)
class MetricChange:
    """One scorecard metric in the baseline run (if any) and the newer run."""

    name: str
    baseline: Proportion | None
    latest: Proportion
    higher_is_better: bool

    @property
    def delta(self) -> float | None:
        """Newer minus baseline (None when either was not measured)."""
        if self.baseline is None or self.baseline.value is None or self.latest.value is None:
            return None
        return self.latest.value - self.baseline.value

    @property
    def verdict(self) -> str:
        """improved, regressed or unchanged (by the observed values; the intervals say how
        sure that is); "new" without a baseline value."""
        delta = self.delta
        if delta is None:
            return "new"
        if abs(delta) < 1e-12:
            return "unchanged"
        return "improved" if (delta > 0) == self.higher_is_better else "regressed"

    @property
    def separated(self) -> bool:
        """Whether the two Wilson intervals do not overlap (a clear change)."""
        b, c = self.baseline, self.latest
        if b is None or b.n == 0 or c.n == 0:
            return False
        return c.low > b.high or c.high < b.low


def metric_changes(baseline: Scorecard | None, latest: Scorecard) -> tuple[MetricChange, ...]:
    """Every metric measured in the newer run, beside the baseline's."""
    before = {m.name: m.proportion for m in baseline.metrics} if baseline else {}
    return tuple(
        MetricChange(m.name, before.get(m.name), m.proportion, m.higher_is_better)
        for m in latest.metrics
        if m.n
    )


@dataclass(frozen=True)
class GroupMove:
    """A group of cases (``severity: critical``) whose pass rate moved between the runs."""

    label: str
    baseline: Proportion
    latest: Proportion
    regressed: int
    fixed: int

    @property
    def delta(self) -> float:
        """Pass-rate change over the cases judged in both runs."""
        return (self.latest.value or 0.0) - (self.baseline.value or 0.0)


def group_moves(comparison: Comparison) -> tuple[GroupMove, ...]:
    """Severity tiers, categories and intents with a fixed or regressed case, worst first."""
    groups = (
        ("severity", comparison.by_severity),
        ("category", comparison.by_category),
        ("intent", comparison.by_intent),
    )
    moves = [
        GroupMove(f"{kind}: {g.key}", g.baseline, g.candidate, g.regressed, g.fixed)
        for kind, found in groups
        for g in found
        if g.regressed or g.fixed
    ]
    moves.sort(key=lambda m: (m.delta, m.label))
    return tuple(moves)
