"""Agreement on each question of a project: every statistic that applies, with intervals, the
label distribution and the matrix of labels annotators gave the same item."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import permutations

from mentor import agreement
from mentor.agreement import AgreementError
from mentor.quality.agreement_report import AgreementReport, Metric, agreement_report
from mentor.quality.project_labels import Question


@dataclass(frozen=True)
class Matrix:
    """Counts by (row label, column label), both in `labels` order."""

    labels: list[str]
    counts: list[list[int]]

    @property
    def total(self) -> int:
        """All counts together."""
        return sum(map(sum, self.counts))


@dataclass(frozen=True)
class QuestionQuality:
    """Agreement on one question; `report` is None (and `undefined` says why) when fewer than
    two annotators labelled. `extra` holds alpha at further scales (interval for ratings).
    `pairs` counts, over every item and every ordered pair of its annotators, the label of the
    first (row) against the label of the second (column): a symmetric confusion matrix."""

    name: str
    level: str
    items: int
    report: AgreementReport | None
    undefined: str | None
    distribution: dict[str, int]
    pairs: Matrix
    extra: list[Metric] = field(default_factory=list)


def pair_matrix(question: Question) -> Matrix:
    """Labels of annotator pairs on the same item, each ordered pair counted once."""
    labels = [str(c) for c in question.categories]
    index = {name: i for i, name in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for row in question.table.rows:
        given = [str(v) for v in row if v is not None]
        for a, b in permutations(range(len(given)), 2):
            counts[index[given[a]]][index[given[b]]] += 1
    return Matrix(labels, counts)


def _alpha(question: Question, level: agreement.Level, n_boot: int, seed: int) -> Metric:
    name = f"Krippendorff's alpha ({level})"
    try:
        found = agreement.krippendorff_alpha(
            question.table.rows, level=level, n_boot=n_boot, rng=seed
        )
    except AgreementError as exc:
        return Metric(name, None, undefined=str(exc))
    ci = found.ci
    return Metric(name, found.value, ci.low if ci else None, ci.high if ci else None, found.n_items)


def question_quality(question: Question, *, n_boot: int, seed: int) -> QuestionQuality:
    """Every statistic that applies to `question`, or why none does."""
    rows = question.table.rows
    counts = Counter(str(v) for row in rows for v in row if v is not None)
    distribution = {str(c): counts[str(c)] for c in question.categories}
    report, undefined = None, None
    if len(question.table.annotators) < 2:
        undefined = "agreement needs labels from at least two annotators"
    elif not any(sum(v is not None for v in row) >= 2 for row in rows):
        undefined = "no item has labels from two annotators yet (overlap below 2)"
    else:
        report = agreement_report(question.table, level=question.level, n_boot=n_boot, seed=seed)
    extra = [_alpha(question, level, n_boot, seed) for level in question.also] if report else []
    return QuestionQuality(
        question.name,
        question.level,
        len(rows),
        report,
        undefined,
        distribution,
        pair_matrix(question),
        extra,
    )
