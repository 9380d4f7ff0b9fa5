"""The project quality report and the annotator page as HTML: a fragment for the web app's
pages, or one self-contained file (inline SVG charts, no script) for `--html`."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from mentor.errors import InputError
from mentor.quality import dashboard as charts
from mentor.quality.annotators import AnnotatorQuality
from mentor.quality.html_tables import (
    NO_DATA,
    Raw,
    figure,
    interval,
    link,
    note,
    num,
    pct,
    seconds,
    section,
    table,
)
from mentor.quality.kpis import KpiReport
from mentor.quality.project_quality import ProjectQuality
from mentor.quality.questions import QuestionQuality

Linker = Callable[[str], str | None]
STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#111827;max-width:72rem}"
    "table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border-bottom:1px solid #e5e7eb;"
    "padding:.25rem .6rem;text-align:left}th{background:#f9fafb}.no-data{color:#6b7280}"
    ".alert{color:#b91c1c;font-weight:600}figure.chart{display:inline-block;margin:0 1rem 1rem 0}"
    "figcaption{color:#6b7280;font-size:.85rem}.kpis .value{font-weight:600}"
)


def _overview(q: ProjectQuality) -> str:
    p = q.progress
    rows = [
        ["task type", q.task_type],
        ["guideline", q.guideline],
        [
            "items",
            f"{p.items:,} ({p.done:,} done, {p.disputed:,} disputed, "
            f"{p.in_progress:,} in progress, {p.remaining:,} not started)",
        ],
        ["labels (gold left out)", f"{q.labels:,} from {len(q.annotators)} annotators"],
        [
            "gold accuracy",
            f"{pct(q.gold.value)} (95% CI {interval(q.gold.low, q.gold.high, True)}) "
            f"over {q.gold.n:,} gold answers"
            if q.gold.n
            else NO_DATA + ": no gold answer yet",
        ],
        [
            "review pass rate",
            f"{pct(q.review_pass.value)} of {q.review_pass.n:,} reviewed"
            if q.review_pass.n
            else NO_DATA + ": nothing reviewed yet",
        ],
        ["clarifications", f"{q.clarifications} asked, {q.clarifications_answered} answered"],
    ]
    return table(["", ""], rows, "overview")


def _question(qq: QuestionQuality) -> str:
    if qq.report is None:
        return section(f"Agreement: {qq.name}", note(f"{NO_DATA}: {qq.undefined}"))
    metrics = qq.report.metrics + qq.extra
    rows = [
        [m.name, num(m.value), interval(m.low, m.high), m.n_items or "", m.undefined or ""]
        for m in metrics
    ]
    per_label = [
        [
            m.name.removeprefix("specific agreement: "),
            num(m.value),
            interval(m.low, m.high),
            m.n_items or "",
            m.undefined or "",
        ]
        for m in qq.report.per_label
    ]
    return section(
        f"Agreement: {qq.name} ({qq.level})",
        table(["statistic", "value", "95% CI", "items", "note"], rows, "metrics"),
        "<h3>Per label (specific agreement)</h3>",
        table(["label", "value", "95% CI", "labels", "note"], per_label, "metrics"),
    )


def _people(q: ProjectQuality, linker: Linker) -> str:
    rows = []
    for p in q.people:
        target = linker(p.annotator)
        name: object = link(target, p.annotator) if target else p.annotator
        majority = next((c for c in p.consensus if c.method == "majority"), None)
        skene = next((c for c in p.consensus if c.method == "dawid-skene"), None)
        rows.append(
            [
                name,
                p.labels,
                f"{pct(p.gold_accuracy)} ({p.gold_answered})" if p.gold_answered else NO_DATA,
                pct(p.rolling_gold),
                Raw(f'<span class="alert">{escape(p.alert)}</span>') if p.alert else "",
                pct(majority.value) if majority and majority.value is not None else NO_DATA,
                pct(skene.value) if skene and skene.value is not None else NO_DATA,
                f"{pct(p.review_pass_rate)} of {p.reviewed}" if p.reviewed else NO_DATA,
                seconds(p.median_seconds),
            ]
        )
    return table(
        [
            "annotator",
            "labels",
            "gold accuracy (n)",
            "rolling gold",
            "alert",
            "agrees with majority",
            "agrees with Dawid-Skene",
            "review pass",
            "median time",
        ],
        rows,
        "people",
    )


def _drift(q: ProjectQuality) -> str:
    rounds = [
        [
            r.key,
            r.labels,
            f"{pct(r.gold.value)} ({r.gold.n})" if r.gold.n else NO_DATA,
            f"{pct(r.agreement.value)} ({r.agreement.n} pairs)" if r.agreement.n else NO_DATA,
        ]
        for r in q.drift.rounds
    ]
    changes = [
        [
            c.metric,
            f"{c.before_round} → {c.after_round}",
            pct(c.test.before),
            pct(c.test.after),
            f"{c.test.difference:+.1%}",
            num(c.test.z, 2),
            num(c.test.p_value, 4),
            "yes" if c.significant else "no",
        ]
        for c in q.drift.changes
    ]
    body = table(["round", "labels", "gold accuracy (n)", "agreement (pairs)"], rounds)
    if changes:
        body += table(
            ["metric", "rounds", "before", "after", "change", "z", "p", "p < 0.05"], changes
        )
    else:
        body += note(f"{NO_DATA}: one round only, nothing to compare")
    return section(f"Drift between calibration rounds (by {q.drift.by})", body)


def project_body(q: ProjectQuality, linker: Linker = lambda _: None) -> str:
    """The report's sections as an HTML fragment; `linker` gives each annotator's page."""
    first = q.questions[0] if q.questions else None
    figures = [
        figure(charts.throughput_chart(q.throughput), f"Labels per {q.config.period}"),
        figure(charts.trend_chart(q), f"Percent agreement per {q.config.period}, 95% band"),
        figure(charts.gold_chart(q), "Gold accuracy per annotator, 95% Wilson interval"),
    ]
    if first is not None:
        figures += [
            figure(charts.distribution_chart(first.distribution), f"Labels given: {first.name}"),
            figure(
                charts.matrix_chart(
                    first.pairs, "Labels of annotator pairs", "one annotator", "another annotator"
                ),
                "Confusion between annotators on the same item (each ordered pair)",
            ),
            figure(charts.annotator_matrix(q), "Percent agreement between annotators"),
        ]
    if q.gold_confusion.total:
        figures.append(
            figure(
                charts.matrix_chart(
                    q.gold_confusion,
                    "Gold answer against label",
                    "gold answer",
                    "annotator's label",
                ),
                "Gold items: known answer (rows) against annotators' labels",
            )
        )
    return "".join(
        [
            section("Overview", _overview(q)),
            section("Charts", *figures),
            *(_question(qq) for qq in q.questions),
            section("Annotators", _people(q, linker)),
            _drift(q),
        ]
    )


def annotator_body(p: AnnotatorQuality, threshold: float) -> str:
    """One annotator's page as an HTML fragment."""
    consensus = [
        [
            c.method,
            pct(c.value),
            interval(c.low, c.high, True),
            f"{c.agreed} of {c.compared}",
            c.undefined or "",
        ]
        for c in p.consensus
    ]
    summary = [
        ["labels (gold left out)", f"{p.labels:,}"],
        [
            "gold accuracy",
            f"{pct(p.gold_accuracy)} (95% CI {interval(p.gold_low, p.gold_high, True)}) over "
            f"{p.gold_answered} gold items"
            if p.gold_answered
            else NO_DATA + ": no gold item answered yet",
        ],
        ["rolling gold accuracy", pct(p.rolling_gold)],
        [
            "review pass rate",
            f"{pct(p.review_pass_rate)} of {p.reviewed} reviewed"
            if p.reviewed
            else NO_DATA + ": nothing reviewed yet",
        ],
        ["time per item", f"median {seconds(p.median_seconds)}, mean {seconds(p.mean_seconds)}"],
    ]
    alert = f'<p class="alert">{escape(p.alert)}</p>' if p.alert else ""
    return "".join(
        [
            section("Summary", alert, table(["", ""], summary, "overview")),
            section(
                "Gold accuracy over time",
                figure(
                    charts.gold_trend_chart(p, threshold),
                    "Each gold answer and the rolling accuracy",
                ),
            ),
            section(
                "Agreement with consensus of the others",
                table(["consensus", "agreement", "95% CI", "items", "note"], consensus)
                if consensus
                else note(f"{NO_DATA}: no label yet"),
            ),
            section(
                "Throughput", figure(charts.throughput_chart(p.throughput), "Labels per period")
            ),
        ]
    )


