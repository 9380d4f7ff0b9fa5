"""Dawid-Skene: true labels and per-annotator confusion matrices estimated jointly by EM."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentor.agreement.errors import AgreementError
from mentor.agreement.table import Label, ReliabilityTable, code_table


@dataclass(frozen=True, eq=False)
class DawidSkene:
    """What Dawid-Skene estimated from a reliability table.

    ``labels[i]``: the most probable true label of item i (None if it has no label);
    ``posteriors[i, t]``: P(true label is t | the labels of item i);
    ``confusion[a, t, l]``: P(annotator a says l | true label t), rows sum to 1;
    ``priors[t]``: how common each true label is. Categories are in `categories` order.
    `converged` is False when `max_iter` ran out before the log-likelihood settled.
    """

    labels: tuple[Label | None, ...]
    categories: tuple[Label, ...]
    posteriors: NDArray[np.float64]
    confusion: NDArray[np.float64]
    priors: NDArray[np.float64]
    log_likelihood: float
    n_iter: int
    converged: bool


@dataclass(frozen=True, eq=False)
class _Ratings:
    """The labels as flat arrays, sorted by item, with the groupings EM sums over."""

    item: NDArray[np.intp]
    annotator: NDArray[np.intp]
    label: NDArray[np.int64]
    item_starts: NDArray[np.intp]
    key_order: NDArray[np.intp]
    key_starts: NDArray[np.intp]
    keys: NDArray[np.int64]


def dawid_skene(
    table: ReliabilityTable,
    *,
    categories: Sequence[Label] | None = None,
    tol: float = 1e-6,
    max_iter: int = 200,
    smoothing: float = 0.01,
) -> DawidSkene:
    """Estimate true labels and annotator reliability with Dawid and Skene's (1979) EM.

    EM starts from the majority vote (each item's label shares as its posterior) and stops
    when the log-likelihood changes by less than `tol` relative to its size, or after
    `max_iter` rounds. `smoothing` (> 0) is a pseudo-count added to every confusion cell and
    class count so that a label an annotator never used keeps a small, non-zero probability.
    """
    if tol <= 0 or max_iter < 1 or smoothing <= 0:
        raise AgreementError(
            f"got tol={tol}, max_iter={max_iter}, smoothing={smoothing}; expected tol > 0, "
            "max_iter >= 1 and smoothing > 0 (e.g. the defaults 1e-6, 200, 0.01)"
        )
    coded = code_table(table, categories)
    k, r = len(coded.categories), coded.n_annotators
    counts = coded.counts()
    labelled = counts.sum(axis=1) > 0
    ratings = _ratings(coded.codes[labelled], k)
    posteriors = counts[labelled] / counts[labelled].sum(axis=1, keepdims=True)
    log_likelihood, n_iter, converged = -np.inf, 0, False
    while n_iter < max_iter and not converged:
        n_iter += 1
        previous = log_likelihood
        priors, log_confusion = _maximise(posteriors, ratings, r, k, smoothing)
        posteriors, log_likelihood = _expect(priors, log_confusion, ratings)
        converged = abs(log_likelihood - previous) <= tol * abs(log_likelihood)
    full = np.tile(priors, (coded.n_items, 1))
    full[labelled] = posteriors
    best = np.argmax(full, axis=1)
    labels = tuple(
        coded.categories[b] if ok else None for b, ok in zip(best, labelled, strict=True)
    )
    return DawidSkene(
        labels=labels,
        categories=coded.categories,
        posteriors=full,
        confusion=np.exp(log_confusion),
        priors=priors,
        log_likelihood=float(log_likelihood),
        n_iter=n_iter,
        converged=bool(converged),
    )


def _ratings(codes: NDArray[np.int64], k: int) -> _Ratings:
    if codes.shape[0] == 0:
        raise AgreementError("Dawid-Skene needs labels, but every cell of the table is missing")
    item, annotator = np.nonzero(codes >= 0)
    label = codes[item, annotator]
    item_starts = np.searchsorted(item, np.arange(codes.shape[0]))
    keys = annotator * k + label
    key_order = np.argsort(keys, kind="stable")
    unique_keys, key_starts = np.unique(keys[key_order], return_index=True)
    return _Ratings(item, annotator, label, item_starts, key_order, key_starts, unique_keys)


def _maximise(
    posteriors: NDArray[np.float64], ratings: _Ratings, r: int, k: int, smoothing: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Class priors and log confusion matrices (annotator, true, given) from the posteriors."""
    priors = posteriors.sum(axis=0) + smoothing
    priors /= priors.sum()
    per_rating = posteriors[ratings.item[ratings.key_order]]
    sums = np.add.reduceat(per_rating, ratings.key_starts, axis=0)  # (keys, true)
    given = np.full((r * k, k), smoothing)
    given[ratings.keys] += sums
    confusion = given.reshape(r, k, k).transpose(0, 2, 1)  # (annotator, true, given)
    totals = confusion.sum(axis=2, keepdims=True)
    with np.errstate(divide="ignore"):
        return priors, np.log(confusion / np.where(totals > 0, totals, 1.0))


def _expect(
    priors: NDArray[np.float64], log_confusion: NDArray[np.float64], ratings: _Ratings
) -> tuple[NDArray[np.float64], float]:
    """Posteriors of the true labels and the log-likelihood of all labels."""
    per_rating = log_confusion[ratings.annotator, :, ratings.label]  # (ratings, true)
    with np.errstate(divide="ignore"):
        log_joint = np.log(priors) + np.add.reduceat(per_rating, ratings.item_starts, axis=0)
    top = log_joint.max(axis=1, keepdims=True)
    log_norm = top[:, 0] + np.log(np.exp(log_joint - top).sum(axis=1))
    return np.exp(log_joint - log_norm[:, None]), float(log_norm.sum())
