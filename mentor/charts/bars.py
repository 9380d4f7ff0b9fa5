"""Bar charts: horizontal bars with optional interval whiskers and a reference line, and
columns over time (counts per week)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Final

from mentor.charts.svg import BLUE, GREY, GRID, RED, empty, number, short, svg, text

ROW: Final = 24
LABEL_W: Final = 150
BAR_W: Final = 360
VALUE_W: Final = 110


@dataclass(frozen=True)
class Bar:
    """One bar: a label, a value, and optionally an interval drawn as a whisker."""

    label: str
    value: float
    low: float | None = None
    high: float | None = None
    note: str = ""


def _whisker(bar: Bar, y: float, scale: float) -> str:
    if bar.low is None or bar.high is None:
        return ""
    x1, x2, mid = LABEL_W + bar.low * scale, LABEL_W + bar.high * scale, y + ROW / 2
    return (
        f'<line class="ci" x1="{x1:.1f}" y1="{mid:.1f}" x2="{x2:.1f}" y2="{mid:.1f}" '
        f'stroke="#111827" stroke-width="1.5"/>'
        f'<line x1="{x1:.1f}" y1="{mid - 5:.1f}" x2="{x1:.1f}" y2="{mid + 5:.1f}" '
        f'stroke="#111827"/><line x1="{x2:.1f}" y1="{mid - 5:.1f}" x2="{x2:.1f}" '
        f'y2="{mid + 5:.1f}" stroke="#111827"/>'
    )


def bar_chart(
    bars: Sequence[Bar],
    *,
    label: str,
    percent: bool = False,
    reference: float | None = None,
    reference_label: str = "",
    digits: int = 0,
) -> str:
    """One horizontal bar per item, scaled to 100% with `percent` (else to the largest value),
    percentages shown with `digits` decimals; `reference` draws a dashed vertical line (e.g. an
    alert threshold)."""
    if not bars:
        return empty(f"{label}: no data")
    top = 1.0 if percent else max(max(b.high or b.value for b in bars), reference or 0) or 1.0
    scale = BAR_W / top
    parts = []
    for i, bar in enumerate(bars):
        y = i * ROW
        width = max(bar.value, 0.0) * scale
        shown = number(bar.value, percent, digits)
        if bar.low is not None and bar.high is not None:
            shown += f" ({number(bar.low, percent, digits)} to {number(bar.high, percent, digits)})"
        parts.append(
            text(LABEL_W - 8, y + 16, short(bar.label), "end")
            + f'<rect class="bar" x="{LABEL_W}" y="{y + 4}" width="{width:.1f}" '
            f'height="{ROW - 8}" fill="{BLUE}"><title>{escape(bar.label)}: {escape(shown)}'
            f"{escape(' ' + bar.note if bar.note else '')}</title></rect>"
            + _whisker(bar, y, scale)
            + text(LABEL_W + BAR_W + 6, y + 16, shown)
        )
    height = len(bars) * ROW
    if reference is not None:
        x = LABEL_W + reference * scale
        parts.append(
            f'<line class="reference" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" '
            f'stroke="{RED}" stroke-dasharray="4 3"/>'
            + text(
                x,
                height + 14,
                reference_label or number(reference, percent),
                "middle",
                f' fill="{RED}"',
            )
        )
        height += 18
    return svg(LABEL_W + BAR_W + VALUE_W + 60, height, "".join(parts), label)


def column_chart(columns: Sequence[tuple[str, float]], *, label: str) -> str:
    """Vertical columns in order (e.g. labels per week), each with its count above it."""
    if not columns:
        return empty(f"{label}: no data")
    width_each = max(min(72.0, 560.0 / len(columns)), 8.0)
    plot_h, top = 160.0, max(v for _, v in columns) or 1.0
    parts = [
        f'<line x1="30" y1="{plot_h + 26}" x2="{30 + width_each * len(columns)}" '
        f'y2="{plot_h + 26}" stroke="{GRID}"/>'
    ]
    every = max(1, len(columns) // 8)
    for i, (name, value) in enumerate(columns):
        h = plot_h * value / top
        x = 30 + i * width_each
        parts.append(
            f'<rect class="column" x="{x + 2:.1f}" y="{plot_h + 26 - h:.1f}" '
            f'width="{width_each - 4:.1f}" height="{h:.1f}" fill="{BLUE}">'
            f"<title>{escape(name)}: {number(value, False)}</title></rect>"
            + text(x + width_each / 2, plot_h + 22 - h, number(value, False), "middle")
        )
        if i % every == 0:
            parts.append(
                text(x + width_each / 2, plot_h + 42, short(name, 10), "middle", f' fill="{GREY}"')
            )
    return svg(60 + width_each * len(columns), plot_h + 52, "".join(parts), label)