def page(title: str, body: str) -> str:
    """A self-contained HTML page."""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title><style>{STYLE}</style></head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )


def write_report(q: ProjectQuality, path: str | Path) -> Path:
    """Write the project's report as one HTML file."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page(f"Quality report: {q.project}", project_body(q)), encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot write the report: {exc.strerror or exc}", where=str(path)
        ) from exc
    return path


def kpis_body(report: KpiReport) -> str:
    """The workspace KPIs as an HTML fragment: value or "no data" with the reason, interval,
    definition, and the projects or releases behind each."""
    rows = []
    for k in report.kpis:
        shown = (
            Raw(f'<span class="value">{escape(k.shown)}</span>')
            if k.value is not None
            else (Raw(f'<span class="no-data">{escape(k.shown)}</span>'))
        )
        parts = "; ".join(
            f"{p.label}: {_part(p.value, k.unit)}{f' ({p.note})' if p.note else ''}"
            for p in k.parts
        )
        rows.append(
            [k.name, shown, interval(k.low, k.high, k.unit == "share"), k.definition, parts]
        )
    return section(
        "KPIs",
        table(["KPI", "value", "95% CI", "definition", "behind it"], rows, "kpis"),
        note(
            f"Computed {report.computed_at:%Y-%m-%d %H:%M} UTC over {len(report.projects)} "
            f"projects and {len(report.releases)} releases."
        ),
    )


def _part(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "share":
        return pct(value)
    if unit == "alpha":
        return num(value)
    return f"{value:,.1f}"
