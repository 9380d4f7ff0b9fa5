"""Pairwise comparisons: (winner, loser) outcomes, ties, and rankings broken into pairs."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import combinations
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from mentor.agreement.errors import AgreementError
from mentor.agreement.table import infer_categories, lookup_codes, plain

Pairs: TypeAlias = Sequence[tuple[Hashable, Hashable]] | NDArray[Any]
"""One (winner, loser) row per comparison; for a tie the order does not matter."""


@dataclass(frozen=True)
class Comparisons:
    """Pairwise outcomes: ``pairs[i]`` is (winner, loser), or two tied items when ``ties[i]``."""

    pairs: tuple[tuple[Hashable, Hashable], ...]
    ties: tuple[bool, ...]


def rankings_to_comparisons(
    rankings: Iterable[Sequence[Hashable | AbstractSet[Hashable]]],
) -> Comparisons:
    """Break rankings (best first) into every pair they order: n items give n(n-1)/2 pairs.

    A set or frozenset at one position holds items tied there: pairs inside it are ties
    (listed in a fixed order), and each of them beats everything ranked lower. Treating the
    pairs as independent comparisons ("full rank breaking") counts one ranking as several
    votes, so intervals come out narrower than the evidence warrants when rankings are long.
    """
    pairs: list[tuple[Hashable, Hashable]] = []
    ties: list[bool] = []
    for number, ranking in enumerate(rankings):
        groups = [sorted(p, key=repr) if isinstance(p, AbstractSet) else [p] for p in ranking]
        flat = [item for group in groups for item in group]
        if len(set(flat)) != len(flat):
            raise AgreementError(f"ranking {number} lists an item twice: {flat!r}")
        for position, group in enumerate(groups):
            for first, second in combinations(group, 2):
                pairs.append((first, second))
                ties.append(True)
            for winner in group:
                for lower in groups[position + 1 :]:
                    pairs.extend((winner, loser) for loser in lower)
                    ties.extend(False for _ in lower)
    return Comparisons(tuple(pairs), tuple(ties))


def code_pairs(
    pairs: Pairs, items: Sequence[Hashable] | None
) -> tuple[NDArray[np.int64], tuple[Hashable, ...]]:
    """Item indices of each (winner, loser) row, and the items in index order."""
    array = _pair_array(pairs)
    flat = array.ravel()
    if items is None:
        labels, codes, _ = infer_categories(flat)
        return codes.reshape(-1, 2), tuple(labels)
    known = tuple(items)
    if len(set(known)) != len(known):
        raise AgreementError("items lists an item twice; list each item once")
    codes = lookup_codes(flat, known)
    unknown = np.flatnonzero(codes < 0)
    if unknown.size:
        raise AgreementError(
            f"comparison {unknown[0] // 2} names {plain(flat[unknown[0]])!r}, which is not in "
            "items; "
            "add it to items or correct the comparison"
        )
    return codes.reshape(-1, 2), known


def _pair_array(pairs: Pairs) -> NDArray[Any]:
    try:
        array = np.asarray(pairs)
    except ValueError:
        array = np.empty(0)
    if array.ndim == 2 and array.shape[1] == 2 and array.dtype.kind in "iuUS":
        if array.shape[0] == 0:
            raise AgreementError("there are no comparisons; expected (winner, loser) pairs")
        return array
    rows = list(pairs)
    if not rows:
        raise AgreementError("there are no comparisons; expected (winner, loser) pairs")
    out = np.empty((len(rows), 2), dtype=object)
    for i, row in enumerate(rows):
        if (
            isinstance(row, str | bytes)
            or not isinstance(row, Sequence | np.ndarray)
            or len(row) != 2
        ):
            raise AgreementError(f"comparison {i} is {row!r}; expected a (winner, loser) pair")
        out[i, 0], out[i, 1] = row
    return out
