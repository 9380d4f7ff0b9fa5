"""Writing what a scan found: findings as JSON Lines, streamed, and an HTML report with charts.

Both files appear only once complete (written beside, then renamed). The HTML report is one
self-contained page: charts are inline SVG, there is no script and nothing loads from elsewhere.
Every piece of text from the data is escaped, since a dataset can hold anything.

Its styles are one stylesheet, ``mentor/web/static/qa-report.css``: a report file embeds it, the
web app's report page links it (the app's Content-Security-Policy runs no inline style), and no
element carries a ``style`` attribute.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, is_dataclass
from functools import cache
from html import escape
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final

import orjson

from mentor.errors import InputError
from mentor.qa.charts import bar_chart, stacked_bars
from mentor.qa.findings import SEVERITIES, Finding
from mentor.qa.summary import Summary, worst_first

COLOURS: Final = {
    "critical": "#7f1d1d",
    "high": "#dc2626",
    "medium": "#f59e0b",
    "low": "#3b82f6",
    "info": "#9ca3af",
}
EVIDENCE_CHARS: Final = 300
DETAIL_BARS: Final = 15


def finding_json(finding: Finding) -> bytes:
    """One finding as a JSON object (record id, check, code, severity, span, evidence...)."""
    return orjson.dumps(asdict(finding))


def _open_partial(path: Path, where: str) -> tuple[Path, IO[bytes]]:
    partial = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return partial, partial.open("wb")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}", where=where) from exc


class FindingsWriter:
    """Streams findings to a JSON Lines file, one object a line; the file appears on success."""

    def __init__(self, path: Path, where: str = "--findings"):
        self.path = path
        self.count = 0
        self._partial, self._fh = _open_partial(path, where)

    def __call__(self, finding: Finding) -> None:
        self._fh.write(finding_json(finding) + b"\n")
        self.count += 1

    def __enter__(self) -> FindingsWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._fh.close()
        if kind is None:
            os.replace(self._partial, self.path)
        else:
            self._partial.unlink(missing_ok=True)


def write_html(summary: Summary, path: Path, title: str | None = None) -> Path:
    """Write the report page for `summary` to `path` and return it."""
    partial, fh = _open_partial(path, "--html")
    with fh:
        fh.write(render_html(summary, title).encode())
    os.replace(partial, path)
    return path


@cache
def stylesheet() -> str:
    """The report's CSS (``mentor/web/static/qa-report.css``)."""
    found = resources.files("mentor") / "web" / "static" / "qa-report.css"
    return found.read_text(encoding="utf-8")


def render_html(summary: Summary, title: str | None = None, *, css_href: str | None = None) -> str:
    """The report as one HTML page (inline SVG charts, no script): its stylesheet embedded, or
    linked from `css_href` (a page served under a Content-Security-Policy)."""
    heading = title or f"QA report: {summary.target}"
    style = (
        f'<link rel="stylesheet" href="{escape(css_href)}">'
        if css_href is not None
        else f"<style>\n{stylesheet()}</style>"
    )
    sections = [
        _overview(summary),
        _severity_chart(summary),
        _rate_chart(summary),
        *(_codes(summary, check) for check in summary.by_code if summary.by_code[check]),
        _details(summary),
        _worst(summary),
    ]
    body = "\n".join(s for s in sections if s)
    return _PAGE.format(title=escape(heading), style=style, body=body)


def _overview(s: Summary) -> str:
    rows = "".join(
        f"<tr><td>{escape(check)}</td>"
        + "".join(
            f"<td class=n>{s.by_severity.get(check, {}).get(sev, 0):,}</td>" for sev in SEVERITIES
        )
        + f"<td class=n>{s.affected.get(check, 0):,}</td><td class=n>{s.rate(check):.2%}</td></tr>"
        for check in s.by_severity
    )
    head = "".join(f"<th>{sev}</th>" for sev in SEVERITIES)
    invalid = (
        f"<p class=warn>{s.invalid_rows:,} rows could not be read as records.</p>"
        if s.invalid_rows
        else ""
    )
    return (
        f"<p>{s.records:,} records scanned, {s.findings:,} findings, checks: "
        f"{escape(', '.join(s.checks))}.</p>{invalid}"
        f"<table><tr><th>check</th>{head}<th>records affected</th><th>rate</th></tr>"
        f"{rows}</table>"
    )


