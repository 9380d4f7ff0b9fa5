"""Each annotator's quality: gold accuracy (overall and over a rolling window, with an alert),
agreement with the consensus of the others, review pass rate, throughput and time per item."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mentor.annotate.annotations import Annotation
from mentor.annotate.gold import gold_accuracy, scored_gold
from mentor.quality.consensus import ConsensusAgreement, consensus_agreement
from mentor.quality.label_files import LabelTable
from mentor.quality.periods import Period, period_of
from mentor.quality.proportions import wilson


@dataclass(frozen=True)
class GoldPoint:
    """One gold answer in submission order, with the rolling accuracy up to it."""

    n: int
    at: datetime
    score: float
    rolling: float


@dataclass(frozen=True)
class AnnotatorQuality:
    """One annotator's figures in a project; None where there is nothing to measure yet.

    `gold_accuracy` is the mean gold score (1 = the known answer exactly, partial credit for
    rankings, rubrics and spans) with a Wilson interval; `rolling_gold` the mean over the last
    `window` gold answers; `alert` says when that fell below the threshold. `review_pass_rate`
    counts reviews that accepted the label as given (corrections and rejections do not pass).
    """

    annotator: str
    labels: int
    gold_answered: int
    gold_accuracy: float | None
    gold_low: float | None
    gold_high: float | None
    rolling_gold: float | None
    alert: str | None
    gold_trend: list[GoldPoint]
    consensus: list[ConsensusAgreement]
    reviewed: int
    review_passed: int
    review_pass_rate: float | None
    median_seconds: float | None
    mean_seconds: float | None
    throughput: dict[str, int] = field(default_factory=dict)
    first_at: datetime | None = None
    last_at: datetime | None = None


@dataclass(frozen=True)
class GoldWatch:
    """The rolling window over gold answers and the accuracy below which to alert."""

    window: int = 10
    threshold: float = 0.8
    min_answers: int = 3


def gold_trend(gold: Sequence[Annotation], window: int) -> list[GoldPoint]:
    """Gold answers in submission order, each with the mean of the last `window` scores."""
    ordered = sorted(gold, key=lambda a: (a.submitted_at, a.id))
    scores = [float(a.gold_score or 0.0) for a in ordered]
    return [
        GoldPoint(
            i + 1,
            a.submitted_at,
            scores[i],
            statistics.fmean(scores[max(0, i + 1 - window) : i + 1]),
        )
        for i, a in enumerate(ordered)
    ]


def _alert(who: str, trend: list[GoldPoint], watch: GoldWatch) -> str | None:
    if len(trend) < watch.min_answers or trend[-1].rolling >= watch.threshold:
        return None
    last = min(len(trend), watch.window)
    return (
        f"{who}'s gold accuracy over the last {last} gold items is {trend[-1].rolling:.0%}, "
        f"below the alert threshold {watch.threshold:.0%}"
    )


def annotator_quality(
    who: str,
    mine: Sequence[Annotation],
    tables: Sequence[LabelTable],
    watch: GoldWatch,
    period: Period,
) -> AnnotatorQuality:
    """The figures of annotator `who` from their annotations (gold included) and the first
    question's label table (for agreement with consensus)."""
    regular = [a for a in mine if not a.gold]
    trend = gold_trend(scored_gold(mine), watch.window)
    gold = gold_accuracy(mine)
    share = wilson(gold.score, gold.answered)
    reviewed = [a for a in regular if a.review is not None]
    passed = sum(a.review == "accept" for a in reviewed)
    seconds = [a.time_spent_s for a in regular]
    consensus = [
        consensus_agreement(t, who, method)
        for t in tables[:1]
        if who in t.annotators
        for method in ("majority", "dawid-skene")
    ]
    times = [a.submitted_at for a in mine]
    return AnnotatorQuality(
        annotator=who,
        labels=len(regular),
        gold_answered=gold.answered,
        gold_accuracy=share.value,
        gold_low=share.low,
        gold_high=share.high,
        rolling_gold=trend[-1].rolling if trend else None,
        alert=_alert(who, trend, watch),
        gold_trend=trend,
        consensus=consensus,
        reviewed=len(reviewed),
        review_passed=passed,
        review_pass_rate=passed / len(reviewed) if reviewed else None,
        median_seconds=statistics.median(seconds) if seconds else None,
        mean_seconds=statistics.fmean(seconds) if seconds else None,
        throughput=dict(
            sorted(Counter(period_of(a.submitted_at, period) for a in regular).items())
        ),
        first_at=min(times) if times else None,
        last_at=max(times) if times else None,
    )
