"""Stacked bars: one bar per row split into coloured parts (findings by check and severity),
with a legend underneath."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Final

from mentor.charts.svg import empty, short, svg, text

ROW: Final = 22
LABEL_W: Final = 180
BAR_W: Final = 420
VALUE_W: Final = 90


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[tuple[str, int]]]],
    colours: Mapping[str, str],
    *,
    label: str,
) -> str:
    """One bar per (row label, [(part, count), ...]), each part in `colours[part]`, the total at
    its end; the bars scale to the largest total."""
    if not rows:
        return empty(f"{label}: no data")
    top = max(sum(n for _, n in parts) for _, parts in rows) or 1
    out = []
    for i, (name, parts) in enumerate(rows):
        y, x = i * ROW, float(LABEL_W)
        out.append(text(LABEL_W - 8, y + 15, short(name, 26), "end"))
        for part, n in parts:
            if not n:
                continue
            width = BAR_W * n / top
            out.append(
                f'<rect class="part" x="{x:.1f}" y="{y + 3}" width="{width:.1f}" '
                f'height="{ROW - 6}" fill="{escape(colours[part])}"><title>{escape(name)} '
                f"{escape(part)}: {n:,}</title></rect>"
            )
            x += width
        out.append(text(x + 6, y + 15, f"{sum(n for _, n in parts):,}"))
    legend_y = len(rows) * ROW + 6
    for j, (part, colour) in enumerate(colours.items()):
        x = LABEL_W + j * 84
        out.append(
            f'<rect x="{x}" y="{legend_y}" width="12" height="12" fill="{escape(colour)}"/>'
            + text(x + 16, legend_y + 11, part)
        )
    return svg(LABEL_W + BAR_W + VALUE_W, legend_y + 20, "".join(out), label)
