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
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final

import orjson
from markupsafe import Markup

from mentor.charts import Bar, bar_chart, stacked_bars
from mentor.datasets.targets import check_target
from mentor.errors import InputError
from mentor.qa.findings import SEVERITIES, Finding
from mentor.qa.summary import Summary, worst_first
from mentor.report_pages import render

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


def check_output(path: Path, where: str) -> None:
    """Refuse, before any work, an output path that is not a regular file or a new path (a
    folder, a device, a link) or whose folder cannot be made (`where`: the flag)."""
    check_target(path, where, parents=True)


def _open_partial(path: Path, where: str) -> tuple[Path, IO[bytes]]:
    check_output(path, where)
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
        self.where = where
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
            _finish(self._partial, self.path, self.where)
        else:
            self._partial.unlink(missing_ok=True)


def _finish(partial: Path, path: Path, where: str) -> None:
    """Rename the complete `partial` over `path`; on failure, remove it and name `where`."""
    try:
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}", where=where) from exc


def write_html(summary: Summary, path: Path, title: str | None = None) -> Path:
    """Write the report page for `summary` to `path` and return it."""
    partial, fh = _open_partial(path, "--html")
    try:
        with fh:
            fh.write(render_html(summary, title).encode())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _finish(partial, path, "--html")
    return path


@cache
def stylesheet() -> str:
    """The report's CSS (``mentor/web/static/qa-report.css``)."""
    found = resources.files("mentor") / "web" / "static" / "qa-report.css"
    return found.read_text(encoding="utf-8")


def render_html(summary: Summary, title: str | None = None, *, css_href: str | None = None) -> str:
    """The report as one HTML page (inline SVG charts, no script): its stylesheet embedded, or
    linked from `css_href` (a page served under a Content-Security-Policy)."""
    s = summary
    codes = [(check, _chart_of(s.by_code[check])) for check in s.by_code if s.by_code[check]]
    return render(
        "reports/qa.html",
        title=title or f"QA report: {s.target}",
        css_href=css_href,
        stylesheet=Markup(stylesheet()),  # our own file, embedded as it is
        s=s,
        severities=SEVERITIES,
        overview=[_overview_row(s, check) for check in s.by_severity],
        severity_chart=_severity_chart(s),
        rate_chart=Markup(
            bar_chart(
                [Bar(check, s.rate(check)) for check in s.by_severity],
                label="Share of records affected",
                percent=True,
                digits=2,
            )
        ),
        codes=codes,
        details=[_detail(t) for t in detail_tables(s)],
        worst=[_worst_row(f) for f in worst_first(s)],
    )


@dataclass(frozen=True)
class _OverviewRow:
    check: str
    counts: list[int]
    affected: int
    rate: float


def _overview_row(s: Summary, check: str) -> _OverviewRow:
    counts = [s.by_severity.get(check, {}).get(sev, 0) for sev in SEVERITIES]
    return _OverviewRow(check, counts, s.affected.get(check, 0), s.rate(check))


def _severity_chart(s: Summary) -> Markup | None:
    rows = [
        (check, [(sev, counts.get(sev, 0)) for sev in SEVERITIES])
        for check, counts in s.by_severity.items()
    ]
    if not any(n for _, parts in rows for _, n in parts):
        return None
    return Markup(stacked_bars(rows, COLOURS, label="Findings by check and severity"))


def _chart_of(counts: Mapping[str, int | float], most: int = 12) -> Markup:
    bars = [Bar(str(k), float(n)) for k, n in list(counts.items())[:most]]
    return Markup(bar_chart(bars, label="Findings by kind"))


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


@dataclass(frozen=True)
class _Detail:
    table: DetailTable
    chart: Markup | None
    more: int


def _detail(t: DetailTable) -> _Detail:
    if not t.counts:
        return _Detail(t, None, 0)
    shown = dict(t.rows[:DETAIL_BARS])
    return _Detail(t, _chart_of(shown, DETAIL_BARS), len(t.rows) - len(shown))


@dataclass(frozen=True)
class _WorstRow:
    severity: str
    check: str
    code: str
    record_id: str
    where: str
    message: str
    evidence: str


def _worst_row(f: Finding) -> _WorstRow:
    where = f"{f.span.field} [{f.span.start}:{f.span.end}]" if f.span else ""
    evidence = (
        f.evidence if len(f.evidence) <= EVIDENCE_CHARS else f.evidence[:EVIDENCE_CHARS] + "…"
    )
    return _WorstRow(f.severity, f.check, f.code, str(f.record_id), where, f.message, evidence)
