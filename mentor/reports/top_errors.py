"""The top errors of a run, with examples: the error-taxonomy categories its failed results
were tagged with (people's and rules' tags, under today's category names), or, while the suite
has no tags, the graders that failed its cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from mentor.analysis import IssueTracker, Tag, TaxonomyVersion, current_name
from mentor.evals.compare import Proportion, wilson
from mentor.evals.outcomes import CaseOutcome
from mentor.reports.numbers import excerpt

TOP: Final = 5
EXAMPLES: Final = 3
SEVERITY_ORDER: Final = {"critical": 0, "major": 1, "minor": 2}


@dataclass(frozen=True)
class Example:
    """One failed case shown as an example: what it was asked to do, what it said, and why."""

    case_id: str
    severity: str
    output: str
    why: str


@dataclass(frozen=True)
class TopError:
    """One error category (or failing grader) in a run: its share of the run's results."""

    category: str
    status: str  # the tracker's: new, regressed, persisting; "" for failing graders
    rate: Proportion
    change: float | None  # from the run before (tracker only)
    examples: tuple[Example, ...]


def example(outcome: CaseOutcome) -> Example:
    """`outcome` as an example row."""
    return Example(
        outcome.case.id,
        outcome.case.severity,
        excerpt(outcome.output if outcome.error is None else f"(error) {outcome.error}"),
        excerpt("; ".join(outcome.reasons), 200),
    )


def _examples(case_ids: set[str], outcomes: Sequence[CaseOutcome]) -> tuple[Example, ...]:
    found = [o for o in outcomes if o.case.id in case_ids]
    found.sort(key=lambda o: (SEVERITY_ORDER.get(o.case.severity, 3), o.case.id))
    return tuple(example(o) for o in found[:EXAMPLES])


def tagged_errors(
    tracker: IssueTracker,
    tags: Sequence[Tag],
    history: Sequence[TaxonomyVersion],
    outcomes: Sequence[CaseOutcome],
) -> tuple[TopError, ...]:
    """The tracker's categories present in its newest run, most frequent first."""
    by_category: dict[str, set[str]] = {}
    for t in tags:
        if t.category is not None:
            name = current_name(history, t.taxonomy_number or 0, t.category)
            by_category.setdefault(name, set()).add(t.case_id)
    rows = [row for row in tracker.rows if row.latest.count > 0][:TOP]
    return tuple(
        TopError(
            row.category,
            row.status,
            wilson(row.latest.count, row.latest.n),
            row.change,
            _examples(by_category.get(row.category, set()), outcomes),
        )
        for row in rows
    )


def grader_errors(outcomes: Sequence[CaseOutcome]) -> tuple[TopError, ...]:
    """The graders that failed the run's cases, most failures first (no taxonomy needed)."""
    failed: dict[str, set[str]] = {}
    for o in outcomes:
        for g in o.grades:
            if g.state == "graded" and g.passed is False:
                failed.setdefault(g.grader, set()).add(o.case.id)
    order = sorted(failed, key=lambda name: (-len(failed[name]), name))[:TOP]
    return tuple(
        TopError(
            f"grader {name}",
            "",
            wilson(len(failed[name]), len(outcomes)),
            None,
            _examples(failed[name], outcomes),
        )
        for name in order
    )
