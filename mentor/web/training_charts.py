"""The training run page's charts: one line chart per family of logged metrics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from markupsafe import Markup

from mentor.charts import Point, Series, line_chart

FAMILIES: Final = (
    ("loss", "Loss (training and held-out)", lambda name: name in ("loss", "eval_loss")),
    ("margins", "Reward margins (chosen - rejected)", lambda name: name.endswith("margins")),
    ("accuracy", "Accuracy", lambda name: "accurac" in name),
)
"""(id, chart title, which metric names belong to it)."""


@dataclass(frozen=True)
class Curve:
    """One family's chart: its id on the page, its caption and the SVG."""

    key: str
    title: str
    svg: Markup


def metric_charts(metrics: Sequence[tuple[int, str, float]]) -> list[Curve]:
    """A line chart per family that the run logged anything of, by step."""
    by_name: dict[str, list[Point]] = {}
    for step, name, value in sorted(metrics):
        by_name.setdefault(name, []).append(Point(str(step), value))
    charts = []
    for key, title, member in FAMILIES:
        series = [Series(name, points) for name, points in by_name.items() if member(name)]
        if series:
            drawn = line_chart(series, label=f"{title}, by step")
            charts.append(Curve(key, title, Markup(drawn)))  # escaped by mentor.charts.svg
    return charts
