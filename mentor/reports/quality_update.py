"""The weekly Model Quality Update, computed from the store.

For each suite with a run in the period: its newest run against a baseline (the newest run of
the suite before the period, else the period's first), every scorecard metric in both with its
Wilson interval, the paired pass-rate change (bootstrap interval, McNemar's exact test), the
tiers, categories and intents that moved, the cases that regressed, the top errors with
examples and the regression escapes. Then the judge-trust caveats of every run in the period
and the next actions the data suggest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mentor.analysis import Escape, IssueTracker
from mentor.errors import InputError
from mentor.evals.compare import Comparison, Proportion, wilson
from mentor.evals.outcomes import CaseOutcome
from mentor.evals.runs import RunInfo, list_runs
from mentor.evals.scorecards import Scorecard
from mentor.reports.changes import GroupMove, MetricChange, group_moves, metric_changes
from mentor.reports.stamp import Since, parse_since, store_time
from mentor.reports.suggestions import quality_actions
from mentor.reports.top_errors import Example, TopError, example, grader_errors, tagged_errors
from mentor.reports.trust import JudgeCaveat, judge_caveats

if TYPE_CHECKING:
    from mentor.workspace import Workspace

ALL_RUNS = 1_000_000


@dataclass(frozen=True)
class SuiteUpdate:
    """One suite in the period: its newest run against a baseline, and its top errors."""

    suite: str
    runs: tuple[RunInfo, ...]  # the suite's runs in the period, oldest first
    baseline: RunInfo | None
    latest: RunInfo
    scorecard: Scorecard
    baseline_scorecard: Scorecard | None
    metrics: tuple[MetricChange, ...]
    comparison: Comparison | None
    moves: tuple[GroupMove, ...]
    regressions: tuple[Example, ...]
    fixed: tuple[str, ...]
    errors: tuple[TopError, ...]
    errors_from: str  # "taxonomy SUITE@vN" or "failing graders"
    escapes: tuple[Escape, ...]
    tracker: IssueTracker | None

    def pass_rates(self) -> list[tuple[RunInfo, Proportion]]:
        """The pass rate of the baseline and of each run in the period, with intervals."""
        before = [self.baseline] if self.baseline and self.baseline not in self.runs else []
        shown = before + list(self.runs)
        return [(r, wilson(r.counts.get("passed", 0), _judged(r))) for r in shown]


def _judged(run: RunInfo) -> int:
    return run.counts.get("passed", 0) + run.counts.get("failed", 0)


@dataclass(frozen=True)
class QualityUpdate:
    """The whole update: the period, each suite's changes, judge caveats and next actions."""

    as_of: datetime | None
    since: Since
    suites: tuple[SuiteUpdate, ...]
    caveats: tuple[JudgeCaveat, ...]
    actions: tuple[str, ...]

    @property
    def run_count(self) -> int:
        """Runs in the period, over every suite."""
        return sum(len(s.runs) for s in self.suites)


def build_quality_update(ws: Workspace, since: str | None = None) -> QualityUpdate:
    """The quality update of the period that starts at `since` (see :func:`parse_since`)."""
    with ws.engine.connect() as conn:
        as_of = store_time(conn)
        period = parse_since(conn, since, as_of)
        every = list(reversed(list_runs(conn, limit=ALL_RUNS)))
    inside = [r for r in every if period.includes(r.id, r.started_at)]
    updates, judged = [], []
    for suite in sorted({r.suite_name for r in inside}):
        runs = [r for r in inside if r.suite_name == suite]
        before = [r for r in every if r.suite_name == suite and r.id < runs[0].id]
        baseline = before[-1] if before else (runs[0] if len(runs) > 1 else None)
        update, outcomes = _suite(ws, suite, runs, baseline)
        updates.append(update)
        judged.append((update.latest.id, outcomes))
    with ws.engine.connect() as conn:
        caveats = judge_caveats(conn, judged, as_of)
    return QualityUpdate(as_of, period, tuple(updates), caveats, quality_actions(updates, caveats))


def _suite(
    ws: Workspace, suite: str, runs: Sequence[RunInfo], baseline: RunInfo | None
) -> tuple[SuiteUpdate, tuple[CaseOutcome, ...]]:
    latest = runs[-1]
    comparison, base_card = None, None
    try:
        if baseline is not None and baseline.id != latest.id:
            found = ws.evals.compare(baseline.id, latest.id)
            card, comparison, base_card = found.candidate, found.comparison, found.baseline
        else:
            card = ws.evals.scorecard(latest.id)
    except InputError:  # suite versions that share no case: nothing to pair
        card = ws.evals.scorecard(latest.id)
    outcomes = card.outcomes
    by_id = {o.case.id: o for o in outcomes}
    regressed = comparison.pairing.regressed if comparison else ()
    errors, source, tracker = _errors(ws, suite, latest, outcomes)
    in_period = {r.id for r in runs}
    return (
        SuiteUpdate(
            suite=suite,
            runs=tuple(runs),
            baseline=baseline if comparison is not None else None,
            latest=latest,
            scorecard=card.scorecard,
            baseline_scorecard=base_card.scorecard if base_card else None,
            metrics=metric_changes(base_card.scorecard if base_card else None, card.scorecard),
            comparison=comparison,
            moves=group_moves(comparison) if comparison else (),
            regressions=tuple(example(by_id[c]) for c in sorted(regressed) if c in by_id),
            fixed=tuple(sorted(comparison.pairing.fixed)) if comparison else (),
            errors=errors,
            errors_from=source,
            escapes=tuple(
                e for e in (tracker.escapes if tracker else ()) if e.failed_again_in in in_period
            ),
            tracker=tracker,
        ),
        outcomes,
    )


def _errors(
    ws: Workspace, suite: str, latest: RunInfo, outcomes: Sequence[CaseOutcome]
) -> tuple[tuple[TopError, ...], str, IssueTracker | None]:
    tracker = ws.analysis.issues(suite)
    tagged = tagged_errors(
        tracker, ws.analysis.tags(latest.id), ws.analysis.taxonomy_history(suite), outcomes
    )
    if tagged:
        return tagged, f"taxonomy {tracker.taxonomy}", tracker
    return grader_errors(outcomes), "failing graders (no taxonomy tags on this run)", tracker
