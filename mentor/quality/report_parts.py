"""What a quality report is made of, as data for its templates (``web/templates/reports/``):
sections of tables, charts and notes. The templates escape every text; only chart SVG from
:mod:`mentor.charts`, escaped as it was built, goes in as markup."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from markupsafe import Markup

from mentor.report_pages import render


@dataclass(frozen=True)
class Link:
    """A table cell that links to another page."""

    href: str
    text: str


@dataclass(frozen=True)
class Span:
    """A table cell shown with a CSS class (``alert``, ``value``, ``no-data``)."""

    css: str
    text: str


Cell = str | int | Link | Span


@dataclass(frozen=True)
class Table:
    """A table; an all-empty `columns` leaves out the header row."""

    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    css: str = ""
    kind: Literal["table"] = "table"


@dataclass(frozen=True)
class Figure:
    """A chart with its caption."""

    svg: Markup
    caption: str
    kind: Literal["figure"] = "figure"


@dataclass(frozen=True)
class Line:
    """A line of text: a "no data" note, an alert or a heading."""

    text: str
    kind: Literal["note", "alert", "heading"] = "note"


Part = Table | Figure | Line


@dataclass(frozen=True)
class Section:
    """A titled section of the report."""

    title: str
    parts: Sequence[Part] = field(default_factory=list)
    anchor: str = ""


def figure(svg: str, caption: str) -> Figure:
    """A chart (SVG from :mod:`mentor.charts`) with its caption."""
    return Figure(Markup(svg), caption)


def note(text: str) -> Line:
    """A "no data" or explanatory line."""
    return Line(text)


def fragment(found: Sequence[Section]) -> str:
    """The sections as an HTML fragment (for the web app's pages)."""
    return render("reports/quality_body.html", found=found)


def page(title: str, found: Sequence[Section], stylesheet: str) -> str:
    """The sections as one self-contained HTML page with `stylesheet` embedded."""
    return render("reports/quality.html", title=title, found=found, stylesheet=Markup(stylesheet))
