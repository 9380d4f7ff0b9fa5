"""Figures with intervals for judge calibration, from one bootstrap over items per call.

Resampling items with replacement gives each item a weight (how often it was drawn). Most
calibration figures are functions of sums over items (confusion cells, counts of flips, of
first-position picks), so one resample of them is one row of ``weights @ per_item``; alpha has
its own weighted form in :mod:`mentor.agreement.alpha`. :func:`resample` draws the weights
once and every figure of a call shares them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mentor.agreement.bootstrap import (
    Replicate,
    percentile_interval,
    resample_weights,
    safe_ratio,
)
from mentor.errors import InputError

NAN = float("nan")


@dataclass(frozen=True)
class Estimate:
    """A figure with its interval; NaN where undefined, and then `reason` says why."""

    value: float
    low: float
    high: float
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON: NaN becomes None (null)."""
        return {
            "value": json_float(self.value),
            "low": json_float(self.low),
            "high": json_float(self.high),
            "reason": self.reason,
        }


def check_options(confidence: float, resamples: int) -> None:
    """Raise InputError unless `confidence` and `resamples` are usable."""
    if not 0.0 < confidence < 1.0:
        raise InputError(
            f"confidence is {confidence}; expected a level such as 0.95", field="confidence"
        )
    if resamples < 0:
        raise InputError(
            f"resamples is {resamples}; expected e.g. 2000, or 0 to skip the intervals",
            field="resamples",
        )


def resample(
    n_items: int, resamples: int, seed: int, statistics: Sequence[Replicate]
) -> list[NDArray[np.float64]]:
    """Each statistic on the same `resamples` seeded resamples of the items.

    A statistic maps item weights (replicates, items) to values (replicates, ...); the weights
    are drawn once, in batches, and shared, so every figure of a call rests on one bootstrap.
    """
    if resamples == 0:
        empty = np.zeros((0, n_items))
        return [np.asarray(statistic(empty)) for statistic in statistics]
    batches: list[list[NDArray[np.float64]]] = [[] for _ in statistics]
    for weights in resample_weights(n_items, resamples, seed):
        for out, statistic in zip(batches, statistics, strict=True):
            out.append(statistic(weights))
    return [np.concatenate(out, axis=0) for out in batches]


def item_sums(per_item: NDArray[np.float64]) -> Replicate:
    """The statistic "column sums of `per_item` (items x columns) on reweighted items"."""
    return lambda weights: weights @ per_item


def estimate(
    value: float, replicates: NDArray[np.float64], confidence: float, reason: str = ""
) -> Estimate:
    """`value` with the percentile interval of its finite bootstrap `replicates`.

    A NaN `value` is undefined for `reason`. The interval is NaN when there are no replicates
    (resamples=0) or none is defined.
    """
    if math.isnan(value):
        return Estimate(NAN, NAN, NAN, reason)
    ci = percentile_interval(replicates, confidence)
    if ci is None:
        return Estimate(value, NAN, NAN, "no interval: resamples is 0 or no resample is defined")
    return Estimate(value, ci.low, ci.high)


def ratio(
    sums: NDArray[np.float64],
    replicates: NDArray[np.float64],
    numerator: int,
    denominator: int,
    confidence: float,
    empty_reason: str,
) -> Estimate:
    """Column `numerator` over column `denominator` of the item sums, with its interval."""
    value = sums[numerator] / sums[denominator] if sums[denominator] else NAN
    share = safe_ratio(replicates[:, numerator], replicates[:, denominator])
    return estimate(float(value), share, confidence, empty_reason)


def exact_binomial_p(successes: int, trials: int) -> float:
    """Exact two-sided binomial test of a rate of 0.5; NaN when there are no trials."""
    from scipy.stats import binomtest  # type: ignore[import-untyped]  # slow import: on use

    return float(binomtest(successes, trials, 0.5).pvalue) if trials else NAN


def json_float(value: float) -> float | None:
    """A float for JSON: None for NaN."""
    return None if math.isnan(value) else float(value)
