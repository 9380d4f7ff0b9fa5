"""Krippendorff's alpha: the published example, the `krippendorff` package, and its interval."""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentor.agreement import AgreementError, krippendorff_alpha

NAN = float("nan")

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers
# (rows) code twelve units (columns), with missing values.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


def _items_by_annotators(observers: list[list[int | None]]) -> list[list[int | None]]:
    return [list(unit) for unit in zip(*observers, strict=True)]


@pytest.mark.parametrize("level", list(PUBLISHED))
def test_reproduces_krippendorff_2011_worked_example(level: str) -> None:
    """Krippendorff (2011) reports alpha = .743 nominal, .815 ordinal, .849 interval, .797 ratio
    for the 4 observers x 12 units example with missing data (the 12th unit, coded once, drops).
    """
    result = krippendorff_alpha(_items_by_annotators(KRIPPENDORFF_2011), level=level, n_boot=0)
    assert round(result.value, 3) == PUBLISHED[level]
    assert result.n_items == 11
    assert result.method == f"krippendorff_alpha[{level}]"


def test_ordinal_alpha_on_words_follows_the_given_category_order() -> None:
    """The same example coded as words gives .815 once the order of the words is given."""
    words = ["very low", "low", "mid", "high", "very high"]
    table = [[None if v is None else words[v - 1] for v in row] for row in KRIPPENDORFF_2011]
    items = _items_by_annotators(table)
    ordinal = krippendorff_alpha(items, level="ordinal", categories=words, n_boot=0)
    assert round(ordinal.value, 3) == 0.815
    assert round(krippendorff_alpha(items, n_boot=0).value, 3) == 0.743
    with pytest.raises(AgreementError, match="order"):
        krippendorff_alpha(items, level="ordinal")
    with pytest.raises(AgreementError, match="numeric labels"):
        krippendorff_alpha(items, level="interval", categories=words)


def test_none_in_lists_and_nan_in_arrays_mean_the_same_missing_label() -> None:
    items = _items_by_annotators(KRIPPENDORFF_2011)
    as_array = np.array(items, dtype=float)
    assert np.isnan(as_array).sum() == 7
    from_lists = krippendorff_alpha(items, level="interval", rng=3)
    from_array = krippendorff_alpha(as_array, level="interval", rng=3)
    assert from_lists == from_array


@st.composite
def reliability_tables(draw: st.DrawFn) -> list[list[int | None]]:
    """Small items x annotators tables of 1..k codes with missing labels."""
    n_items = draw(st.integers(2, 25))
    n_annotators = draw(st.integers(2, 6))
    k = draw(st.integers(2, 6))
    cell = st.one_of(st.none(), st.integers(0, k))
    row = st.lists(cell, min_size=n_annotators, max_size=n_annotators)
    return draw(st.lists(row, min_size=n_items, max_size=n_items))


@settings(max_examples=80, deadline=None)
@given(table=reliability_tables(), level=st.sampled_from(list(PUBLISHED)))
def test_matches_the_krippendorff_package(table: list[list[int | None]], level: str) -> None:
    """On random tables with missing values, all four levels agree with `krippendorff.alpha`."""
    data = np.array(table, dtype=float).T  # the package wants annotators x items
    try:
        ours = krippendorff_alpha(table, level=level, n_boot=0).value
    except AgreementError:
        # Undefined for us (nobody overlaps, or no variation): the package agrees by failing.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                reference = krippendorff.alpha(data, level_of_measurement=level)
            except ValueError:
                return
        assert not np.isfinite(reference)
        return
    assert ours == pytest.approx(krippendorff.alpha(data, level_of_measurement=level), abs=1e-9)


def test_interval_is_seeded_and_shrinks_with_more_items() -> None:
    rng = np.random.default_rng(7)

    def table(n_items: int) -> np.ndarray:
        truth = rng.integers(1, 6, n_items)
        noisy = truth[:, None] + rng.integers(-1, 2, (n_items, 4)) * (
            rng.random((n_items, 4)) < 0.3
        )
        return np.where(rng.random((n_items, 4)) < 0.2, np.nan, noisy)

    small, large = table(60), table(2000)
    first = krippendorff_alpha(small, level="interval", rng=1)
    assert first == krippendorff_alpha(small, level="interval", rng=1)
    assert first.ci is not None and first.ci.low < first.value < first.ci.high
    assert first.ci.n_boot == 1000 and first.ci.confidence == 0.95
    wide = first.ci.high - first.ci.low
    big = krippendorff_alpha(large, level="interval", rng=1)
    assert big.ci is not None and big.ci.high - big.ci.low < wide / 3
    assert krippendorff_alpha(small, level="interval", n_boot=0).ci is None


@pytest.mark.parametrize("level", list(PUBLISHED))
def test_bootstrap_agrees_with_the_estimate_on_a_large_sample(level: str) -> None:
    """The interval brackets the estimate and is centred on it when items are plentiful."""
    rng = np.random.default_rng(11)
    truth = rng.integers(1, 6, 3000)
    table = np.where(rng.random((3000, 6)) < 0.25, rng.integers(1, 6, (3000, 6)), truth[:, None])
    table = np.where(rng.random((3000, 6)) < 0.3, np.nan, table).astype(float)
    result = krippendorff_alpha(table, level=level, n_boot=400)
    assert result.ci is not None
    assert result.ci.low < result.value < result.ci.high
    middle = (result.ci.low + result.ci.high) / 2
    assert abs(middle - result.value) < (result.ci.high - result.ci.low) / 4


def test_alpha_without_variation_is_an_error_not_nan() -> None:
    with pytest.raises(AgreementError, match=r"undefined.*'yes'"):
        krippendorff_alpha([["yes", "yes"], ["yes", None], ["yes", "yes"]])
    with pytest.raises(AgreementError, match="two or more annotators"):
        krippendorff_alpha([["yes", None], [None, "no"]])
    with pytest.raises(AgreementError, match="level is 'cardinal'"):
        krippendorff_alpha([[1, 2], [2, 2]], level="cardinal")  # type: ignore[arg-type]
    with pytest.raises(AgreementError, match="zero or more"):
        krippendorff_alpha([[-1, 2], [2, 2]], level="ratio")
