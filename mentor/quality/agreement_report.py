"""One report of every agreement statistic that applies to a label table, each with its interval.

A statistic that is not defined for the table (kappa with constant labels, Fleiss' kappa with
unequal label counts) is reported with the reason, never as a silent NaN.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from mentor import agreement
from mentor.agreement import Agreement, AgreementError, Level
from mentor.errors import InputError
from mentor.quality.label_files import LabelTable


@dataclass(frozen=True)
class Metric:
    """A statistic's value and 95% interval, or why it is not defined here."""

    name: str
    value: float | None
    low: float | None = None
    high: float | None = None
    n_items: int = 0
    undefined: str | None = None


@dataclass(frozen=True)
class AgreementReport:
    """Agreement over a label table: overall metrics, per label, per annotator pair, consensus."""

    items: int
    annotators: list[str]
    labels: int
    level: str
    metrics: list[Metric]
    per_label: list[Metric]
    pairwise: dict[str, dict[str, float | None]]
    consensus: dict[str, int] = field(default_factory=dict)
    tied_items: int = 0


def _metric(name: str, compute: Callable[[], Agreement]) -> Metric:
    try:
        result = compute()
    except AgreementError as exc:
        return Metric(name, None, undefined=str(exc))
    ci = result.ci
    return Metric(
        name, result.value, ci.low if ci else None, ci.high if ci else None, result.n_items
    )


def agreement_report(
    table: LabelTable, *, level: Level = "nominal", n_boot: int = 1000, seed: int = 0
) -> AgreementReport:
    """Compute every statistic that applies to `table`; a table no statistic can use is an
    :class:`InputError`."""
    if len(table.annotators) < 2:
        raise InputError(
            f"agreement needs at least two annotators; got {table.annotators}", where="--annotators"
        )
    if n_boot < 0:
        raise InputError(
            f"expected 0 (no intervals) or more resamples, got {n_boot}", where="--bootstrap"
        )
    try:
        return _report(table, level, n_boot, seed)
    except AgreementError as exc:  # raised by what every statistic needs, so no metric is left
        raise InputError(str(exc)) from exc


def _report(table: LabelTable, level: Level, n_boot: int, seed: int) -> AgreementReport:
    rows = table.rows
    metrics = [
        _metric(
            "percent agreement", lambda: agreement.percent_agreement(rows, n_boot=n_boot, rng=seed)
        )
    ]
    if len(table.annotators) == 2:
        metrics.append(
            _metric("Cohen's kappa", lambda: agreement.cohen_kappa(rows, n_boot=n_boot, rng=seed))
        )
        if level != "nominal":
            metrics.append(
                _metric(
                    "Cohen's kappa (quadratic)",
                    lambda: agreement.cohen_kappa(
                        rows, weights="quadratic", n_boot=n_boot, rng=seed
                    ),
                )
            )
    metrics.append(
        _metric("Fleiss' kappa", lambda: agreement.fleiss_kappa(rows, n_boot=n_boot, rng=seed))
    )
    metrics.append(
        _metric(
            f"Krippendorff's alpha ({level})",
            lambda: agreement.krippendorff_alpha(rows, level=level, n_boot=n_boot, rng=seed),
        )
    )
    try:
        per_label = [
            Metric(
                f"specific agreement: {x.label}",
                x.value,
                x.ci.low if x.ci else None,
                x.ci.high if x.ci else None,
                x.n_labels,
            )
            for x in agreement.specific_agreement(rows, n_boot=n_boot, rng=seed)
        ]
    except AgreementError as exc:
        per_label = [Metric("specific agreement", None, undefined=str(exc))]
    pairs = agreement.pairwise_agreement(rows, method="percent", annotators=table.annotators)
    pairwise = {
        a: {b: _finite(pairs.value(a, b)) for b in table.annotators if b != a}
        for a in table.annotators
    }
    vote = agreement.majority_vote(rows, ties="abstain")
    consensus = Counter(str(x) for x in vote.labels if x is not None)
    labels = sum(v is not None for row in rows for v in row)
    return AgreementReport(
        len(rows),
        table.annotators,
        labels,
        level,
        metrics,
        per_label,
        pairwise,
        dict(consensus.most_common()),
        int(sum(vote.tied)),
    )


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value