def _severity_chart(s: Summary) -> str:
    rows = [
        (check, [(sev, counts.get(sev, 0)) for sev in SEVERITIES])
        for check, counts in s.by_severity.items()
    ]
    if not any(n for _, parts in rows for _, n in parts):
        return "<h2>Findings by check and severity</h2><p>No findings.</p>"
    return "<h2>Findings by check and severity</h2>" + stacked_bars(rows, COLOURS)


def _rate_chart(s: Summary) -> str:
    bars = [(check, s.rate(check)) for check in s.by_severity]
    return "<h2>Share of records affected</h2>" + bar_chart(bars, percent=True)


def _codes(s: Summary, check: str) -> str:
    top = list(s.by_code[check].items())[:12]
    return f"<h2>{escape(check)}: findings by kind</h2>" + bar_chart(
        [(c, float(n)) for c, n in top]
    )


@dataclass(frozen=True)
class DetailTable:
    """Corpus figures of one check as a table: `counts` (label -> records) or rows of fields."""

    check: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    counts: bool


def _pairs(value: Any) -> list[tuple[str, Any]]:
    if is_dataclass(value) and not isinstance(value, type):
        return [(f.name, getattr(value, f.name)) for f in fields(value)]
    return list(value.items()) if isinstance(value, Mapping) else []


def _is_count(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def detail_tables(summary: Summary) -> list[DetailTable]:
    """The ``details`` of every check as tables: each mapping of label to count, and each list
    of records (such as coverage's priority intents)."""
    tables = []
    for check, value in summary.details.items():
        for name, item in _pairs(value):
            title = name.replace("_", " ")
            if isinstance(item, Mapping) and item and all(map(_is_count, item.values())):
                rows = tuple((str(k), v) for k, v in item.items())
                tables.append(DetailTable(check, title, (title, "records"), rows, counts=True))
            elif isinstance(item, tuple | list) and item and all(_pairs(x) for x in item):
                columns = tuple(k for k, _ in _pairs(item[0]))
                rows = tuple(tuple(v for _, v in _pairs(x)) for x in item)
                tables.append(DetailTable(check, title, columns, rows, counts=False))
    return tables


def _details(s: Summary) -> str:
    out = []
    for t in detail_tables(s):
        title = f"<h2>{escape(t.check)}: {escape(t.title)}</h2>"
        if t.counts:
            shown = t.rows[:DETAIL_BARS]
            more = len(t.rows) - len(shown)
            chart = bar_chart([(str(k), float(v)) for k, v in shown])
            out.append(title + chart + (f"<p>and {more:,} more</p>" if more > 0 else ""))
            continue
        head = "".join(f"<th>{escape(c)}</th>" for c in t.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in t.rows
        )
        out.append(f"{title}<table><tr>{head}</tr>{rows}</table>")
    return "\n".join(out)


def _worst(s: Summary) -> str:
    found = worst_first(s)
    if not found:
        return ""
    rows = "".join(_finding_row(f) for f in found)
    return (
        "<h2>Worst examples</h2><table class=worst><tr><th>severity</th><th>check</th><th>kind</th>"
        f"<th>record</th><th>where</th><th>message</th><th>evidence</th></tr>{rows}</table>"
    )


def _finding_row(f: Finding) -> str:
    where = f"{f.span.field} [{f.span.start}:{f.span.end}]" if f.span else ""
    evidence = (
        f.evidence if len(f.evidence) <= EVIDENCE_CHARS else f.evidence[:EVIDENCE_CHARS] + "…"
    )
    cells: list[Any] = [f.check, f.code, f.record_id, where, f.message, evidence]
    return (
        f'<tr><td><span class="sev sev-{escape(f.severity)}">{escape(f.severity)}</span></td>'
        + "".join(f"<td>{escape(str(c))}</td>" for c in cells)
        + "</tr>"
    )


_PAGE: Final = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
{style}</head>
<body class="qa-report"><h1>{title}</h1>
{body}
</body></html>
"""
