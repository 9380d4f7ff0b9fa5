"""Wilson intervals and the two-proportion z-test against statsmodels."""

from __future__ import annotations

import pytest
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from mentor.quality import two_proportion_test, wilson


@pytest.mark.parametrize(("hits", "n"), [(0, 5), (3, 4), (7, 9), (50, 100), (10, 10)])
def test_wilson_matches_statsmodels(hits: int, n: int) -> None:
    low, high = proportion_confint(hits, n, alpha=0.05, method="wilson")
    share = wilson(hits, n)
    assert share.value == pytest.approx(hits / n)
    assert share.low == pytest.approx(low) and share.high == pytest.approx(high)


def test_an_empty_share_has_no_value() -> None:
    assert wilson(0, 0).value is None and wilson(0, 0).low is None


@pytest.mark.parametrize(("a", "n1", "b", "n2"), [(7, 9, 3, 9), (40, 100, 55, 100), (1, 3, 2, 5)])
def test_two_proportion_test_matches_statsmodels(a: int, n1: int, b: int, n2: int) -> None:
    z, p = proportions_ztest([b, a], [n2, n1])
    found = two_proportion_test(a, n1, b, n2)
    assert found.z == pytest.approx(z) and found.p_value == pytest.approx(p)
    assert found.difference == pytest.approx(b / n2 - a / n1)


def test_identical_all_or_nothing_shares_have_no_test() -> None:
    found = two_proportion_test(5, 5, 3, 3)
    assert found.z is None and found.p_value is None and found.difference == 0
