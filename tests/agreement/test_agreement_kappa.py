"""Cohen's and Fleiss' kappa: textbook examples, scikit-learn and statsmodels."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from mentor.agreement import AgreementError, cohen_kappa, fleiss_kappa


def _pairs_from_contingency(table: list[list[int]], labels: list[str]) -> list[list[str]]:
    """Expand a rows=annotator A, columns=annotator B contingency table into labelled items."""
    return [
        [labels[i], labels[j]]
        for i, row in enumerate(table)
        for j, count in enumerate(row)
        for _ in range(count)
    ]


# Altman (1991), Practical Statistics for Medical Research, Table 14.2: two radiologists grade
# 85 xeromammograms (Boyd et al., 1982); rows radiologist A, columns radiologist B.
RADIOLOGY = [[21, 12, 0, 0], [4, 17, 1, 0], [3, 9, 15, 2], [0, 0, 0, 1]]
RADIOLOGY_LABELS = ["normal", "benign", "suspected cancer", "cancer"]
# Altman (1991), Table 14.3: MAST versus RAST allergy tests on 363 sera (Brostoff et al., 1984).
MAST_RAST = [
    [86, 3, 14, 0, 2],
    [26, 0, 10, 4, 0],
    [20, 2, 22, 4, 1],
    [11, 1, 37, 16, 14],
    [3, 0, 15, 24, 48],
]


def test_reproduces_altman_radiologists_example() -> None:
    """Altman (1991, section 14.3) reports kappa = 0.47 and linear weighted kappa = 0.57."""
    items = _pairs_from_contingency(RADIOLOGY, RADIOLOGY_LABELS)
    plain = cohen_kappa(items, categories=RADIOLOGY_LABELS, n_boot=0)
    assert round(plain.value, 2) == 0.47
    assert plain.n_items == 85
    linear = cohen_kappa(items, weights="linear", categories=RADIOLOGY_LABELS, n_boot=0)
    assert round(linear.value, 2) == 0.57
    assert linear.method == "cohen_kappa[linear]"


def test_reproduces_altman_mast_rast_example() -> None:
    """Altman (1991, section 14.3) reports kappa = 0.32 and weighted kappa = 0.56."""
    items = _pairs_from_contingency(MAST_RAST, ["1", "2", "3", "4", "5"])
    numbers = [[int(a), int(b)] for a, b in items]
    assert round(cohen_kappa(numbers, n_boot=0).value, 2) == 0.32
    assert round(cohen_kappa(numbers, weights="linear", n_boot=0).value, 2) == 0.56


@st.composite
def two_annotators(draw: st.DrawFn) -> list[list[int | None]]:
    n_items = draw(st.integers(1, 40))
    k = draw(st.integers(2, 5))
    cell = st.one_of(st.none(), st.integers(0, k - 1))
    return draw(
        st.lists(st.lists(cell, min_size=2, max_size=2), min_size=n_items, max_size=n_items)
    )


@settings(max_examples=80, deadline=None)
@given(table=two_annotators(), weights=st.sampled_from([None, "linear", "quadratic"]))
def test_cohen_matches_scikit_learn(table: list[list[int | None]], weights: str | None) -> None:
    """Every weighting agrees with `sklearn.metrics.cohen_kappa_score` on the labelled pairs.

    Weights use positions in the full label list, so labels seen only on half-labelled items
    still count as steps of the scale; scikit-learn gets the same list via `labels`.
    """
    both = [row for row in table if None not in row]
    labels = sorted({v for row in table for v in row if v is not None})
    try:
        ours = cohen_kappa(table, weights=weights, n_boot=0)  # type: ignore[arg-type]
    except AgreementError:
        if both:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                reference = cohen_kappa_score(*zip(*both, strict=True), weights=weights)
            assert not np.isfinite(reference)
        return
    a, b = zip(*both, strict=True)
    reference = cohen_kappa_score(a, b, labels=labels, weights=weights)
    assert ours.value == pytest.approx(reference, abs=1e-9)
    assert ours.n_items == len(both)


def test_cohen_needs_exactly_two_annotators_and_an_order_for_weights() -> None:
    with pytest.raises(AgreementError, match=r"exactly two annotators.*3 columns"):
        cohen_kappa([["a", "b", "a"], ["b", "b", "a"]])
    with pytest.raises(AgreementError, match="pass categories"):
        cohen_kappa([["low", "high"], ["high", "high"]], weights="quadratic")
    with pytest.raises(AgreementError, match="both annotators"):
        cohen_kappa([["a", None], [None, "b"]])
    with pytest.raises(AgreementError, match="expected None, 'linear' or 'quadratic'"):
        cohen_kappa([[1, 2], [2, 2]], weights="cubic")  # type: ignore[arg-type]


def test_cohen_on_constant_labels_raises_instead_of_returning_nan() -> None:
    with pytest.raises(AgreementError, match=r"every item 'spam'.*percent_agreement"):
        cohen_kappa([["spam", "spam"]] * 5)


def test_cohen_interval_brackets_altman_value() -> None:
    items = _pairs_from_contingency(RADIOLOGY, RADIOLOGY_LABELS)
    result = cohen_kappa(items, categories=RADIOLOGY_LABELS, rng=0)
    assert result.ci is not None
    # Altman's large-sample interval is 0.33 to 0.61; the bootstrap lands close to it.
    assert 0.25 < result.ci.low < 0.40 and 0.55 < result.ci.high < 0.68


# Fleiss (1971), "Measuring nominal scale agreement among many raters", Table 1: six
# psychiatrists assign 30 patients to 5 diagnoses (1 depression, 2 personality disorder,
# 3 schizophrenia, 4 neurosis, 5 other). Rater order within a row carries no meaning.
FLEISS_1971 = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip


def test_reproduces_fleiss_1971_example() -> None:
    """Fleiss (1971) reports kappa = .430 for the 30 patients x 6 psychiatrists table."""
    result = fleiss_kappa(FLEISS_1971, rng=0)
    assert round(result.value, 3) == 0.430
    assert result.n_items == 30
    assert result.ci is not None and result.ci.low < 0.430 < result.ci.high


@st.composite
def full_tables(draw: st.DrawFn) -> list[list[int]]:
    n_items = draw(st.integers(1, 30))
    raters = draw(st.integers(2, 7))
    k = draw(st.integers(2, 5))
    row = st.lists(st.integers(0, k - 1), min_size=raters, max_size=raters)
    return draw(st.lists(row, min_size=n_items, max_size=n_items))


@settings(max_examples=80, deadline=None)
@given(table=full_tables())
def test_fleiss_matches_statsmodels(table: list[list[int]]) -> None:
    """Random complete tables agree with `statsmodels.stats.inter_rater.fleiss_kappa`."""
    counts, _ = aggregate_raters(np.array(table))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        reference = statsmodels_fleiss(counts)
    try:
        ours = fleiss_kappa(table, n_boot=0).value
    except AgreementError:
        assert not np.isfinite(reference)
        return
    assert ours == pytest.approx(reference, abs=1e-9)


def test_fleiss_refuses_unequal_numbers_of_labels() -> None:
    table = [["a", "b", "a"], ["a", None, "b"], [None, None, None], ["b", "b", "b"]]
    with pytest.raises(AgreementError, match=r"same number.*between 2 and 3.*krippendorff_alpha"):
        fleiss_kappa(table)
    # A row nobody labelled is skipped rather than refused.
    assert fleiss_kappa([["a", "b"], [None, None], ["b", "b"]], n_boot=0).n_items == 2
    with pytest.raises(AgreementError, match="every label is 'a'"):
        fleiss_kappa([["a", "a"], ["a", "a"]])


def test_fleiss_needs_items_with_several_labels() -> None:
    with pytest.raises(AgreementError, match="two or more annotators"):
        fleiss_kappa([["a", None], [None, "b"]])
    with pytest.raises(AgreementError, match="two or more annotators"):
        fleiss_kappa([[None, None]], categories=["a", "b"])
