"""A matrix as coloured cells (confusion matrices, annotator x annotator agreement)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Final

from mentor.charts.svg import GREY, empty, number, short, svg, text

CELL: Final = 44
LABEL_W: Final = 110


def _fill(share: float) -> str:
    # White to blue: the darker the cell, the larger its value.
    r = round(255 - share * (255 - 37))
    g = round(255 - share * (255 - 99))
    b = round(255 - share * (255 - 235))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    *,
    label: str,
    row_title: str = "",
    column_title: str = "",
    percent: bool = False,
) -> str:
    """`values[i][j]` in cell (row i, column j); None leaves a cell blank (e.g. the diagonal of
    an annotator matrix). Colour scales from 0 to the largest value (to 1 with `percent`)."""
    if not rows or not columns:
        return empty(f"{label}: no data")
    known = [v for row in values for v in row if v is not None]
    top = 1.0 if percent else max(known, default=0.0) or 1.0
    head = 34
    parts = [text(LABEL_W + CELL * len(columns) / 2, 12, column_title, "middle", f' fill="{GREY}"')]
    for j, name in enumerate(columns):
        parts.append(text(LABEL_W + j * CELL + CELL / 2, head - 6, short(name, 6), "middle"))
    for i, name in enumerate(rows):
        y = head + i * CELL
        parts.append(text(LABEL_W - 6, y + CELL / 2 + 4, short(name, 14), "end"))
        for j, value in enumerate(values[i]):
            x = LABEL_W + j * CELL
            if value is None:
                parts.append(
                    f'<rect x="{x}" y="{y}" width="{CELL - 2}" height="{CELL - 2}" fill="#f3f4f6"/>'
                )
                continue
            share = max(min(value / top, 1.0), 0.0)
            colour = "#ffffff" if share > 0.55 else "#111827"
            shown = number(value, percent)
            parts.append(
                f'<rect class="cell" x="{x}" y="{y}" width="{CELL - 2}" height="{CELL - 2}" '
                f'fill="{_fill(share)}"><title>{escape(rows[i])} / {escape(columns[j])}: '
                f"{escape(shown)}</title></rect>"
                + text(x + CELL / 2 - 1, y + CELL / 2 + 4, shown, "middle", f' fill="{colour}"')
            )
    bottom = head + len(rows) * CELL
    if row_title:
        parts.append(text(4, bottom + 16, f"rows: {row_title}", extra=f' fill="{GREY}"'))
    return svg(LABEL_W + CELL * len(columns) + 10, bottom + 22, "".join(parts), label)
