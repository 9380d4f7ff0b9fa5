"""Krippendorff's coincidence matrix and the distance metrics of the four levels of measurement."""

from __future__ import annotations

from typing import Literal, TypeAlias

import numpy as np
from numpy.typing import NDArray

from mentor.agreement.errors import AgreementError

Level: TypeAlias = Literal["nominal", "ordinal", "interval", "ratio"]
"""Krippendorff's levels of measurement, each with its own distance between two labels."""

LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")


def coincidence_matrix(counts: NDArray[np.float64]) -> NDArray[np.float64]:
    """Coincidence matrix o from per-item category counts of items with two or more labels.

    ``o[c, k]`` sums, over items, the ordered pairs of labels (c, k) from different
    annotators, each item weighted by 1 / (labels on it - 1); its margins are the label totals.
    """
    m = counts.sum(axis=1)
    scaled = counts / (m - 1.0)[:, None]
    return np.asarray(scaled.T @ counts - np.diag(scaled.sum(axis=0)), dtype=np.float64)


def ordinal_scores(marginals: NDArray[np.float64]) -> NDArray[np.float64]:
    """Mid-rank of each category given the label totals (last axis); ordered as the categories.

    Krippendorff's ordinal distance between c and k is the squared difference of these
    scores: ``(sum of n_g for g from c to k - (n_c + n_k) / 2) ** 2``.
    """
    return np.cumsum(marginals, axis=-1) - marginals / 2.0


def distance_matrix(
    level: Level, values: NDArray[np.float64], marginals: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Squared distances between categories for `level`; `values` are the numeric labels."""
    if level == "nominal":
        return 1.0 - np.eye(len(values))
    if level == "ordinal":
        scores = ordinal_scores(marginals)
        return (scores[:, None] - scores[None, :]) ** 2
    diff = values[:, None] - values[None, :]
    if level == "interval":
        return diff**2
    if level == "ratio":
        total = values[:, None] + values[None, :]
        ratio = np.divide(diff, total, out=np.zeros_like(diff), where=total != 0)
        return ratio**2
    raise AgreementError(f"level is {level!r}; expected one of {', '.join(LEVELS)}")
