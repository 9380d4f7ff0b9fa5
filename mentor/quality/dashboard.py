"""The charts of the quality dashboard, report and annotator page, from computed figures."""

from __future__ import annotations

from mentor.charts import Bar, Point, Series, bar_chart, column_chart, heatmap, line_chart
from mentor.quality.annotators import AnnotatorQuality
from mentor.quality.project_quality import ProjectQuality
from mentor.quality.questions import Matrix


def throughput_chart(counts: dict[str, int], label: str = "Labels per period") -> str:
    """Labels submitted per period (gold left out)."""
    return column_chart([(k, float(v)) for k, v in counts.items()], label=label)


def trend_chart(q: ProjectQuality) -> str:
    """Percent agreement per period with its 95% bootstrap band."""
    points = [Point(t.period, t.value, t.low, t.high) for t in q.trend if t.value is not None]
    return line_chart(
        [Series("percent agreement", points)], label="Agreement over time", percent=True
    )


def gold_chart(q: ProjectQuality) -> str:
    """Gold accuracy per annotator with Wilson intervals and the alert threshold."""
    bars = [
        Bar(p.annotator, p.gold_accuracy, p.gold_low, p.gold_high, f"({p.gold_answered} gold)")
        for p in q.people
        if p.gold_accuracy is not None
    ]
    threshold = q.config.watch.threshold
    return bar_chart(
        bars,
        label="Gold accuracy per annotator",
        percent=True,
        reference=threshold,
        reference_label=f"alert below {threshold:.0%}",
    )


def matrix_chart(m: Matrix, label: str, rows: str, columns: str) -> str:
    """A confusion matrix of label counts."""
    values: list[list[float | None]] = [[float(n) for n in row] for row in m.counts]
    return heatmap(m.labels, m.labels, values, label=label, row_title=rows, column_title=columns)


def distribution_chart(distribution: dict[str, int]) -> str:
    """How often each label was given."""
    return bar_chart([Bar(k, float(v)) for k, v in distribution.items()], label="Labels given")


def annotator_matrix(q: ProjectQuality) -> str:
    """Percent agreement between each pair of annotators on the first question."""
    report = q.questions[0].report if q.questions else None
    if report is None:
        return heatmap([], [], [], label="Agreement between annotators")
    names = report.annotators
    values = [[None if a == b else report.pairwise[a][b] for b in names] for a in names]
    return heatmap(names, names, values, label="Agreement between annotators", percent=True)


def gold_trend_chart(p: AnnotatorQuality, threshold: float) -> str:
    """Each gold score in order and the rolling accuracy, against the alert threshold."""
    scores = Series("gold score", [Point(f"#{g.n}", g.score) for g in p.gold_trend])
    rolling = Series("rolling accuracy", [Point(f"#{g.n}", g.rolling) for g in p.gold_trend])
    return line_chart(
        [rolling, scores],
        label=f"Gold accuracy of {p.annotator} over time",
        percent=True,
        reference=threshold,
        reference_label=f"alert below {threshold:.0%}",
    )
