"""How far to trust a judge: its agreement with people, and the biases of a pairwise judge.

Pure functions of label sequences (no database, no files). Every interval is a seeded
percentile bootstrap that resamples items (pairs); the figures of one call share its resamples
(see :mod:`mentor.judges.estimates`). A figure that cannot be computed (kappa when every
label is the same, a rate with nothing to count) is NaN with a `reason`; ``to_dict()`` writes
NaN as ``null`` so the result is plain JSON.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from mentor.agreement import AgreementError, krippendorff_alpha
from mentor.agreement.alpha import alpha_replicate
from mentor.agreement.bootstrap import Replicate, safe_ratio
from mentor.agreement.kappa import disagreement_weights, kappa_from_tables
from mentor.errors import InputError
from mentor.judges.estimates import (
    NAN,
    Estimate,
    check_options,
    estimate,
    exact_binomial_p,
    item_sums,
    json_float,
    ratio,
    resample,
)

Label = str | int | float
Verdict = Literal["a", "b", "tie"]
VERDICTS: tuple[Verdict, ...] = ("a", "b", "tie")
__all__ = [
    "ClassScore",
    "Estimate",
    "LabelAgreement",
    "PairVerdict",
    "PairwiseBias",
    "Verdict",
    "label_agreement",
    "pairwise_bias",
]


@dataclass(frozen=True)
class ClassScore:
    """Precision and recall of the judge for one label (None where the label never occurs)."""

    label: Label
    precision: float | None  # None when the judge never said this label
    recall: float | None  # None when people never said it
    support: int  # how many times people said it

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class LabelAgreement:
    """A judge's labels against people's, on the `n` items where the judge's reply parsed.

    `unparsed` counts items left out because the judge's verdict was None (unparsed/missing).
    """

    n: int
    labels: tuple[Label, ...]  # order of the confusion matrix
    accuracy: Estimate
    kappa: Estimate  # Cohen's; quadratic-weighted when ordinal
    alpha: Estimate  # Krippendorff's; nominal, or ordinal when ordinal
    confusion: tuple[tuple[int, ...], ...]  # rows = people, columns = judge
    per_class: tuple[ClassScore, ...]
    ordinal: bool
    unparsed: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON (B stores it in ``judge_calibrations.stats``)."""
        return {
            "n": self.n,
            "unparsed": self.unparsed,
            "labels": [_plain(label) for label in self.labels],
            "accuracy": self.accuracy.to_dict(),
            "kappa": self.kappa.to_dict(),
            "alpha": self.alpha.to_dict(),
            "confusion": [list(row) for row in self.confusion],
            "per_class": [c.to_dict() for c in self.per_class],
            "ordinal": self.ordinal,
        }


