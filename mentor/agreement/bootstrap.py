"""Percentile bootstrap over items, vectorised as weighted sums of per-item statistics.

Resampling n items with replacement is the same as giving item i a weight equal to the number of
times it was drawn. Every statistic here is a function of sums over items, so one replicate is
``weights @ per_item_stats``; many replicates are one matrix product.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

from mentor.agreement.errors import AgreementError

Seed: TypeAlias = np.random.Generator | int | None
"""A numpy Generator, or a seed for one (``None`` draws fresh entropy)."""

Replicate: TypeAlias = Callable[[NDArray[np.float64]], NDArray[np.float64]]
"""Maps item weights of shape (replicates, items) to statistics of shape (replicates, ...)."""

_BATCH_CELLS = 4_000_000  # weights held in memory at once: about 32 MB of float64


@dataclass(frozen=True)
class Interval:
    """A percentile bootstrap confidence interval.

    `n_boot` counts the replicates used: a resample in which the statistic is undefined (for
    example every resampled item got the same label) is left out.
    """

    low: float
    high: float
    confidence: float
    n_boot: int


def check_options(n_boot: int, confidence: float) -> None:
    """Raise unless `n_boot` and `confidence` are usable."""
    if n_boot < 0:
        raise AgreementError(f"n_boot is {n_boot}; use 0 to skip the interval, or e.g. 1000")
    if not 0.0 < confidence < 1.0:
        raise AgreementError(f"confidence is {confidence}; expected a level such as 0.95")


def resample_weights(n_items: int, n_boot: int, rng: Seed) -> Iterator[NDArray[np.float64]]:
    """Yield batches of bootstrap weights (times each item was drawn), shape (batch, n_items)."""
    gen = np.random.default_rng(rng)
    batch = max(1, min(n_boot, _BATCH_CELLS // max(n_items, 1)))
    for start in range(0, n_boot, batch):
        size = min(batch, n_boot - start)
        draws = gen.integers(0, n_items, size=(size, n_items))
        draws += np.arange(size)[:, None] * n_items
        counts = np.bincount(draws.ravel(), minlength=size * n_items)
        yield counts.reshape(size, n_items).astype(np.float64)


def bootstrap_replicates(
    n_items: int, replicate: Replicate, n_boot: int, rng: Seed
) -> NDArray[np.float64]:
    """Evaluate `replicate` on `n_boot` resamples of the items; NaN marks undefined replicates."""
    batches = [replicate(w) for w in resample_weights(n_items, n_boot, rng)]
    return np.concatenate(batches, axis=0)


def percentile_interval(replicates: NDArray[np.float64], confidence: float) -> Interval | None:
    """The central `confidence` percentile interval of the finite replicates (None if none)."""
    finite = replicates[np.isfinite(replicates)]
    if finite.size == 0:
        return None
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(finite, [tail, 1.0 - tail])
    return Interval(float(low), float(high), confidence, int(finite.size))


def bootstrap_interval(
    n_items: int, replicate: Replicate, *, n_boot: int, confidence: float, rng: Seed
) -> Interval | None:
    """Percentile bootstrap interval of a scalar statistic; None when `n_boot` is 0."""
    check_options(n_boot, confidence)
    if n_boot == 0:
        return None
    return percentile_interval(bootstrap_replicates(n_items, replicate, n_boot, rng), confidence)


def safe_ratio(
    numerator: NDArray[np.float64], denominator: NDArray[np.float64]
) -> NDArray[np.float64]:
    """numerator / denominator, NaN where the denominator is zero (an undefined replicate)."""
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out
