"""The vectorised bootstrap equals recomputing each statistic on resampled items.

mentor draws each replicate's items with ``Generator.integers`` (one row of draws per
replicate) and turns the draws into item weights; here the same draws build resampled tables
whose statistics the reference packages compute one by one.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from mentor.agreement import Agreement, cohen_kappa, fleiss_kappa, krippendorff_alpha

N_BOOT = 200


def _table(seed: int, n_items: int, n_annotators: int, missing: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 6, n_items)
    noisy = rng.integers(1, 6, (n_items, n_annotators))
    table = np.where(rng.random((n_items, n_annotators)) < 0.6, truth[:, None], noisy)
    table = table.astype(float)
    table[rng.random((n_items, n_annotators)) < missing] = np.nan
    return table


def _reference_interval(
    table: np.ndarray, statistic: Callable[[np.ndarray], float], seed: int
) -> tuple[float, float]:
    draws = np.random.default_rng(seed).integers(0, len(table), size=(N_BOOT, len(table)))
    values = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for rows in draws:
            try:
                values.append(statistic(table[rows]))
            except ValueError:
                continue
    finite = np.array([v for v in values if np.isfinite(v)])
    low, high = np.quantile(finite, [0.025, 0.975])
    return float(low), float(high)


def _check(ours: Agreement, reference: tuple[float, float]) -> None:
    assert ours.ci is not None
    assert (ours.ci.low, ours.ci.high) == pytest.approx(reference, abs=1e-9)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_interval_matches_resampling_with_the_krippendorff_package(level: str) -> None:
    # Items with fewer than two labels never enter alpha, so resample the pairable ones only.
    table = _table(1, 40, 4, missing=0.3)
    table = table[(~np.isnan(table)).sum(axis=1) >= 2]
    ours = krippendorff_alpha(table, level=level, n_boot=N_BOOT, rng=9)  # type: ignore[arg-type]

    def reference(sample: np.ndarray) -> float:
        return float(krippendorff.alpha(sample.T, level_of_measurement=level))

    _check(ours, _reference_interval(table, reference, seed=9))


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_interval_matches_resampling_with_scikit_learn(weights: str | None) -> None:
    table = _table(2, 50, 2, missing=0.0)
    ours = cohen_kappa(table, weights=weights, n_boot=N_BOOT, rng=4)  # type: ignore[arg-type]
    labels = [1.0, 2.0, 3.0, 4.0, 5.0]

    def reference(sample: np.ndarray) -> float:
        return float(cohen_kappa_score(sample[:, 0], sample[:, 1], labels=labels, weights=weights))

    _check(ours, _reference_interval(table, reference, seed=4))


def test_fleiss_interval_matches_resampling_with_statsmodels() -> None:
    table = _table(3, 30, 5, missing=0.0)
    ours = fleiss_kappa(table, n_boot=N_BOOT, rng=6)

    def reference(sample: np.ndarray) -> float:
        return float(statsmodels_fleiss(aggregate_raters(sample)[0]))

    _check(ours, _reference_interval(table, reference, seed=6))
