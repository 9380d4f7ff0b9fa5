"""Raw agreement: the share of agreeing annotator pairs, overall and per label."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentor.agreement.bootstrap import (
    Interval,
    Seed,
    bootstrap_interval,
    bootstrap_replicates,
    check_options,
    percentile_interval,
    safe_ratio,
)
from mentor.agreement.coefficient import Agreement
from mentor.agreement.table import Label, ReliabilityTable, code_table


@dataclass(frozen=True)
class LabelAgreement:
    """Specific agreement for one label.

    Of all pairs of labels given to the same item in which at least one annotator chose
    `label`, the share in which both did. With two annotators this is ``2a / (2a + b + c)``
    (positive agreement when `label` is the positive class). `value` is None when no pair
    involves the label; `n_labels` counts how often it was given on items with two or more labels.
    """

    label: Label
    value: float | None
    n_labels: int
    ci: Interval | None


def percent_agreement(
    table: ReliabilityTable,
    *,
    categories: Sequence[Label] | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    rng: Seed = 0,
) -> Agreement:
    """Share of annotator pairs that agree, averaged over items with two or more labels (0 to 1).

    An item labelled by m annotators contributes m(m-1) ordered pairs; its agreement is the
    share of those pairs with equal labels, and items count equally (Fleiss' P-bar).
    """
    counts = code_table(table, categories).pairable_counts("percent agreement")
    m = counts.sum(axis=1)
    per_item = (counts * (counts - 1.0)).sum(axis=1) / (m * (m - 1.0))
    stats = np.column_stack([per_item, np.ones_like(per_item)])

    def replicate(weights: NDArray[np.float64]) -> NDArray[np.float64]:
        sums = weights @ stats
        return safe_ratio(sums[:, 0], sums[:, 1])

    ci = bootstrap_interval(len(per_item), replicate, n_boot=n_boot, confidence=confidence, rng=rng)
    return Agreement("percent_agreement", float(per_item.mean()), len(per_item), ci)


def specific_agreement(
    table: ReliabilityTable,
    *,
    categories: Sequence[Label] | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    rng: Seed = 0,
) -> tuple[LabelAgreement, ...]:
    """Specific agreement for every label, in category order (see `LabelAgreement`)."""
    check_options(n_boot, confidence)
    coded = code_table(table, categories)
    counts = coded.pairable_counts("specific agreement")
    agree = counts * (counts - 1.0)
    involved = counts * (counts.sum(axis=1, keepdims=True) - 1.0)
    values = safe_ratio(agree.sum(axis=0), involved.sum(axis=0))
    k = counts.shape[1]
    stats = np.hstack([agree, involved])

    def replicate(weights: NDArray[np.float64]) -> NDArray[np.float64]:
        sums = weights @ stats
        return safe_ratio(sums[:, :k], sums[:, k:])

    reps = bootstrap_replicates(len(counts), replicate, n_boot, rng) if n_boot else None
    return tuple(
        LabelAgreement(
            label=label,
            value=float(values[j]) if np.isfinite(values[j]) else None,
            n_labels=int(counts[:, j].sum()),
            ci=percentile_interval(reps[:, j], confidence) if reps is not None else None,
        )
        for j, label in enumerate(coded.categories)
    )
