"""Pairwise comparisons aggregated into a graph: counts per pair, wins per item, who beat whom."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentor.agreement.errors import AgreementError

_FIX = "add comparisons or pass prior > 0 (e.g. prior=1.0) to keep scores finite"


@dataclass(frozen=True, eq=False)
class PreferenceGraph:
    """Comparisons per unordered item pair (first < second) and each item's wins.

    A tie counts as one comparison and half a win for each item; as a "beats" edge it
    points both ways.
    """

    n_items: int
    first: NDArray[np.int64]
    second: NDArray[np.int64]
    counts: NDArray[np.float64]
    wins: NDArray[np.float64]
    beats_from: NDArray[np.int64]
    beats_to: NDArray[np.int64]

    @classmethod
    def build(
        cls, codes: NDArray[np.int64], ties: NDArray[np.bool_], n_items: int
    ) -> PreferenceGraph:
        """Aggregate (winner, loser) index rows; ``ties[i]`` marks row i as a tie."""
        winner, loser = codes[:, 0], codes[:, 1]
        same = np.flatnonzero(winner == loser)
        if same.size:
            raise AgreementError(f"comparison {same[0]} compares an item with itself; remove it")
        wins = np.bincount(winner[~ties], minlength=n_items) + 0.5 * np.bincount(
            codes[ties].ravel(), minlength=n_items
        )
        key = np.minimum(winner, loser) * n_items + np.maximum(winner, loser)
        pairs, counts = np.unique(key, return_counts=True)
        return cls(
            n_items=n_items,
            first=pairs // n_items,
            second=pairs % n_items,
            counts=counts.astype(np.float64),
            wins=wins.astype(np.float64),
            beats_from=np.concatenate([winner, loser[ties]]),
            beats_to=np.concatenate([loser, winner[ties]]),
        )

    def require_identifiable(self, names: Sequence[object]) -> None:
        """Raise unless maximum-likelihood scores exist (every item reaches every other)."""
        played = np.bincount(self.first, self.counts, self.n_items) + np.bincount(
            self.second, self.counts, self.n_items
        )
        for problem, mask in (
            ("appears in no comparison", played == 0),
            (
                "never won or tied a comparison, so its score would be minus infinity",
                self.wins == 0,
            ),
            (
                "never lost or tied a comparison, so its score would be infinite",
                self.wins == played,
            ),
        ):
            if mask.any():
                raise AgreementError(f"item {names[int(np.argmax(mask))]!r} {problem}; {_FIX}")
        for source, target in ((self.beats_from, self.beats_to), (self.beats_to, self.beats_from)):
            reached = _reachable(source, target, self.n_items)
            if not reached.all():
                raise AgreementError(
                    f"the comparisons split the items into groups and one never beats the "
                    f"other (e.g. {names[0]!r} and {names[int(np.argmin(reached))]!r}), so "
                    f"their score gap is infinite; {_FIX}"
                )

    def mm_update(self, theta: NDArray[np.float64], prior: float) -> NDArray[np.float64]:
        """One MM step (Hunter, 2004) on log-strengths: p_i <- wins_i / sum_j n_ij / (p_i + p_j).

        `prior` adds that many virtual comparisons per item, half won, against strength 1.
        """
        p = np.exp(theta)
        rate = self.counts / (p[self.first] + p[self.second])
        n = self.n_items
        denominator = np.bincount(self.first, rate, n) + np.bincount(self.second, rate, n)
        updated = np.log(self.wins + prior / 2.0) - np.log(denominator + prior / (p + 1.0))
        return np.asarray(updated - updated.mean() if prior == 0 else updated)

    def log_likelihood(self, theta: NDArray[np.float64], prior: float) -> float:
        """Log-likelihood of the log-strengths `theta`, ties as half wins, plus the prior's."""
        p = np.exp(theta)  # an overflow gives -inf: a candidate the caller rejects
        # Elementwise product and sum, not `@`: a threaded BLAS dot is slower here under load.
        pair_terms = self.counts * np.log(p[self.first] + p[self.second])
        value = float((self.wins * theta).sum() - pair_terms.sum())
        if prior > 0:
            value += float((prior / 2.0 * theta - prior * np.log(p + 1.0)).sum())
        return value

    def information(self, theta: NDArray[np.float64], prior: float) -> NDArray[np.float64]:
        """Fisher information of the log-strengths (items x items)."""
        n = self.n_items
        p_first = 1.0 / (1.0 + np.exp(theta[self.second] - theta[self.first]))
        weight = self.counts * p_first * (1.0 - p_first)
        info = np.zeros((n, n))
        info[self.first, self.second] = -weight
        info[self.second, self.first] = -weight
        diagonal = np.bincount(self.first, weight, n) + np.bincount(self.second, weight, n)
        p_reference = 1.0 / (1.0 + np.exp(-theta))
        np.fill_diagonal(info, diagonal + prior * p_reference * (1.0 - p_reference))
        return info


def _reachable(source: NDArray[np.int64], target: NDArray[np.int64], n: int) -> NDArray[np.bool_]:
    """Items reachable from item 0 along edges source -> target (breadth-first, vectorised)."""
    seen = np.zeros(n, dtype=bool)
    seen[0] = True
    count = 1
    while True:
        seen[target[seen[source]]] = True
        grown = int(seen.sum())
        if grown == count:
            return seen
        count = grown
