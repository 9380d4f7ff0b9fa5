"""Pieces of the quality pages as HTML: numbers as people read them, tables, escaped text."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

NO_DATA = "no data"


def pct(value: float | None) -> str:
    """A share as a percentage, or an em dash."""
    return "—" if value is None else f"{value:.1%}"


def num(value: float | None, digits: int = 3) -> str:
    """A statistic with `digits` decimals, or an em dash."""
    return "—" if value is None else f"{value:.{digits}f}"


def interval(low: float | None, high: float | None, percent: bool = False) -> str:
    """A 95% interval as ``low to high``, or empty."""
    if low is None or high is None:
        return ""
    shown = pct if percent else num
    return f"{shown(low)} to {shown(high)}"


def seconds(value: float | None) -> str:
    """A duration in seconds, or an em dash."""
    return "—" if value is None else f"{value:,.1f} s"


def cell(value: object, cls: str = "") -> str:
    """A table cell; plain values are escaped, :class:`Raw` is not."""
    body = value.html if isinstance(value, Raw) else escape(str(value))
    return f'<td class="{cls}">{body}</td>' if cls else f"<td>{body}</td>"


class Raw:
    """HTML already escaped (a link, a chart)."""

    def __init__(self, html: str):
        self.html = html


def link(href: str, text: str) -> Raw:
    """An escaped link."""
    return Raw(f'<a href="{escape(href)}">{escape(text)}</a>')


def table(columns: Sequence[str], rows: Sequence[Sequence[object]], cls: str = "") -> str:
    """A table with a header row; numeric-looking columns are right-aligned by CSS class."""
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    head = f"<thead><tr>{head}</tr></thead>" if any(columns) else ""
    body = "".join("<tr>" + "".join(cell(v) for v in row) + "</tr>" for row in rows)
    attr = f' class="{cls}"' if cls else ""
    return f"<table{attr}>{head}<tbody>{body}</tbody></table>"


def section(title: str, *parts: str, anchor: str = "") -> str:
    """A titled section; `parts` are HTML."""
    ident = f' id="{escape(anchor)}"' if anchor else ""
    return f'<section class="quality"{ident}><h2>{escape(title)}</h2>{"".join(parts)}</section>'


def figure(svg: str, caption: str) -> str:
    """A chart with its caption."""
    return f'<figure class="chart">{svg}<figcaption>{escape(caption)}</figcaption></figure>'


def note(text: str) -> str:
    """A "no data" or explanatory line."""
    return f'<p class="no-data">{escape(text)}</p>'
