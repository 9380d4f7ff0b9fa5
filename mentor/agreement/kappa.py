"""Chance-corrected agreement for categorical labels: Cohen's kappa and Fleiss' kappa."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeAlias

import numpy as np
from numpy.typing import NDArray

from mentor.agreement.bootstrap import Seed, bootstrap_interval, safe_ratio
from mentor.agreement.coefficient import Agreement
from mentor.agreement.errors import AgreementError
from mentor.agreement.table import Label, ReliabilityTable, code_table

KappaWeights: TypeAlias = Literal["linear", "quadratic"] | None
"""Disagreement weights on category positions: None (all disagreements equal), |i-j| or (i-j)^2."""


def disagreement_weights(n_categories: int, weights: KappaWeights) -> NDArray[np.float64]:
    """The (categories x categories) disagreement weight matrix, zero on the diagonal."""
    idx = np.arange(n_categories, dtype=np.float64)
    diff = np.abs(idx[:, None] - idx[None, :])
    if weights is None:
        return (diff > 0).astype(np.float64)
    if weights == "linear":
        return diff
    if weights == "quadratic":
        return diff**2
    raise AgreementError(f"weights is {weights!r}; expected None, 'linear' or 'quadratic'")


def kappa_from_tables(
    tables: NDArray[np.float64], weights: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Weighted kappa of each (rows x cols) contingency table in a stack; NaN where undefined."""
    p = tables / tables.sum(axis=(-2, -1), keepdims=True)
    expected = p.sum(axis=-1)[..., :, None] * p.sum(axis=-2)[..., None, :]
    observed_d = (p * weights).sum(axis=(-2, -1))
    return 1.0 - safe_ratio(observed_d, (expected * weights).sum(axis=(-2, -1)))


def cohen_kappa(
    table: ReliabilityTable,
    *,
    weights: KappaWeights = None,
    categories: Sequence[Label] | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    rng: Seed = 0,
) -> Agreement:
    """Cohen's kappa between the two columns of `table`, on the items both annotators labelled.

    Weighted kappa needs an order: numeric labels (sorted), or `categories` listed in order;
    the distance between two labels is their distance in that list (every label in the table
    counts, including those on items only one annotator labelled).
    Raises AgreementError when kappa is 0/0: both annotators gave one and the same label to
    every item, so chance agreement is already perfect (report percent agreement instead).
    """
    coded = code_table(table, categories)
    if coded.n_annotators != 2:
        raise AgreementError(
            f"Cohen's kappa compares exactly two annotators, but the table has "
            f"{coded.n_annotators} columns; use fleiss_kappa or krippendorff_alpha for more, "
            "or pairwise_agreement for every pair"
        )
    if weights is not None and not coded.ordered:
        raise AgreementError(
            f"{weights} weighted kappa needs the order of the labels; pass categories=[...] "
            "from lowest to highest"
        )
    both = (coded.codes >= 0).all(axis=1)
    if not both.any():
        raise AgreementError("Cohen's kappa needs items labelled by both annotators; none are")
    k = len(coded.categories)
    cells = coded.codes[both, 0] * k + coded.codes[both, 1]
    observed, inverse = np.unique(cells, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[order], np.arange(len(observed)))
    weight_matrix = disagreement_weights(k, weights)

    def replicate(item_weights: NDArray[np.float64]) -> NDArray[np.float64]:
        tables = np.zeros((item_weights.shape[0], k * k))
        tables[:, observed] = np.add.reduceat(item_weights[:, order], starts, axis=1)
        return kappa_from_tables(tables.reshape(-1, k, k), weight_matrix)

    n_items = int(both.sum())
    value = float(replicate(np.ones((1, n_items)))[0])
    if not np.isfinite(value):
        label = coded.categories[int(coded.codes[both, 0][0])]
        raise AgreementError(
            f"Cohen's kappa is undefined: both annotators labelled every item {label!r}, so "
            "chance agreement is already perfect; report percent_agreement instead"
        )
    ci = bootstrap_interval(n_items, replicate, n_boot=n_boot, confidence=confidence, rng=rng)
    return Agreement(f"cohen_kappa[{weights or 'unweighted'}]", value, n_items, ci)


def fleiss_kappa(
    table: ReliabilityTable,
    *,
    categories: Sequence[Label] | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    rng: Seed = 0,
) -> Agreement:
    """Fleiss' kappa (1971) for items that all have the same number of labels.

    Rows with no label at all are skipped; any other difference in the number of labels per
    item raises AgreementError (use `krippendorff_alpha`, which handles missing labels).
    Raises AgreementError when every label is the same category (kappa is 0/0).
    """
    coded = code_table(table, categories)
    coded.require_annotators("Fleiss' kappa")
    counts = coded.counts()
    m = counts.sum(axis=1)
    counts, m = counts[m > 0], m[m > 0]
    if m.size == 0 or m.max() < 2:
        raise AgreementError(
            "Fleiss' kappa needs items labelled by two or more annotators, but no item has "
            "more than one label"
        )
    if m.min() != m.max():
        raise AgreementError(
            f"Fleiss' kappa needs the same number of labels on every item, but labelled items "
            f"have between {int(m.min())} and {int(m.max())}; use krippendorff_alpha, which "
            "allows missing labels"
        )
    raters = float(m[0])
    per_item = ((counts**2).sum(axis=1) - raters) / (raters * (raters - 1.0))
    stats = np.column_stack([per_item, counts])

    def replicate(weights: NDArray[np.float64]) -> NDArray[np.float64]:
        sums = weights @ stats
        n = weights.sum(axis=1)
        chance = ((sums[:, 1:] / (n * raters)[:, None]) ** 2).sum(axis=1)
        return safe_ratio(sums[:, 0] / n - chance, 1.0 - chance)

    value = float(replicate(np.ones((1, len(counts))))[0])
    if not np.isfinite(value):
        label = coded.categories[int(np.argmax(counts.sum(axis=0)))]
        raise AgreementError(
            f"Fleiss' kappa is undefined: every label is {label!r}, so chance agreement is "
            "already perfect; report percent_agreement instead"
        )
    ci = bootstrap_interval(len(counts), replicate, n_boot=n_boot, confidence=confidence, rng=rng)
    return Agreement("fleiss_kappa", value, len(counts), ci)
