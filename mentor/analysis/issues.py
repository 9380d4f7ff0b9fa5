"""Top issues over time: each category's rate per run of a suite, its status, and escapes.

A category's *rate* in a run is the share of the run's results (every case with a stored result)
tagged with it, by a person or a rule, with a 95% Wilson interval. Tags made under an older
taxonomy version count under today's name (a merged category's history counts under the category
it was merged into; see :func:`mentor.analysis.taxonomy.current_name`). The *status* compares
the newest run with the one before:

==============  ==================================================================
``new``         tagged in the newest run and in no earlier run
``regressed``   tagged in the newest run after a run without it, or its rate rose
                so far that the two intervals do not overlap
``persisting``  tagged in both runs (and not regressed)
``resolved``    tagged in the run before, not in the newest
``clear``       tagged in neither
==============  ==================================================================

A *regression escape* is a case that failed, was fixed (passed in a later run) and failed again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from mentor.charts import Point, Series, line_chart
from mentor.evals.compare import wilson

IssueStatus = Literal["new", "regressed", "persisting", "resolved", "clear"]
CONFIDENCE = 0.95


@dataclass(frozen=True)
class RunPoint:
    """One run of the suite as the tracker sees it."""

    run_id: int
    model: str
    started_at: datetime
    results: int
    failed: int
    released: str | None = None
    """The release gate the run passed (``mentor eval gate``, newest verdict), if it did: the
    model it evaluated was cleared for release."""

    @property
    def label(self) -> str:
        """``#12``: the run's label on charts and tables."""
        return f"#{self.run_id}"


@dataclass(frozen=True)
class RunRate:
    """How many of one run's results carried a category, as a share with its interval."""

    run_id: int
    count: int
    n: int
    rate: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class IssueRow:
    """One category over the suite's runs."""

    category: str
    status: IssueStatus
    rates: tuple[RunRate, ...]
    in_taxonomy: bool
    """False for a category split or removed since: its old tags keep its old name."""

    @property
    def latest(self) -> RunRate:
        """The rate in the newest run."""
        return self.rates[-1]

    @property
    def change(self) -> float | None:
        """Newest rate minus the one before (None with fewer than two runs)."""
        if len(self.rates) < 2 or self.rates[-1].rate is None or self.rates[-2].rate is None:
            return None
        return self.rates[-1].rate - self.rates[-2].rate


@dataclass(frozen=True)
class Escape:
    """A case that failed, was fixed, then failed again."""

    case_id: str
    failed_in: int
    fixed_in: int
    failed_again_in: int
    categories: tuple[str, ...]
    released: str | None = None
    """The gate the failing-again run passed: a known regression that reached a released
    model."""


@dataclass(frozen=True)
class IssueTracker:
    """The top issues of one suite over its runs (oldest first), most frequent now first."""

    suite: str
    taxonomy: str | None
    runs: tuple[RunPoint, ...]
    rows: tuple[IssueRow, ...]
    escapes: tuple[Escape, ...]

    @property
    def released_escapes(self) -> tuple[Escape, ...]:
        """Escapes whose failing-again run passed a release gate: regressions that shipped."""
        return tuple(e for e in self.escapes if e.released)

    def row(self, category: str) -> IssueRow:
        """The row of one category (KeyError when the tracker has none)."""
        for row in self.rows:
            if row.category == category:
                return row
        raise KeyError(category)


def wilson_rate(run_id: int, count: int, n: int) -> RunRate:
    """`count` of `n` with its 95% Wilson score interval (all None when n is 0)."""
    if n <= 0:
        return RunRate(run_id, count, n, None, None, None)
    ci = wilson(count, n, CONFIDENCE)
    return RunRate(run_id, count, n, count / n, ci.low, ci.high)


def status_of(rates: Sequence[RunRate]) -> IssueStatus:
    """new, regressed, persisting, resolved or clear (see the module docstring)."""
    last = rates[-1]
    prev = rates[-2] if len(rates) > 1 else None
    if last.count == 0:
        return "resolved" if prev is not None and prev.count > 0 else "clear"
    if not any(r.count for r in rates[:-1]):
        return "new"
    assert prev is not None
    if prev.count == 0:
        return "regressed"
    if last.low is not None and prev.high is not None and last.low > prev.high:
        return "regressed"
    return "persisting"


def build_tracker(
    suite: str,
    taxonomy: str | None,
    categories: Sequence[str],
    runs: Sequence[RunPoint],
    tagged: Mapping[int, Mapping[str, set[str]]],
    statuses: Mapping[int, Mapping[str, str]],
) -> IssueTracker:
    """The tracker from plain data: `tagged[run][category]` holds the case ids tagged (already
    under today's names), `statuses[run][case]` each result's status."""
    names = list(categories)
    for per_run in tagged.values():
        names.extend(sorted(c for c in per_run if c not in names))
    rows = []
    for name in names:
        rates = tuple(
            wilson_rate(r.run_id, len(tagged.get(r.run_id, {}).get(name, set())), r.results)
            for r in runs
        )
        rows.append(IssueRow(name, status_of(rates), rates, name in categories))
    rows.sort(key=lambda row: (-(row.latest.rate or 0.0), row.category))
    escapes = _escapes(runs, tagged, statuses)
    return IssueTracker(suite, taxonomy, tuple(runs), tuple(rows), escapes)


def _escapes(
    runs: Sequence[RunPoint],
    tagged: Mapping[int, Mapping[str, set[str]]],
    statuses: Mapping[int, Mapping[str, str]],
) -> tuple[Escape, ...]:
    cases = sorted({case for r in runs for case in statuses.get(r.run_id, {})})
    found = []
    for case in cases:
        failed_in = fixed_in = None
        last: Escape | None = None
        for r in runs:
            status = statuses.get(r.run_id, {}).get(case)
            if status == "failed" and failed_in is not None and fixed_in is not None:
                per_run = tagged.get(r.run_id, {})
                cats = tuple(sorted(c for c, ids in per_run.items() if case in ids))
                last = Escape(case, failed_in, fixed_in, r.run_id, cats, r.released)
                failed_in, fixed_in = r.run_id, None
            elif status == "failed" and failed_in is None:
                failed_in = r.run_id
            elif status == "passed" and failed_in is not None:
                fixed_in = r.run_id
        if last is not None:
            found.append(last)
    found.sort(key=lambda e: (-e.failed_again_in, e.case_id))
    return tuple(found)


def issues_chart(tracker: IssueTracker, top: int = 5) -> str:
    """An SVG line chart: the rate per run (with its interval band) of the `top` categories
    most frequent in the newest run."""
    shown = [row for row in tracker.rows if any(r.count for r in row.rates)][:top]
    series = [
        Series(
            row.category,
            [
                Point(run.label, rate.rate, rate.low, rate.high)
                for run, rate in zip(tracker.runs, row.rates, strict=True)
                if rate.rate is not None
            ],
        )
        for row in shown
    ]
    return line_chart(
        series, label=f"Top issues of {tracker.suite}: share of results per run", percent=True
    )
