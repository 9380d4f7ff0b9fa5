"""Reliability tables: one row per item, one column per annotator, labels coded as integers."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from mentor.agreement.errors import AgreementError

Label: TypeAlias = str | int | float
"""A category name or a number; ``None`` or NaN in a table marks a missing label."""

ReliabilityTable: TypeAlias = Sequence[Sequence[Label | None]] | NDArray[Any]
"""Items x annotators: nested lists, a numpy array or anything with ``__array__`` (a pandas
DataFrame); ``None`` or NaN where an annotator gave no label ("nan" in a numpy string array)."""

_SHAPE_HINT = "expected a 2-D table with one row per item and one column per annotator"


@dataclass(frozen=True, eq=False)
class CodedTable:
    """A reliability table whose labels are replaced by their index in `categories` (-1: missing).

    `ordered` says whether the order of `categories` means something: the labels are numbers,
    or the caller listed the categories explicitly.
    """

    codes: NDArray[np.int64]
    categories: tuple[Label, ...]
    ordered: bool

    @property
    def n_items(self) -> int:
        """Number of rows (items)."""
        return int(self.codes.shape[0])

    @property
    def n_annotators(self) -> int:
        """Number of columns (annotators)."""
        return int(self.codes.shape[1])

    def counts(self) -> NDArray[np.float64]:
        """How many annotators gave each category to each item, shape (items, categories)."""
        k = len(self.categories)
        rows, cols = np.nonzero(self.codes >= 0)
        flat = rows * k + self.codes[rows, cols]
        return np.bincount(flat, minlength=self.n_items * k).reshape(-1, k).astype(np.float64)

    def values(self, statistic: str) -> NDArray[np.float64]:
        """The categories as numbers, for statistics that need distances between labels."""
        bad = [c for c in self.categories if isinstance(c, str) or not isinstance(c, Real)]
        if bad:
            raise AgreementError(
                f"{statistic} needs numeric labels, but {bad[0]!r} is not a number; "
                "use numbers, or a nominal/ordinal statistic with an explicit category order"
            )
        return np.asarray(self.categories, dtype=np.float64)

    def pairable_counts(self, statistic: str) -> NDArray[np.float64]:
        """`counts()` of the items with at least two labels, the only ones that can (dis)agree."""
        self.require_annotators(statistic)
        counts = self.counts()
        counts = counts[counts.sum(axis=1) >= 2]
        if counts.shape[0] == 0:
            raise AgreementError(
                f"{statistic} needs items labelled by two or more annotators, but no item has "
                "more than one label; assign some items to several annotators"
            )
        return np.asarray(counts, dtype=np.float64)

    def require_annotators(self, statistic: str, minimum: int = 2) -> None:
        """Raise unless the table has at least `minimum` annotator columns."""
        if self.n_annotators < minimum:
            raise AgreementError(
                f"{statistic} compares annotators, but the table has {self.n_annotators} "
                f"column(s); {_SHAPE_HINT} and at least {minimum} annotators"
            )


def code_table(table: ReliabilityTable, categories: Sequence[Label] | None = None) -> CodedTable:
    """Validate a reliability table and code its labels; `categories` fixes the label order."""
    array = _as_array(table)
    flat = array.ravel()
    missing = _missing(flat)
    positions = np.flatnonzero(~missing)
    present = flat[positions]
    if categories is None:
        if present.size == 0:
            raise AgreementError(f"every cell of the table is missing; {_SHAPE_HINT}")
        cats, codes, ordered = infer_categories(present)
    else:
        cats = _checked_categories(categories)
        codes = lookup_codes(present, cats)
        unknown = np.flatnonzero(codes < 0)
        if unknown.size:
            item, annotator = divmod(int(positions[unknown[0]]), array.shape[1])
            label = plain(present[unknown[0]])
            raise AgreementError(
                f"label {label!r} (item {item}, annotator {annotator}) is not one of the "
                f"categories {list(cats)!r}; add it to categories or correct the label"
            )
        ordered = True
    coded = np.full(flat.shape, -1, dtype=np.int64)
    coded[positions] = codes
    return CodedTable(coded.reshape(array.shape), cats, ordered)


def plain(value: object) -> object:
    """A numpy scalar as the Python value it holds, so messages show 7.0 and not np.float64(7.0)."""
    return value.item() if isinstance(value, np.generic) else value


def _as_array(table: ReliabilityTable) -> NDArray[Any]:
    if isinstance(table, np.ndarray) or hasattr(table, "__array__"):  # numpy, pandas, arrow
        array = np.asarray(table)
    elif isinstance(table, str | bytes) or not isinstance(table, Sequence):
        raise AgreementError(f"got {type(table).__name__}; {_SHAPE_HINT}")
    else:
        for i, row in enumerate(table):
            if isinstance(row, str | bytes) or not isinstance(row, Sequence | np.ndarray):
                raise AgreementError(f"row {i} is {row!r}, not a row of labels; {_SHAPE_HINT}")
            if len(row) != len(table[0]):
                raise AgreementError(
                    f"row {i} has {len(row)} cells but row 0 has {len(table[0])}; every row "
                    "needs one cell per annotator, with None where a label is missing"
                )
        array = np.array(table, dtype=object) if len(table) else np.empty((0, 0), dtype=object)
    if array.ndim != 2:
        raise AgreementError(f"got a {array.ndim}-D array of shape {array.shape}; {_SHAPE_HINT}")
    if array.size == 0:
        raise AgreementError(f"the table is empty (shape {array.shape}); {_SHAPE_HINT}")
    if array.dtype == object and all(_is_number_or_missing(v) for v in array.flat):
        array = array.astype(np.float64)
    return array


def _is_number_or_missing(value: object) -> bool:
    return value is None or (isinstance(value, Real) and not isinstance(value, bool))


def _missing(flat: NDArray[Any]) -> NDArray[np.bool_]:
    if flat.dtype.kind == "f":
        return np.asarray(np.isnan(flat), dtype=bool)
    if flat.dtype.kind in "US":  # numpy turns NaN into the text "nan" in a string array
        return np.asarray(flat == flat.dtype.type("nan"), dtype=bool)
    if flat.dtype != object:
        return np.zeros(flat.shape, dtype=bool)
    return np.fromiter((_is_missing(v) for v in flat), dtype=bool, count=flat.size)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def infer_categories(
    present: NDArray[Any],
) -> tuple[tuple[Label, ...], NDArray[np.int64], bool]:
    """Distinct values (sorted when possible), each value's code, and whether order is numeric."""
    if present.dtype != object:
        uniques, codes = np.unique(present, return_inverse=True)
        if uniques.dtype.kind == "f" and np.array_equal(uniques, np.round(uniques)):
            uniques = uniques.astype(np.int64)  # None turned [[1, None]] into floats; undo it
        return tuple(uniques.tolist()), codes.astype(np.int64), present.dtype.kind in "iuf"
    first_seen: dict[Any, int] = {}
    codes = np.fromiter(
        (first_seen.setdefault(v, len(first_seen)) for v in present), np.int64, present.size
    )
    try:
        labels = sorted(first_seen)
    except TypeError:  # mixed types that cannot be sorted keep their first-seen order
        labels = list(first_seen)
    remap = np.array([labels.index(v) for v in first_seen], dtype=np.int64)
    return tuple(labels), remap[codes] if codes.size else codes, False


def _checked_categories(categories: Sequence[Label]) -> tuple[Label, ...]:
    cats = tuple(categories)
    if not cats:
        raise AgreementError("categories is empty; list every label the annotators may use")
    for c in cats:
        if _is_missing(c):
            raise AgreementError(f"categories contains {c!r}; missing labels are not a category")
    if len(set(cats)) != len(cats):
        raise AgreementError(f"categories {list(cats)!r} lists a label twice; list each once")
    return cats


def lookup_codes(present: NDArray[Any], cats: Sequence[Hashable]) -> NDArray[np.int64]:
    """Code of each value: its index in `cats`, or -1 when it is not there."""
    if present.dtype.kind in "iuf" and all(_is_number_or_missing(c) for c in cats):
        values = np.asarray(cats, dtype=np.float64)
        order = np.argsort(values)
        pos = np.clip(np.searchsorted(values[order], present), 0, len(cats) - 1)
        return np.where(values[order][pos] == present, order[pos], -1).astype(np.int64)
    index = {c: i for i, c in enumerate(cats)}
    return np.fromiter((index.get(v, -1) for v in present.tolist()), np.int64, present.size)
