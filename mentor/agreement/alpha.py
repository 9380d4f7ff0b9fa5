"""Krippendorff's alpha for any number of annotators, missing labels and four levels.

The point estimate follows Krippendorff (2011): alpha = 1 - D_o / D_e, with the observed
disagreement from the coincidence matrix and the expected one from its margins. The bootstrap
writes both as sums over items so that all replicates come from a few matrix products. Cost is
O(items x categories^2) for the estimate and O(n_boot x items x categories) for the interval.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from mentor.agreement.bootstrap import Replicate, Seed, bootstrap_interval, safe_ratio
from mentor.agreement.coefficient import Agreement
from mentor.agreement.coincidence import (
    LEVELS,
    Level,
    coincidence_matrix,
    distance_matrix,
    ordinal_scores,
)
from mentor.agreement.errors import AgreementError
from mentor.agreement.table import Label, ReliabilityTable, code_table


def krippendorff_alpha(
    table: ReliabilityTable,
    *,
    level: Level = "nominal",
    categories: Sequence[Label] | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    rng: Seed = 0,
) -> Agreement:
    """Krippendorff's alpha of a reliability table with missing labels (None/NaN).

    `level` picks the distance between labels: "nominal" (equal or not), "ordinal" (ranks;
    numeric labels or an ordered `categories`), "interval" (squared difference of numbers) or
    "ratio" (squared difference over sum; non-negative numbers). Only items with two or more
    labels count. Raises AgreementError when all those labels are equal (alpha is 0/0).
    """
    coded = code_table(table, categories)
    if level not in LEVELS:
        raise AgreementError(f"level is {level!r}; expected one of {', '.join(LEVELS)}")
    if level == "ordinal" and not coded.ordered:
        raise AgreementError("ordinal alpha needs the order of the labels; pass categories=[...]")
    k = len(coded.categories)
    values = coded.values(f"{level} alpha") if level in ("interval", "ratio") else np.arange(k)
    if level == "ratio" and (values < 0).any():
        raise AgreementError("ratio alpha needs labels of zero or more (a scale with a true zero)")
    counts = coded.pairable_counts("Krippendorff's alpha")
    o = coincidence_matrix(counts)
    marginals = o.sum(axis=0)
    if np.count_nonzero(marginals) < 2:
        label = coded.categories[int(np.argmax(marginals))]
        raise AgreementError(
            f"Krippendorff's alpha is undefined: every label on items with two or more labels "
            f"is {label!r}, so there is no variation to agree on; report percent_agreement"
        )
    delta = distance_matrix(level, values.astype(np.float64), marginals)
    n = marginals.sum()
    expected = marginals @ delta @ marginals / (n - 1.0)
    value = float(1.0 - (o * delta).sum() / expected)
    replicate = (
        _ordinal_replicate(counts) if level == "ordinal" else _fixed_replicate(counts, delta)
    )
    ci = bootstrap_interval(len(counts), replicate, n_boot=n_boot, confidence=confidence, rng=rng)
    return Agreement(f"krippendorff_alpha[{level}]", value, len(counts), ci)


def alpha_replicate(
    counts: NDArray[np.float64], level: Level, values: NDArray[np.float64] | None = None
) -> Replicate:
    """Alpha on reweighted items, for callers that share one bootstrap among several statistics.

    ``counts[i, c]`` is how many labels of category c item i got (items with two or more labels;
    categories in scale order); `values` are the categories' numbers for interval and ratio
    alpha. The result maps item weights (replicates, items) to alpha per replicate, NaN where
    a replicate has no variation. `krippendorff_alpha` gives the point estimate and its checks.
    """
    if level == "ordinal":
        return _ordinal_replicate(counts)
    k = counts.shape[1]
    numbers = np.arange(k, dtype=np.float64) if values is None else values.astype(np.float64)
    return _fixed_replicate(counts, distance_matrix(level, numbers, counts.sum(axis=0)))


def _fixed_replicate(counts: NDArray[np.float64], delta: NDArray[np.float64]) -> Replicate:
    """Alpha on reweighted items when the distances do not depend on the data."""
    nominal = bool(np.array_equal(delta, 1.0 - np.eye(len(delta))))

    def quadratic(x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Row-wise x @ delta @ x, without forming categories^2 terms for nominal labels."""
        if nominal:
            return np.asarray(x.sum(axis=1) ** 2 - (x**2).sum(axis=1))
        return np.asarray(((x @ delta) * x).sum(axis=1))

    per_item = quadratic(counts) / (counts.sum(axis=1) - 1.0)

    def replicate(weights: NDArray[np.float64]) -> NDArray[np.float64]:
        marginals = weights @ counts
        n = marginals.sum(axis=1)
        return np.asarray(1.0 - (n - 1.0) * safe_ratio(weights @ per_item, quadratic(marginals)))

    return replicate


def _ordinal_replicate(counts: NDArray[np.float64]) -> Replicate:
    """Alpha on reweighted items for ordinal data, whose distances move with the margins.

    The ordinal distance is a squared difference of mid-rank scores s, so an item's
    disagreement is 2 * (m * sum(N s^2) - (N . s)^2) / (m - 1), linear in the item weights.
    """
    m = counts.sum(axis=1)
    inverse = 1.0 / (m - 1.0)

    def replicate(weights: NDArray[np.float64]) -> NDArray[np.float64]:
        marginals = weights @ counts
        n = marginals.sum(axis=1)
        scores = ordinal_scores(marginals)
        scores -= ((marginals * scores).sum(axis=1) / n)[:, None]
        spread = ((weights * (m * inverse)) @ counts * scores**2).sum(axis=1)
        projected = scores @ counts.T
        observed = 2.0 * (spread - (weights * inverse * projected**2).sum(axis=1))
        expected = 2.0 * n * (marginals * scores**2).sum(axis=1)
        expected[expected <= 1e-12 * n**4] = 0.0
        return np.asarray(1.0 - (n - 1.0) * safe_ratio(observed, expected))

    return replicate
