"""What a user gets for tables the statistics cannot use: a clear AgreementError."""

from __future__ import annotations

import numpy as np
import pytest

import mentor.agreement as agreement
from mentor.agreement import (
    AgreementError,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    majority_vote,
    percent_agreement,
)


def test_agreement_error_is_a_value_error() -> None:
    assert issubclass(AgreementError, ValueError)


def test_public_names_are_sorted_and_resolve() -> None:
    assert agreement.__all__ == sorted(agreement.__all__)
    for name in agreement.__all__:
        assert getattr(agreement, name) is not None


def test_ragged_rows_name_the_row() -> None:
    with pytest.raises(AgreementError, match=r"row 2 has 1 cells but row 0 has 2.*None"):
        krippendorff_alpha([["a", "b"], ["a", "a"], ["b"]])


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ([], "empty"),
        ([[], []], "empty"),
        (np.empty((0, 3)), "empty"),
        (["a", "b", "a"], "row 0 is 'a'"),
        (np.array(["a", "b"]), "1-D"),
        (np.zeros((2, 2, 2)), "3-D"),
        ("ab", "got str"),
        ([[None, None], [None, None]], "every cell of the table is missing"),
    ],
)
def test_tables_that_are_not_items_by_annotators(table: object, message: str) -> None:
    with pytest.raises(AgreementError, match=message):
        percent_agreement(table)  # type: ignore[arg-type]


@pytest.mark.parametrize("statistic", [percent_agreement, fleiss_kappa, krippendorff_alpha])
def test_a_single_annotator_cannot_agree_with_anyone(statistic: object) -> None:
    with pytest.raises(AgreementError, match=r"1 column.*at least 2 annotators"):
        statistic([["a"], ["b"], ["a"]])  # type: ignore[operator]


def test_a_label_outside_the_categories_names_where_it_is() -> None:
    table = [["yes", "no"], ["no", "maybe"]]
    with pytest.raises(AgreementError, match=r"'maybe' \(item 1, annotator 1\).*\['yes', 'no'\]"):
        cohen_kappa(table, categories=["yes", "no"])
    with pytest.raises(AgreementError, match=r"7\.0 \(item 0, annotator 1\)"):
        krippendorff_alpha(np.array([[1.0, 7.0], [2.0, 1.0]]), categories=[1, 2, 3])


def test_bad_category_lists() -> None:
    with pytest.raises(AgreementError, match="lists a label twice"):
        majority_vote([["a"]], categories=["a", "b", "a"])
    with pytest.raises(AgreementError, match="categories is empty"):
        majority_vote([["a"]], categories=[])
    with pytest.raises(AgreementError, match="missing labels are not a category"):
        majority_vote([["a"]], categories=["a", None])  # type: ignore[list-item]


def test_bad_bootstrap_options() -> None:
    table = [["a", "b"], ["a", "a"], ["b", "b"]]
    with pytest.raises(AgreementError, match="n_boot is -1"):
        percent_agreement(table, n_boot=-1)
    with pytest.raises(AgreementError, match="confidence is 95"):
        krippendorff_alpha(table, confidence=95)


def test_integer_labels_survive_missing_values() -> None:
    """None forces a float table internally, but labels come back as the integers given."""
    vote = majority_vote([[1, 1, None], [2, None, 2]])
    assert vote.labels == (1, 2)
    assert all(isinstance(label, int) for label in vote.categories)


def test_numpy_string_arrays_and_dataframes_are_tables() -> None:
    """np.array([["a", np.nan]]) stores the text "nan": it still means a missing label."""
    strings = np.array([["a", "a", np.nan], ["b", "a", "b"]])
    assert strings.dtype.kind == "U"
    assert percent_agreement(strings, n_boot=0).value == pytest.approx((1 + 1 / 3) / 2)
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({"ann1": ["a", "b"], "ann2": ["a", None], "ann3": [None, "b"]})
    assert percent_agreement(frame, n_boot=0).value == 1.0
