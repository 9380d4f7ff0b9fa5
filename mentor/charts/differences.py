"""Difference charts: a dot per estimated difference and a whisker per interval, on an axis
from -100% to +100% with zero marked (a judge's length bias or self-preference: how much more
it prefers something than people do). Labels come from data and are escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Final

from mentor.charts.intervals import Interval
from mentor.charts.svg import BLUE, GREY, GRID, RED, empty, short, svg, text

LABEL_W: Final = 190.0
PLOT_W: Final = 380.0
VALUE_W: Final = 190.0
ROW_H: Final = 22.0
AXIS_H: Final = 22.0


def _x(diff: float) -> float:
    return LABEL_W + (max(-1.0, min(1.0, diff)) + 1.0) / 2.0 * PLOT_W


def _axis(end: float) -> str:
    parts = []
    for tick in (-1.0, -0.5, 0.0, 0.5, 1.0):
        x = _x(tick)
        colour = GREY if tick == 0 else GRID
        parts.append(
            f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{end:.1f}" stroke="{colour}"/>'
            + text(x, end + 14, f"{tick:+.0%}" if tick else "0", "middle", f' fill="{GREY}"')
        )
    return "".join(parts)


def _row(iv: Interval, y: float) -> str:
    name = text(LABEL_W - 10, y + 4, short(iv.series, 28), "end")
    if iv.n == 0 or iv.value is None:
        return name + text(LABEL_W + 4, y + 4, "not measured", extra=f' fill="{GREY}"')
    colour = RED if iv.low > 0 or iv.high < 0 else BLUE  # the interval excludes zero
    shown = f"{iv.value:+.1%} [{iv.low:+.1%}, {iv.high:+.1%}]"
    x1, x2, xv = _x(iv.low), _x(iv.high), _x(iv.value)
    return (
        name + f'<g class="interval"><title>{escape(iv.series)}: {escape(shown)}</title>'
        f'<line x1="{x1:.1f}" y1="{y:.1f}" x2="{x2:.1f}" y2="{y:.1f}" stroke="{colour}" '
        f'stroke-width="2"/>'
        f'<circle cx="{xv:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/></g>'
        + text(LABEL_W + PLOT_W + 10, y + 4, shown, extra=f' fill="{colour}"')
    )


def difference_chart(rows: Sequence[Interval], *, label: str) -> str:
    """One row per difference (`series` names it); red where the interval excludes zero."""
    if not rows:
        return empty(f"{label}: nothing measured")
    body = "".join(_row(iv, 10 + i * ROW_H + ROW_H / 2) for i, iv in enumerate(rows))
    end = 10 + len(rows) * ROW_H
    return svg(LABEL_W + PLOT_W + VALUE_W, end + AXIS_H, _axis(end) + body, label)
