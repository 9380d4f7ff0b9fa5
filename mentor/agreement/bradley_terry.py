"""Bradley-Terry scores from pairwise preferences, by Hunter's (2004) MM algorithm + SQUAREM.

A tie counts as half a win for each side (one comparison, 0.5 + 0.5). Scores are log-strengths:
P(a beats b) = 1 / (1 + exp(score_b - score_a)). Intervals come from the Fisher information.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mentor.agreement.comparisons import Comparisons, Pairs, code_pairs
from mentor.agreement.errors import AgreementError
from mentor.agreement.preference_graph import PreferenceGraph


@dataclass(frozen=True, eq=False)
class BradleyTerry:
    """Fitted Bradley-Terry model.

    ``scores[i]`` is the log-strength of ``items[i]``, shifted so the scores average zero (only
    differences matter); ``ci_low``/``ci_high`` bound it at level `confidence` (Wald intervals
    from the Fisher information, for the zero-mean scores). `n_iter` counts MM updates;
    `converged` is False when `max_iter` ran out first.
    """

    items: tuple[Hashable, ...]
    scores: NDArray[np.float64]
    ci_low: NDArray[np.float64]
    ci_high: NDArray[np.float64]
    confidence: float
    n_comparisons: int
    n_iter: int
    converged: bool

    @property
    def ranking(self) -> tuple[Hashable, ...]:
        """Items from the highest score to the lowest (equal scores keep `items` order)."""
        return tuple(self.items[i] for i in np.argsort(-self.scores, kind="stable"))

    def probability(self, first: Hashable, second: Hashable) -> float:
        """Modelled probability that `first` beats `second`."""
        index = {item: i for i, item in enumerate(self.items)}
        for item in (first, second):
            if item not in index:
                raise AgreementError(f"{item!r} is not one of the fitted items")
        gap = self.scores[index[second]] - self.scores[index[first]]
        return float(1.0 / (1.0 + np.exp(gap)))


def bradley_terry(
    comparisons: Comparisons | Pairs,
    *,
    ties: Sequence[bool] | NDArray[np.bool_] | None = None,
    items: Sequence[Hashable] | None = None,
    prior: float = 0.0,
    confidence: float = 0.95,
    tol: float = 1e-10,
    max_iter: int = 10_000,
) -> BradleyTerry:
    """Fit Bradley-Terry scores to (winner, loser) pairs; ``ties[i]`` marks pair i as a tie.

    `items` fixes the items and their order (default: every item seen, sorted when possible).
    With ``prior=0`` this is the maximum-likelihood fit, which exists only if every item can
    be reached from every other through "beats" relations; otherwise AgreementError says why.
    ``prior > 0`` adds, for every item, that many virtual comparisons (half won, half lost)
    against a reference item of log-strength 0, which shrinks scores towards each other and
    keeps them finite. Fitting is linear in the comparisons per MM update; the intervals
    invert an items x items matrix (about 0.05 s for 1,000 items).
    """
    pairs: Pairs
    if isinstance(comparisons, Comparisons):
        if ties is not None:
            raise AgreementError("pass ties inside Comparisons or separately, not both")
        pairs, ties = comparisons.pairs, comparisons.ties
    else:
        pairs = comparisons
    if prior < 0 or not 0.0 < confidence < 1.0 or tol <= 0 or max_iter < 1:
        raise AgreementError(
            f"got prior={prior}, confidence={confidence}, tol={tol}, max_iter={max_iter}; "
            "expected prior >= 0, 0 < confidence < 1, tol > 0 and max_iter >= 1"
        )
    codes, names = code_pairs(pairs, items)
    graph = PreferenceGraph.build(codes, _tie_flags(ties, len(codes)), len(names))
    if prior == 0:
        graph.require_identifiable(names)
    theta, n_iter, converged = _fit(graph, prior, tol, max_iter)
    scores = theta - theta.mean()
    half_width = NormalDist().inv_cdf(0.5 + confidence / 2.0) * _standard_errors(
        graph, theta, prior
    )
    return BradleyTerry(
        items=names,
        scores=scores,
        ci_low=scores - half_width,
        ci_high=scores + half_width,
        confidence=confidence,
        n_comparisons=len(codes),
        n_iter=n_iter,
        converged=converged,
    )


def _tie_flags(ties: Sequence[bool] | NDArray[Any] | None, n: int) -> NDArray[np.bool_]:
    if ties is None:
        return np.zeros(n, dtype=bool)
    flags = np.asarray(ties, dtype=bool)
    if flags.shape != (n,):
        raise AgreementError(f"ties has {flags.size} flags for {n} comparisons; give one per pair")
    return flags


def _fit(
    graph: PreferenceGraph, prior: float, tol: float, max_iter: int
) -> tuple[NDArray[np.float64], int, bool]:
    """Log-strengths by MM updates, accelerated with SQUAREM (Varadhan & Roland, 2008).

    Each round extrapolates along two MM steps and keeps the result only if it does not lower
    the likelihood, so the fit stays monotone like plain MM in a fraction of the updates.
    """
    theta = np.zeros(graph.n_items)
    updates = 0
    while updates < max_iter:
        first = graph.mm_update(theta, prior)
        second = graph.mm_update(first, prior)
        updates += 2
        r, v = first - theta, second - 2.0 * first + theta
        step = max(1.0, float(np.sqrt((r @ r) / (v @ v)))) if v @ v > 0 else 1.0
        candidate = second
        if step > 1.0:
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                jumped = graph.mm_update(theta + 2.0 * step * r + step**2 * v, prior)
                better = graph.log_likelihood(jumped, prior) >= graph.log_likelihood(second, prior)
            updates += 1
            if better and np.isfinite(jumped).all():
                candidate = jumped
        change = float(np.max(np.abs(candidate - theta)))
        theta = candidate
        if change < tol:
            return theta, updates, True
    return theta, updates, False


def _standard_errors(
    graph: PreferenceGraph, theta: NDArray[np.float64], prior: float
) -> NDArray[np.float64]:
    """Standard errors of the zero-mean log-strengths from the inverse Fisher information."""
    n = graph.n_items
    info = graph.information(theta, prior)
    # With prior 0 the information is singular along the all-ones direction (a common shift).
    covariance = np.linalg.inv(info if prior > 0 else info + 1.0 / n)
    row_means = covariance.mean(axis=1)
    centred = np.diag(covariance) - 2.0 * row_means + row_means.mean()
    return np.asarray(np.sqrt(np.maximum(centred, 0.0)), dtype=np.float64)
