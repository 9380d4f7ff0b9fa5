"""Agreement between every pair of annotators, with how many items each pair shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from mentor.agreement.errors import AgreementError
from mentor.agreement.kappa import KappaWeights, disagreement_weights
from mentor.agreement.table import Label, ReliabilityTable, code_table


@dataclass(frozen=True, eq=False)
class PairwiseAgreement:
    """Cohen's kappa or percent agreement for every pair of annotators.

    ``values[i, j]`` is the statistic for annotators i and j on the items both labelled; it is
    NaN on the diagonal, where the pair shares no item, and where kappa is 0/0 (both gave one
    and the same label to all shared items). ``overlap[i, j]`` counts the shared items (on the
    diagonal: the items annotator i labelled). Read `overlap` before trusting a value.
    """

    annotators: tuple[str, ...]
    method: str
    values: NDArray[np.float64]
    overlap: NDArray[np.int64]

    def value(self, first: str, second: str) -> float:
        """The statistic for two annotators named in `annotators`."""
        try:
            i, j = self.annotators.index(first), self.annotators.index(second)
        except ValueError:
            raise AgreementError(
                f"no annotator named {first!r} or {second!r}; known: {list(self.annotators)!r}"
            ) from None
        return float(self.values[i, j])


def pairwise_agreement(
    table: ReliabilityTable,
    *,
    method: Literal["cohen", "percent"] = "cohen",
    weights: KappaWeights = None,
    categories: Sequence[Label] | None = None,
    annotators: Sequence[str] | None = None,
) -> PairwiseAgreement:
    """Cohen's kappa (optionally weighted) or percent agreement for all annotator pairs at once.

    `annotators` names the columns (default ``"0"``, ``"1"``, ...).
    """
    coded = code_table(table, categories)
    coded.require_annotators("pairwise agreement")
    names = _names(annotators, coded.n_annotators)
    if method not in ("cohen", "percent"):
        raise AgreementError(f"method is {method!r}; expected 'cohen' or 'percent'")
    if weights is not None and (method != "cohen" or not coded.ordered):
        raise AgreementError(
            "weights apply to Cohen's kappa on ordered labels; use method='cohen' and pass "
            "categories=[...] from lowest to highest"
        )
    r, k = coded.n_annotators, len(coded.categories)
    present = (coded.codes >= 0).astype(np.float64)
    onehot = (coded.codes[:, :, None] == np.arange(k)).reshape(coded.n_items, r * k)
    onehot_f = onehot.astype(np.float64)
    overlap = present.T @ present
    joint = (onehot_f.T @ onehot_f).reshape(r, k, r, k)
    d = disagreement_weights(k, weights if method == "cohen" else None)
    disagree = np.einsum("rcsk,ck->rs", joint, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "percent":
            values = 1.0 - disagree / overlap
        else:
            margins = (onehot_f.T @ present).reshape(r, k, r).transpose(0, 2, 1)
            chance = np.einsum("rsc,ck,srk->rs", margins, d, margins)
            values = 1.0 - disagree * overlap / chance
    values[~np.isfinite(values)] = np.nan
    np.fill_diagonal(values, np.nan)
    label = "percent" if method == "percent" else f"cohen_kappa[{weights or 'unweighted'}]"
    return PairwiseAgreement(names, label, values, overlap.astype(np.int64))


def _names(annotators: Sequence[str] | None, count: int) -> tuple[str, ...]:
    if annotators is None:
        return tuple(str(i) for i in range(count))
    names = tuple(annotators)
    if len(names) != count or len(set(names)) != count:
        raise AgreementError(
            f"annotators has {len(names)} names ({len(set(names))} distinct) for {count} "
            "columns; give one distinct name per column"
        )
    return names
