"""Horizontal bar charts as inline SVG (no script, no fonts or styles from elsewhere).

Labels come from data (check names, finding codes) and are escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Final

ROW: Final = 22
LABEL_W: Final = 180
BAR_W: Final = 420
VALUE_W: Final = 90


def _svg(height: int, body: str, label: str) -> str:
    width = LABEL_W + BAR_W + VALUE_W
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">{body}</svg>'
    )


def _label(y: int, text: str) -> str:
    short = text if len(text) <= 26 else text[:25] + "…"
    return f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end">{escape(short)}</text>'


def bar_chart(bars: Sequence[tuple[str, float]], percent: bool = False) -> str:
    """One bar per (label, value), scaled to the largest value (or to 100% with `percent`)."""
    top = 1.0 if percent else max((v for _, v in bars), default=0.0) or 1.0
    parts = []
    for i, (label, value) in enumerate(bars):
        y = i * ROW
        width = BAR_W * min(value / top, 1.0)
        shown = f"{value:.2%}" if percent else f"{value:,.0f}"
        parts.append(
            _label(y, label)
            + f'<rect x="{LABEL_W}" y="{y + 3}" width="{width:.1f}" height="{ROW - 6}" '
            f'fill="#2563eb"><title>{escape(label)}: {shown}</title></rect>'
            f'<text x="{LABEL_W + width + 6:.1f}" y="{y + 15}">{shown}</text>'
        )
    return _svg(max(len(bars), 1) * ROW, "".join(parts), "bar chart")


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[tuple[str, int]]]], colours: dict[str, str]
) -> str:
    """One bar per row, split into coloured (part, count) segments; a legend underneath."""
    top = max((sum(n for _, n in parts) for _, parts in rows), default=0) or 1
    out = []
    for i, (label, parts) in enumerate(rows):
        y, x = i * ROW, float(LABEL_W)
        out.append(_label(y, label))
        for part, n in parts:
            if not n:
                continue
            width = BAR_W * n / top
            out.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="{ROW - 6}" '
                f'fill="{colours[part]}"><title>{escape(label)} {escape(part)}: {n:,}'
                "</title></rect>"
            )
            x += width
        out.append(f'<text x="{x + 6:.1f}" y="{y + 15}">{sum(n for _, n in parts):,}</text>')
    legend_y = len(rows) * ROW + 6
    for j, (name, colour) in enumerate(colours.items()):
        x = LABEL_W + j * 84
        out.append(
            f'<rect x="{x}" y="{legend_y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{legend_y + 11}">{escape(name)}</text>'
        )
    return _svg(legend_y + 20, "".join(out), "stacked bar chart")
