"""The SVG frame every chart shares: the root element, escaped text, short labels, colours.

Charts are plain SVG attributes (no ``style`` attribute), so they render under a Content
Security Policy without 'unsafe-inline' and in a report opened from disk.
"""

from __future__ import annotations

from html import escape
from typing import Final

BLUE: Final = "#2563eb"
BAND: Final = "#bfdbfe"
RED: Final = "#dc2626"
GREY: Final = "#6b7280"
GRID: Final = "#e5e7eb"
PALETTE: Final = ("#2563eb", "#16a34a", "#d97706", "#9333ea", "#0891b2", "#db2777", "#4b5563")
FONT: Final = 'font-family="system-ui, sans-serif" font-size="12"'


def svg(width: float, height: float, body: str, label: str) -> str:
    """A root ``<svg>`` with an accessible name; `body` is already SVG markup."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" '
        f'class="chart" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" {FONT}><title>{escape(label)}</title>'
        f"{body}</svg>"
    )


def text(x: float, y: float, content: str, anchor: str = "start", extra: str = "") -> str:
    """A text element; `content` comes from data and is escaped."""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(content)}</text>'


def short(label: str, most: int = 24) -> str:
    """`label` cut to `most` characters with an ellipsis."""
    return label if len(label) <= most else label[: most - 1] + "…"


def number(value: float, percent: bool, digits: int = 0) -> str:
    """A value as a chart prints it: a percentage (with `digits` decimals), a count, or three
    decimals."""
    if percent:
        return f"{value:.{digits}%}"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.3f}"


def empty(message: str, width: float = 420) -> str:
    """A chart that says why it has nothing to draw."""
    return svg(width, 40, text(8, 24, message, extra=f' fill="{GREY}"'), message)
