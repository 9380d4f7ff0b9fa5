"""Drift between calibration rounds: gold accuracy and agreement per guideline version (or per
period), each round compared with the one before by a two-proportion z-test.

Agreement in a round is the share of agreeing pairs among the labels given in that round on
the same item (on the first question); with two annotators per item the pairs are independent,
with more they are not and the test is approximate. Gold accuracy is
:func:`mentor.annotate.gold.gold_accuracy`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from mentor.annotate.annotations import Annotation
from mentor.annotate.gold import gold_accuracy
from mentor.annotate.tasks import Label
from mentor.quality.periods import Period, period_of
from mentor.quality.proportions import Difference, Share, two_proportion_test, wilson

RoundBy = Literal["guideline", "day", "week", "month"]
SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class Round:
    """One calibration round: its labels, gold accuracy and agreement (Wilson intervals)."""

    key: str
    labels: int
    gold: Share
    agreement: Share


@dataclass(frozen=True)
class Change:
    """A metric from one round to the next; `significant` when p < 0.05."""

    metric: str
    before_round: str
    after_round: str
    test: Difference
    significant: bool


@dataclass(frozen=True)
class Drift:
    """Rounds in order, and each metric's change between consecutive rounds with data."""

    by: RoundBy
    rounds: list[Round]
    changes: list[Change]


def _key(a: Annotation, by: RoundBy) -> str:
    if by == "guideline":
        return f"v{a.guideline_version}"
    period: Period = by
    return period_of(a.submitted_at, period)


def _pairs(labels: Sequence[Label | None]) -> tuple[int, int]:
    given = [v for v in labels if v is not None]
    m = len(given)
    agreeing = sum(c * (c - 1) // 2 for c in Counter(given).values())
    return agreeing, m * (m - 1) // 2


def _round(key: str, found: Sequence[Annotation], values: dict[int, Label | None]) -> Round:
    regular = [a for a in found if not a.gold]
    gold = gold_accuracy(found)
    by_item: dict[int, list[Label | None]] = defaultdict(list)
    for a in regular:
        by_item[a.item_id].append(values.get(a.id))
    agreeing = pairs = 0
    for labels in by_item.values():
        hit, total = _pairs(labels)
        agreeing, pairs = agreeing + hit, pairs + total
    return Round(key, len(regular), wilson(gold.score, gold.answered), wilson(agreeing, pairs))


def _changes(rounds: list[Round]) -> list[Change]:
    out = []
    for metric in ("gold accuracy", "agreement"):
        usable = [r for r in rounds if (r.gold if metric == "gold accuracy" else r.agreement).n]
        for before, after in pairwise(usable):
            a = before.gold if metric == "gold accuracy" else before.agreement
            b = after.gold if metric == "gold accuracy" else after.agreement
            test = two_proportion_test(a.hits, a.n, b.hits, b.n)
            significant = test.p_value is not None and test.p_value < SIGNIFICANCE
            out.append(Change(metric, before.key, after.key, test, significant))
    return out


def drift(
    found: Sequence[Annotation], values: dict[int, Label | None], by: RoundBy = "guideline"
) -> Drift:
    """Rounds by guideline version (or period) with gold accuracy and agreement, and the
    change of each between consecutive rounds."""
    groups: dict[str, list[Annotation]] = defaultdict(list)
    for a in sorted(found, key=lambda a: (a.submitted_at, a.id)):
        groups[_key(a, by)].append(a)
    order = sorted(groups, key=lambda k: (len(k), k)) if by == "guideline" else sorted(groups)
    rounds = [_round(k, groups[k], values) for k in order]
    return Drift(by, rounds, _changes(rounds))