def label_agreement(
    human: Sequence[Label],
    judge: Sequence[Label | None],
    *,
    ordinal: bool = False,
    labels: Sequence[Label] | None = None,
    confidence: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> LabelAgreement:
    """Accuracy, Cohen's kappa, Krippendorff's alpha, confusion and per-class scores.

    ``judge[i]`` is the judge's label for the item people labelled ``human[i]``; None marks an
    unparsed verdict, left out and counted in `unparsed`. `labels` fixes the label order (and
    the scale when `ordinal`); by default it is every label seen, sorted when possible. With
    ``ordinal=True`` kappa is quadratic-weighted and alpha ordinal, by position in `labels`.
    Raises InputError for mismatched lengths, a missing human label, a label outside `labels`,
    or fewer than two items with a parsed verdict.
    """
    check_options(confidence, resamples)
    if len(human) != len(judge):
        raise InputError(
            f"got {len(human)} human labels but {len(judge)} judge verdicts; expected one "
            "verdict (None if unparsed) per human label",
            field="judge",
        )
    for i, h in enumerate(human):
        if _missing(h):
            raise InputError(
                f"human label {i} is missing; every item needs a human label", field="human"
            )
    keep = [i for i, j in enumerate(judge) if not _missing(j)]
    _require_parsed(len(keep), len(judge))
    h_vals = [human[i] for i in keep]
    j_vals = [judge[i] for i in keep]
    cats = _categories(h_vals, j_vals, labels, ordinal)
    index = {c: k for k, c in enumerate(cats)}
    h_codes = _codes(h_vals, index, "human", keep)
    j_codes = _codes(j_vals, index, "judge", keep)
    statistics = _agreement_statistics(h_codes, j_codes, len(cats), ordinal)
    boot_tables, boot_alpha = resample(len(keep), resamples, seed, statistics)
    unparsed = len(judge) - len(keep)
    return _agreement(
        h_codes, j_codes, cats, ordinal, confidence, boot_tables, boot_alpha, unparsed
    )


def _require_parsed(parsed: int, total: int) -> None:
    if parsed < 2:
        raise InputError(
            f"agreement needs at least 2 items with a parsed judge verdict; got {parsed} "
            f"of {total} ({total - parsed} unparsed)",
            field="judge",
        )


def _agreement_statistics(
    h: NDArray[np.int64], j: NDArray[np.int64], k: int, ordinal: bool
) -> list[Replicate]:
    """Bootstrap statistics: the confusion table (flattened) and Krippendorff's alpha."""
    cells, cell_of_item = np.unique(h * k + j, return_inverse=True)
    one_hot = np.zeros((len(h), len(cells)))
    one_hot[np.arange(len(h)), cell_of_item] = 1.0

    def tables(weights: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.zeros((weights.shape[0], k * k))
        out[:, cells] = weights @ one_hot
        return out

    counts = np.zeros((len(h), k))
    np.add.at(counts, (np.arange(len(h)), h), 1.0)
    np.add.at(counts, (np.arange(len(h)), j), 1.0)
    return [tables, alpha_replicate(counts, "ordinal" if ordinal else "nominal")]


def _agreement(
    h: NDArray[np.int64],
    j: NDArray[np.int64],
    cats: tuple[Label, ...],
    ordinal: bool,
    confidence: float,
    boot_tables: NDArray[np.float64],
    boot_alpha: NDArray[np.float64],
    unparsed: int = 0,
) -> LabelAgreement:
    k = len(cats)
    boot_tables = boot_tables.reshape(-1, k, k)
    confusion = np.bincount(h * k + j, minlength=k * k).reshape(k, k)
    diagonal = safe_ratio(np.trace(boot_tables, axis1=1, axis2=2), boot_tables.sum(axis=(1, 2)))
    accuracy = estimate(float(np.trace(confusion)) / len(h), diagonal, confidence)
    weights = disagreement_weights(k, "quadratic" if ordinal else None)
    kappa = estimate(
        float(kappa_from_tables(confusion[None].astype(np.float64), weights)[0]),
        kappa_from_tables(boot_tables, weights),
        confidence,
        f"kappa is undefined: {_one_label(h, cats)}",
    )
    said_by_people = confusion.sum(axis=1)
    said_by_judge = confusion.sum(axis=0)
    per_class = tuple(
        ClassScore(
            label=cats[c],
            precision=_share(confusion[c, c], said_by_judge[c]),
            recall=_share(confusion[c, c], said_by_people[c]),
            support=int(said_by_people[c]),
        )
        for c in range(k)
    )
    return LabelAgreement(
        n=len(h),
        labels=cats,
        accuracy=accuracy,
        kappa=kappa,
        alpha=_alpha(h, j, cats, ordinal, confidence, boot_alpha),
        confusion=tuple(tuple(int(x) for x in row) for row in confusion),
        per_class=per_class,
        ordinal=ordinal,
        unparsed=unparsed,
    )


def _alpha(
    h: NDArray[np.int64],
    j: NDArray[np.int64],
    cats: tuple[Label, ...],
    ordinal: bool,
    confidence: float,
    replicates: NDArray[np.float64],
) -> Estimate:
    """Krippendorff's alpha from mentor.agreement, NaN when every label is the same."""
    try:
        alpha = krippendorff_alpha(
            np.column_stack([h, j]),
            level="ordinal" if ordinal else "nominal",
            categories=list(range(len(cats))),
            n_boot=0,
        )
    except AgreementError:
        return Estimate(NAN, NAN, NAN, f"alpha is undefined: {_one_label(h, cats)}")
    return estimate(alpha.value, replicates, confidence)


def _categories(
    h: Sequence[Label], j: Sequence[Label | None], labels: Sequence[Label] | None, ordinal: bool
) -> tuple[Label, ...]:
    if labels is not None:
        cats = tuple(_plain(c) for c in labels)
        if len(set(cats)) != len(cats) or not cats:
            raise InputError(f"labels {list(cats)!r} must list each label once", field="labels")
        return cats
    seen = tuple(_plain(v) for v in dict.fromkeys([*h, *j]))
    if ordinal and any(isinstance(v, str) for v in seen):
        raise InputError(
            "ordinal agreement needs the order of the labels; pass labels=[lowest, ..., highest]",
            field="labels",
        )
    try:
        return tuple(sorted(seen))
    except TypeError:  # mixed types keep their first-seen order
        return seen


def _codes(
    values: Sequence[Any], index: dict[Any, int], who: str, positions: list[int]
) -> NDArray[np.int64]:
    codes = np.fromiter((index.get(_plain(v), -1) for v in values), np.int64, len(values))
    bad = np.flatnonzero(codes < 0)
    if bad.size:
        where = positions[int(bad[0])]
        raise InputError(
            f"{who} label {values[int(bad[0])]!r} (item {where}) is not one of the labels "
            f"{list(index)!r}; add it to labels or correct it",
            field=who,
        )
    return codes


def _one_label(h: NDArray[np.int64], cats: tuple[Label, ...]) -> str:
    return (
        f"people and the judge gave every item the same label {cats[int(h[0])]!r}, so there "
        "is no variation to agree on; read accuracy instead"
    )


def _share(part: int, whole: int) -> float | None:
    return float(part) / float(whole) if whole else None


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


@dataclass(frozen=True)
class PairVerdict:
    """One pair judged in both orders; every verdict names the ORIGINAL a/b."""

    human: Verdict
    forward: Verdict | None  # judge's verdict with a shown first (None: unparsed / missing)
    backward: Verdict | None  # judge's verdict with b shown first, mapped back to a/b
    len_a: int  # characters of answer a
    len_b: int
    family_a: str = ""  # model family that wrote a (for self-preference), "" unknown
    family_b: str = ""
    judge_family: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class PairwiseBias:
    """A pairwise judge against people, and its position, length and self-preference biases.

    The judge's verdict on a pair is the one both orders agree on; orders that disagree make
    it a tie (as :class:`~mentor.judges.PairwiseJudge` does); with one order unparsed, the
    other order's verdict; with both unparsed the pair is left out and counted in `unparsed`.
    `flip_rate` counts pairs with both orders parsed; `first_position_rate` and `tie_rate`
    count single verdicts (each order of each pair). `first_position_p` is NaN (null) when no
    single verdict named a winner.
    """

    n: int
    agreement: LabelAgreement  # judge's (order-consistent) verdict vs people
    flip_rate: Estimate
    first_position_rate: Estimate
    first_position_p: float
    tie_rate: Estimate
    length_bias: Estimate
    self_preference: Estimate | None
    unparsed: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON (B stores it in ``judge_calibrations.stats``)."""
        own = self.self_preference
        return {
            "n": self.n,
            "unparsed": self.unparsed,
            "agreement": self.agreement.to_dict(),
            "flip_rate": self.flip_rate.to_dict(),
            "first_position_rate": self.first_position_rate.to_dict(),
            "first_position_p": json_float(self.first_position_p),
            "tie_rate": self.tie_rate.to_dict(),
            "length_bias": self.length_bias.to_dict(),
            "self_preference": None if own is None else own.to_dict(),
        }


def pairwise_bias(
    pairs: Sequence[PairVerdict], *, confidence: float = 0.95, resamples: int = 2000, seed: int = 0
) -> PairwiseBias:
    """Agreement with people and the biases of a judge that saw every pair in both orders.

    Length bias is P(judge prefers the longer answer) - P(people prefer it), and
    self-preference P(judge prefers its own family's answer) - P(people do), both over the
    pairs where the judge and people each named a winner (and the lengths differ, or exactly
    one side is of the judge's family). Raises InputError naming the pair and field of a
    verdict that is not "a", "b" or "tie", and when fewer than two pairs have a parsed verdict.
    """
    check_options(confidence, resamples)
    if not pairs:
        raise InputError("there are no pairs; pairwise bias needs pairs judged in both orders")
    h, fwd, bwd = (_verdicts(pairs, name) for name in ("human", "forward", "backward"))
    combined = np.where(fwd == bwd, fwd, np.where((fwd >= 0) & (bwd >= 0), 2, np.maximum(fwd, bwd)))
    parsed = combined >= 0
    _require_parsed(int(parsed.sum()), len(pairs))
    columns = _bias_columns(pairs, h, fwd, bwd, combined)
    per_item = np.column_stack([c for pair in columns.values() for c in pair]).astype(np.float64)
    on_parsed = [
        _on_rows(statistic, parsed)
        for statistic in _agreement_statistics(h[parsed], combined[parsed], 3, False)
    ]
    boot_tables, boot_alpha, replicates = resample(
        len(pairs), resamples, seed, [*on_parsed, item_sums(per_item)]
    )
    agreement = _agreement(
        h[parsed],
        combined[parsed],
        VERDICTS,
        False,
        confidence,
        boot_tables,
        boot_alpha,
        len(pairs) - int(parsed.sum()),
    )
    sums = per_item.sum(axis=0)
    figures = {
        name: ratio(sums, replicates, 2 * i, 2 * i + 1, confidence, _EMPTY[name])
        for i, name in enumerate(columns)
    }
    first, winners = columns["first_position_rate"]
    return PairwiseBias(
        n=len(pairs),
        agreement=agreement,
        flip_rate=figures["flip_rate"],
        first_position_rate=figures["first_position_rate"],
        first_position_p=exact_binomial_p(int(first.sum()), int(winners.sum())),
        tie_rate=figures["tie_rate"],
        length_bias=figures["length_bias"],
        self_preference=figures["self_preference"] if (_own_side(pairs) >= 0).any() else None,
        unparsed=agreement.unparsed,
    )


_EMPTY = {
    "flip_rate": "no pair has a parsed verdict in both orders",
    "first_position_rate": "no verdict named a winner",
    "tie_rate": "no verdict parsed",
    "length_bias": "no pair of different lengths has a winner from both the judge and people",
    "self_preference": "no pair with one side of the judge's family has a winner from the "
    "judge and people",
}


def _bias_columns(
    pairs: Sequence[PairVerdict],
    h: NDArray[np.int64],
    fwd: NDArray[np.int64],
    bwd: NDArray[np.int64],
    combined: NDArray[np.int64],
) -> dict[str, tuple[NDArray[np.int64], NDArray[np.int64]]]:
    """Per pair, the numerator and denominator each bias figure sums."""
    both = ((fwd >= 0) & (bwd >= 0)).astype(np.int64)
    lengths = np.array([(p.len_a, p.len_b) for p in pairs], dtype=np.int64).reshape(-1, 2)
    longer = np.where(lengths[:, 0] > lengths[:, 1], 0, 1)
    decided = (h != 2) & np.isin(combined, (0, 1))
    by_length = (decided & (lengths[:, 0] != lengths[:, 1])).astype(np.int64)
    own = _own_side(pairs)
    by_family = (decided & (own >= 0)).astype(np.int64)
    return {
        "flip_rate": (both * (fwd != bwd), both),
        "first_position_rate": (
            (fwd == 0).astype(np.int64) + (bwd == 1),
            np.isin(fwd, (0, 1)).astype(np.int64) + np.isin(bwd, (0, 1)),
        ),
        "tie_rate": (
            (fwd == 2).astype(np.int64) + (bwd == 2),
            (fwd >= 0).astype(np.int64) + (bwd >= 0),
        ),
        "length_bias": (
            by_length * ((combined == longer).astype(np.int64) - (h == longer)),
            by_length,
        ),
        "self_preference": (
            by_family * ((combined == own).astype(np.int64) - (h == own)),
            by_family,
        ),
    }


def _on_rows(statistic: Replicate, rows: NDArray[np.bool_]) -> Replicate:
    """`statistic` of the chosen rows (items), on weights drawn for all items."""
    return lambda weights: statistic(weights[:, rows])


def _verdicts(pairs: Sequence[PairVerdict], name: str) -> NDArray[np.int64]:
    """Codes of one verdict field: a=0, b=1, tie=2, None=-1 (people's verdicts may not be None)."""
    codes = {"a": 0, "b": 1, "tie": 2} if name == "human" else {"a": 0, "b": 1, "tie": 2, None: -1}
    out = np.empty(len(pairs), dtype=np.int64)
    for i, pair in enumerate(pairs):
        value = getattr(pair, name)
        if value not in codes:
            raise InputError(
                f"pair {i}: {value!r} is not a verdict; expected 'a', 'b' or 'tie'", field=name
            )
        out[i] = codes[value]
    return out


def _own_side(pairs: Sequence[PairVerdict]) -> NDArray[np.int64]:
    """0 or 1 where exactly one side was written by the judge's family, else -1."""
    out = np.full(len(pairs), -1, dtype=np.int64)
    for i, p in enumerate(pairs):
        if p.judge_family:
            a, b = p.family_a == p.judge_family, p.family_b == p.judge_family
            if a != b:
                out[i] = 0 if a else 1
    return out
