"""Reports as Markdown (renders on GitHub), as one self-contained HTML file (inline CSS and
SVG charts, no script, no external request) and as the body of the web app's pages.

All three come from the templates under ``mentor/web/templates/reports/`` and from nothing but
the report's data, so the same store gives the same bytes.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from mentor import report_pages
from mentor.analysis import issues_chart
from mentor.reports import figures, numbers
from mentor.reports.edits import block
from mentor.reports.quality_update import QualityUpdate
from mentor.reports.release_note import ReleaseNote

Report = QualityUpdate | ReleaseNote
STYLESHEET = "reports.css"


@cache
def stylesheet() -> str:
    """The reports' CSS (``mentor/web/static/reports.css``), inlined by the HTML files."""
    found = resources.files("mentor") / "web" / "static" / STYLESHEET
    return found.read_text(encoding="utf-8")


@cache
def _markdown_env() -> Environment:
    # Markdown is not HTML: text from data goes through numbers.cell instead of autoescape.
    return report_pages.environment().overlay(autoescape=False)


def _name(report: Report) -> str:
    return "quality-update" if isinstance(report, QualityUpdate) else "release-note"


def _actions(report: Report, kept: str | None) -> str:
    return kept if kept is not None else "\n".join(f"- {a}" for a in report.actions)


def markdown(report: Report, kept: str | None = None) -> str:
    """The report as Markdown; `kept` replaces the suggested next actions (a person's edits)."""
    template = _markdown_env().get_template(f"reports/{_name(report)}.md.j2")
    text = template.render(r=report, n=numbers, actions=block(_actions(report, kept)))
    return text.rstrip() + "\n"


def _quality_charts(report: QualityUpdate) -> dict[str, dict[str, Markup]]:
    charts = {}
    for s in report.suites:
        runs = [(f"#{s.latest.id} newest", s.scorecard.by_severity)]
        if s.baseline is not None and s.baseline_scorecard is not None:
            runs.insert(0, (f"#{s.baseline.id} baseline", s.baseline_scorecard.by_severity))
        found = {
            "trend": figures.pass_rate_trend(s.suite, s.pass_rates()),
            "tiers": figures.tier_intervals(
                runs, label="Pass rate by severity tier, 95% Wilson intervals"
            ),
        }
        if s.tracker is not None and s.errors_from.startswith("taxonomy"):
            found["issues"] = issues_chart(s.tracker)
        charts[s.suite] = {k: Markup(v) for k, v in found.items()}  # escaped by mentor.charts
    return charts


def _release_charts(report: ReleaseNote) -> dict[str, Markup]:
    names = (f"#{report.baseline.run.id} baseline", f"#{report.candidate.run.id} candidate")
    found = {
        "metrics": figures.metric_intervals(
            [
                (names[0], report.baseline.scorecard.metrics),
                (names[1], report.candidate.scorecard.metrics),
            ],
            label="Scorecard of both runs, 95% Wilson intervals",
        ),
        "tiers": figures.tier_intervals(
            [
                (names[0], report.baseline.scorecard.by_severity),
                (names[1], report.candidate.scorecard.by_severity),
            ],
            label="Pass rate per severity tier, 95% Wilson intervals",
        ),
    }
    return {k: Markup(v) for k, v in found.items()}  # escaped by mentor.charts


def code(text: str) -> Markup:
    """Text whose `backticked` parts show as code in HTML (the rest escaped)."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: show it as it is
        return Markup.escape(text)
    return Markup("").join(
        Markup("<code>{}</code>").format(p) if i % 2 else Markup.escape(p)
        for i, p in enumerate(parts)
    )


def body(report: Report, kept: str | None = None, *, web: bool = False) -> str:
    """The report's HTML body (for the web page and the file alike); `web` links run ids to
    the run pages (a file opened from disk links nowhere)."""
    context: dict[str, Any] = {
        "r": report,
        "n": numbers,
        "kept": kept,
        "web": web,
        "code": code,
    }
    if isinstance(report, QualityUpdate):
        context["charts"] = _quality_charts(report)
    else:
        context["charts"] = _release_charts(report)
    return report_pages.render(f"reports/{_name(report)}-body.html.j2", **context)


def html(report: Report, kept: str | None = None) -> str:
    """One self-contained HTML file: the body with the stylesheet inlined."""
    return report_pages.render(
        f"reports/{_name(report)}.html.j2",
        r=report,
        n=numbers,
        body=Markup(body(report, kept)),  # rendered autoescaped above
        stylesheet=Markup(stylesheet()),  # our own file
    )
