"""Shares of successes: the Wilson interval and the two-proportion z-test (pure functions)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

_NORMAL = NormalDist()


@dataclass(frozen=True)
class Share:
    """`hits` out of `n` as a proportion with its Wilson score interval (None when n is 0)."""

    hits: float
    n: int
    value: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Difference:
    """A change between two shares and the two-sided p-value of the pooled z-test."""

    before: float
    after: float
    difference: float
    z: float | None
    p_value: float | None


def wilson(hits: float, n: int, confidence: float = 0.95) -> Share:
    """The Wilson score interval of `hits` / `n` (hits may be fractional: mean scores)."""
    if n <= 0:
        return Share(hits, n, None, None, None)
    p = hits / n
    z = _NORMAL.inv_cdf(0.5 + confidence / 2)
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return Share(hits, n, p, max(0.0, centre - half), min(1.0, centre + half))


def two_proportion_test(hits1: float, n1: int, hits2: float, n2: int) -> Difference:
    """Compare `hits1`/`n1` with `hits2`/`n2` by the pooled two-proportion z-test (two-sided);
    z and p are None when either share is empty or the pooled variance is zero."""
    if n1 <= 0 or n2 <= 0:
        raise ValueError("both shares need at least one observation")
    p1, p2 = hits1 / n1, hits2 / n2
    pooled = (hits1 + hits2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return Difference(p1, p2, p2 - p1, None, None)
    z = (p2 - p1) / math.sqrt(variance)
    return Difference(p1, p2, p2 - p1, z, 2 * (1 - _NORMAL.cdf(abs(z))))
