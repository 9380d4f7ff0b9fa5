"""Raw and label-specific agreement, and the annotator-by-annotator matrix."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from mentor.agreement import (
    AgreementError,
    cohen_kappa,
    pairwise_agreement,
    percent_agreement,
    specific_agreement,
)


def test_percent_agreement_averages_agreeing_pairs_per_item() -> None:
    table = [
        ["a", "a", "a"],  # 6 of 6 ordered pairs agree
        ["a", "a", "b"],  # 2 of 6
        ["a", "b", None],  # 0 of 2
        ["b", None, None],  # one label: cannot agree or disagree, left out
    ]
    result = percent_agreement(table, n_boot=0)
    assert result.value == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert result.n_items == 3
    assert result.ci is None


def test_two_annotators_agree_on_the_share_of_equal_labels() -> None:
    table = [["x", "x"], ["x", "y"], ["y", "y"], ["y", "y"], ["x", "y"]]
    result = percent_agreement(table, rng=5)
    assert result.value == pytest.approx(0.6)
    assert result.ci is not None and 0.0 <= result.ci.low <= 0.6 <= result.ci.high <= 1.0


def test_specific_agreement_is_positive_and_negative_agreement_for_two_annotators() -> None:
    """Two annotators, a = both yes, b/c = one yes, d = both no: positive agreement is
    2a / (2a + b + c) and negative agreement 2d / (2d + b + c) (Cicchetti & Feinstein, 1990).
    """
    a, b, c, d = 30, 6, 4, 60
    table = [["yes", "yes"]] * a + [["yes", "no"]] * b + [["no", "yes"]] * c + [["no", "no"]] * d
    by_label = {s.label: s for s in specific_agreement(table, rng=0)}
    assert by_label["yes"].value == pytest.approx(2 * a / (2 * a + b + c))
    assert by_label["no"].value == pytest.approx(2 * d / (2 * d + b + c))
    assert by_label["yes"].n_labels == 2 * a + b + c
    ci = by_label["yes"].ci
    assert ci is not None and ci.low < by_label["yes"].value < ci.high


def test_specific_agreement_reports_an_unused_label_as_none() -> None:
    table = [["cat", "cat"], ["cat", "dog"]]
    results = specific_agreement(table, categories=["cat", "dog", "eel"], n_boot=0)
    assert [r.label for r in results] == ["cat", "dog", "eel"]
    assert results[2].value is None and results[2].n_labels == 0
    assert results[1].value == 0.0


def _random_table(seed: int, n_items: int = 120, n_annotators: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, n_items)
    table = np.where(
        rng.random((n_items, n_annotators)) < 0.7,
        truth[:, None],
        rng.integers(0, 4, (n_items, n_annotators)),
    )
    table = table.astype(float)
    table[rng.random((n_items, n_annotators)) < 0.4] = np.nan
    table[:, 4] = np.nan
    table[:3, 4] = 1.0  # annotator 4 labelled three items, all "1"
    return table


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_pairwise_kappa_matches_cohen_for_every_pair(weights: str | None) -> None:
    table = _random_table(3)
    matrix = pairwise_agreement(table, weights=weights, annotators=list("ABCDE"))  # type: ignore[arg-type]
    labels = [0, 1, 2, 3]
    for i in range(5):
        for j in range(5):
            both = ~np.isnan(table[:, i]) & ~np.isnan(table[:, j])
            assert matrix.overlap[i, j] == both.sum()
            if i == j:
                assert np.isnan(matrix.values[i, j])
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                reference = cohen_kappa_score(
                    table[both, i], table[both, j], labels=labels, weights=weights
                )
            if np.isfinite(reference):
                assert matrix.values[i, j] == pytest.approx(reference, abs=1e-9)
            else:
                assert np.isnan(matrix.values[i, j])
    assert matrix.value("A", "B") == pytest.approx(
        cohen_kappa(table[:, :2], weights=weights, n_boot=0).value  # type: ignore[arg-type]
    )


def test_pairwise_percent_and_pairs_that_share_no_item() -> None:
    table = [["a", "a", None], ["a", "b", None], [None, "b", "b"], [None, "a", "b"]]
    matrix = pairwise_agreement(table, method="percent")
    assert matrix.values[0, 1] == pytest.approx(0.5)
    assert matrix.values[1, 2] == pytest.approx(0.5)
    assert matrix.overlap[0, 2] == 0 and np.isnan(matrix.values[0, 2])
    assert matrix.annotators == ("0", "1", "2")
    assert matrix.method == "percent"
    with pytest.raises(AgreementError, match="no annotator named 'Z'"):
        matrix.value("Z", "0")
    with pytest.raises(AgreementError, match="one distinct name per column"):
        pairwise_agreement(table, annotators=["x", "x", "y"])
    with pytest.raises(AgreementError, match="method='cohen'"):
        pairwise_agreement(table, method="percent", weights="linear")
