"""Line charts over ordered x labels (weeks, rounds), with a shaded interval band."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Final

from mentor.charts.svg import BAND, GREY, GRID, PALETTE, RED, empty, number, short, svg, text

PLOT_W: Final = 520.0
PLOT_H: Final = 180.0
LEFT: Final = 48.0
TOP: Final = 12.0


@dataclass(frozen=True)
class Point:
    """One x label with its value and, if known, its interval."""

    x: str
    value: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Series:
    """A named line."""

    name: str
    points: list[Point] = field(default_factory=list)


def _range(series: Sequence[Series], percent: bool, reference: float | None) -> tuple[float, float]:
    values = [
        v for s in series for p in s.points for v in (p.value, p.low, p.high) if v is not None
    ]
    if reference is not None:
        values.append(reference)
    low, high = min(values), max(values)
    if percent:
        return min(0.0, low), max(1.0, high)
    if high - low < 1e-9:
        return low - 1.0, high + 1.0
    pad = (high - low) * 0.1
    return low - pad, high + pad


def _axis(lo: float, hi: float, percent: bool) -> str:
    parts = []
    for i in range(5):
        value = lo + (hi - lo) * i / 4
        y = TOP + PLOT_H * (1 - i / 4)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + PLOT_W}" y2="{y:.1f}" stroke="{GRID}"/>'
            + text(LEFT - 6, y + 4, number(round(value, 3), percent), "end", f' fill="{GREY}"')
        )
    return "".join(parts)


def line_chart(
    series: Sequence[Series],
    *,
    label: str,
    percent: bool = False,
    reference: float | None = None,
    reference_label: str = "",
    order: Sequence[str] = (),
) -> str:
    """Lines over the union of x labels (in `order` when given, else first-seen order);
    intervals as shaded bands; `reference` draws a dashed horizontal line (e.g. an alert
    threshold)."""
    drawn = [s for s in series if s.points]
    if not drawn:
        return empty(f"{label}: no data")
    xs: list[str] = list(dict.fromkeys(order))
    for s in drawn:
        xs.extend(p.x for p in s.points if p.x not in xs)
    lo, hi = _range(drawn, percent, reference)
    step = PLOT_W / max(len(xs) - 1, 1)

    def at(x: str, value: float) -> tuple[float, float]:
        px = LEFT + (xs.index(x) * step if len(xs) > 1 else PLOT_W / 2)
        return px, TOP + PLOT_H * (1 - (value - lo) / (hi - lo))

    parts = [_axis(lo, hi, percent)]
    for n, s in enumerate(drawn):
        colour = PALETTE[n % len(PALETTE)]
        banded = [p for p in s.points if p.low is not None and p.high is not None]
        if banded:
            upper = [at(p.x, p.high) for p in banded if p.high is not None]
            lower = [at(p.x, p.low) for p in reversed(banded) if p.low is not None]
            outline = " ".join(f"{x:.1f},{y:.1f}" for x, y in upper + lower)
            parts.append(f'<polygon class="band" points="{outline}" fill="{BAND}" opacity="0.6"/>')
        coords = [at(p.x, p.value) for p in s.points]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for p, (x, y) in zip(s.points, coords, strict=True):
            tip = f"{s.name} {p.x}: {number(p.value, percent)}"
            if p.low is not None and p.high is not None:
                tip += f" ({number(p.low, percent)} to {number(p.high, percent)})"
            parts.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(tip)}</title></circle>"
            )
    if reference is not None:
        _, y = at(xs[0], reference)
        parts.append(
            f'<line class="reference" x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + PLOT_W}" '
            f'y2="{y:.1f}" stroke="{RED}" stroke-dasharray="4 3"/>'
            + text(
                LEFT + PLOT_W,
                y - 4,
                reference_label or number(reference, percent),
                "end",
                f' fill="{RED}"',
            )
        )
    every = max(1, len(xs) // 8)
    for i, name in enumerate(xs):
        if i % every == 0:
            px, _ = at(name, lo)
            parts.append(text(px, TOP + PLOT_H + 16, short(name, 12), "middle", f' fill="{GREY}"'))
    legend_y = TOP + PLOT_H + 34
    if len(drawn) > 1:
        for n, s in enumerate(drawn):
            x = LEFT + n * 150
            parts.append(
                f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" '
                f'fill="{PALETTE[n % len(PALETTE)]}"/>' + text(x + 16, legend_y, short(s.name, 20))
            )
        legend_y += 14
    return svg(LEFT + PLOT_W + 48, legend_y, "".join(parts), label)
