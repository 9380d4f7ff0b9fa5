"""Interval charts (the evaluation pages): a dot per estimate, a whisker per interval.

Each row is one proportion (a metric, a severity tier), drawn on a 0-100% axis; several series
(baseline and candidate) share a row, one above the other. Plain SVG attributes only (no
``style``), so the charts render under the app's Content Security Policy; every label comes
from data (suite intents, metric names) and is escaped by :mod:`mentor.charts.svg`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Final

from mentor.charts.svg import GREY, GRID, PALETTE, RED, empty, short, svg, text

LABEL_W: Final = 190.0
PLOT_W: Final = 380.0
VALUE_W: Final = 170.0
LANE: Final = 14.0
PAD: Final = 8.0
AXIS_H: Final = 22.0


@dataclass(frozen=True)
class Interval:
    """One series' estimate on a row: the observed share and its interval, out of `n`."""

    series: str
    value: float | None
    low: float
    high: float
    n: int


@dataclass(frozen=True)
class IntervalRow:
    """One row of the chart: a label and an interval per series; `lower_is_better` marks
    rates where less is good (violations), so the reader is told which way to look."""

    label: str
    intervals: tuple[Interval, ...]
    lower_is_better: bool = False
    threshold: float | None = None


def _x(share: float) -> float:
    return LABEL_W + max(0.0, min(1.0, share)) * PLOT_W


def _axis(start: float, end: float) -> str:
    parts = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = _x(tick)
        parts.append(
            f'<line x1="{x:.1f}" y1="{start:.1f}" x2="{x:.1f}" y2="{end:.1f}" stroke="{GRID}"/>'
            + text(x, end + 14, f"{tick:.0%}", "middle", f' fill="{GREY}"')
        )
    return "".join(parts)


def _interval(iv: Interval, y: float, colour: str, row: str) -> str:
    if iv.n == 0 or iv.value is None:
        return text(LABEL_W + 4, y + 4, f"{iv.series}: no cases", extra=f' fill="{GREY}"')
    x1, x2, xv = _x(iv.low), _x(iv.high), _x(iv.value)
    shown = f"{iv.value:.0%} [{iv.low:.0%}, {iv.high:.0%}] n={iv.n}"
    tip = escape(f"{row} — {iv.series}: {shown}")
    return (
        f'<g class="interval"><title>{tip}</title>'
        f'<line x1="{x1:.1f}" y1="{y:.1f}" x2="{x2:.1f}" y2="{y:.1f}" stroke="{colour}" '
        f'stroke-width="2"/>'
        f'<line x1="{x1:.1f}" y1="{y - 4:.1f}" x2="{x1:.1f}" y2="{y + 4:.1f}" stroke="{colour}"/>'
        f'<line x1="{x2:.1f}" y1="{y - 4:.1f}" x2="{x2:.1f}" y2="{y + 4:.1f}" stroke="{colour}"/>'
        f'<circle cx="{xv:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/></g>'
        + text(LABEL_W + PLOT_W + 10, y + 4, shown, extra=f' fill="{colour}"')
    )


def _row(row: IntervalRow, top: float, colours: dict[str, str]) -> str:
    height = LANE * len(row.intervals)
    name = short(row.label, 28) + (" ↓" if row.lower_is_better else "")
    parts = [text(LABEL_W - 10, top + height / 2 + 4, name, "end")]
    if row.threshold is not None:
        x = _x(row.threshold)
        parts.append(
            f'<line class="threshold" x1="{x:.1f}" y1="{top - 3:.1f}" x2="{x:.1f}" '
            f'y2="{top + height + 3:.1f}" stroke="{RED}" stroke-dasharray="3 2"/>'
        )
    for lane, iv in enumerate(row.intervals):
        y = top + LANE * lane + LANE / 2
        parts.append(_interval(iv, y, colours[iv.series], row.label))
    return "".join(parts)


def _legend(series: Sequence[str], colours: dict[str, str], y: float) -> str:
    parts, x = [], LABEL_W
    for name in series:
        parts.append(
            f'<circle cx="{x + 5:.1f}" cy="{y - 4:.1f}" r="4" fill="{colours[name]}"/>'
            + text(x + 14, y, short(name, 40))
        )
        x += 24 + 7 * min(len(name), 40)
    return "".join(parts)


def interval_chart(rows: Sequence[IntervalRow], *, label: str) -> str:
    """The rows as dots with whiskers on a 0-100% axis; a legend when there are several series."""
    if not rows:
        return empty(f"{label}: no cases")
    series: list[str] = []
    for row in rows:
        series.extend(iv.series for iv in row.intervals if iv.series not in series)
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series)}
    legend = AXIS_H if len(series) > 1 else 0.0
    parts, top = [], legend + PAD
    for row in rows:
        parts.append(_row(row, top, colours))
        top += LANE * len(row.intervals) + PAD
    body = _axis(legend, top) + "".join(parts)
    if legend:
        body += _legend(series, colours, 14)
    return svg(LABEL_W + PLOT_W + VALUE_W, top + AXIS_H, body, label)
