"""The project quality report and the annotator page as HTML: a fragment for the web app's
pages, or one self-contained file (inline SVG charts, no script) for `--html`. Both are the same
templates (``web/templates/reports/``); the file embeds ``web/static/quality-report.css``."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

from mentor.errors import InputError
from mentor.quality import dashboard as charts
from mentor.quality.annotators import AnnotatorQuality
from mentor.quality.kpis import Kpi, KpiReport
from mentor.quality.model_kpi_trends import TREND_CAPTION, kpi_trend_chart
from mentor.quality.numbers import NO_DATA, interval, num, pct, seconds
from mentor.quality.project_quality import ProjectQuality
from mentor.quality.questions import QuestionQuality
from mentor.quality.report_parts import (
    Cell,
    Line,
    Link,
    Part,
    Section,
    Span,
    Table,
    figure,
    fragment,
    note,
    page,
)

Linker = Callable[[str], str | None]


@cache
def stylesheet() -> str:
    """The report file's CSS (``mentor/web/static/quality-report.css``)."""
    found = resources.files("mentor") / "web" / "static" / "quality-report.css"
    return found.read_text(encoding="utf-8")


def _overview(q: ProjectQuality) -> Table:
    p = q.progress
    rows: list[list[Cell]] = [
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
    return Table(["", ""], rows, "overview")


def _question(qq: QuestionQuality) -> Section:
    if qq.report is None:
        return Section(f"Agreement: {qq.name}", [note(f"{NO_DATA}: {qq.undefined}")])
    metrics = qq.report.metrics + qq.extra
    rows: list[list[Cell]] = [
        [m.name, num(m.value), interval(m.low, m.high), m.n_items or "", m.undefined or ""]
        for m in metrics
    ]
    per_label: list[list[Cell]] = [
        [
            m.name.removeprefix("specific agreement: "),
            num(m.value),
            interval(m.low, m.high),
            m.n_items or "",
            m.undefined or "",
        ]
        for m in qq.report.per_label
    ]
    return Section(
        f"Agreement: {qq.name} ({qq.level})",
        [
            Table(["statistic", "value", "95% CI", "items", "note"], rows, "metrics"),
            Line("Per label (specific agreement)", "heading"),
            Table(["label", "value", "95% CI", "labels", "note"], per_label, "metrics"),
        ],
    )


def _people(q: ProjectQuality, linker: Linker) -> Table:
    rows: list[list[Cell]] = []
    for p in q.people:
        target = linker(p.annotator)
        name: Cell = Link(target, p.annotator) if target else p.annotator
        majority = next((c for c in p.consensus if c.method == "majority"), None)
        skene = next((c for c in p.consensus if c.method == "dawid-skene"), None)
        rows.append(
            [
                name,
                p.labels,
                f"{pct(p.gold_accuracy)} ({p.gold_answered})" if p.gold_answered else NO_DATA,
                pct(p.rolling_gold),
                Span("alert", p.alert) if p.alert else "",
                pct(majority.value) if majority and majority.value is not None else NO_DATA,
                pct(skene.value) if skene and skene.value is not None else NO_DATA,
                f"{pct(p.review_pass_rate)} of {p.reviewed}" if p.reviewed else NO_DATA,
                seconds(p.median_seconds),
            ]
        )
    return Table(
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


def _drift(q: ProjectQuality) -> Section:
    rounds: list[list[Cell]] = [
        [
            r.key,
            r.labels,
            f"{pct(r.gold.value)} ({r.gold.n})" if r.gold.n else NO_DATA,
            f"{pct(r.agreement.value)} ({r.agreement.n} pairs)" if r.agreement.n else NO_DATA,
        ]
        for r in q.drift.rounds
    ]
    changes: list[list[Cell]] = [
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
    parts: list[Table | Line] = [
        Table(["round", "labels", "gold accuracy (n)", "agreement (pairs)"], rounds)
    ]
    if changes:
        parts.append(
            Table(["metric", "rounds", "before", "after", "change", "z", "p", "p < 0.05"], changes)
        )
    else:
        parts.append(note(f"{NO_DATA}: one round only, nothing to compare"))
    return Section(f"Drift between calibration rounds (by {q.drift.by})", parts)


def project_body(q: ProjectQuality, linker: Linker = lambda _: None) -> str:
    """The report's sections as an HTML fragment; `linker` gives each annotator's page."""
    return fragment(_project_sections(q, linker))


def _project_sections(q: ProjectQuality, linker: Linker) -> list[Section]:
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
    return [
        Section("Overview", [_overview(q)]),
        Section("Charts", figures),
        *(_question(qq) for qq in q.questions),
        Section("Annotators", [_people(q, linker)]),
        _drift(q),
    ]


def annotator_body(p: AnnotatorQuality, threshold: float) -> str:
    """One annotator's page as an HTML fragment."""
    consensus: list[list[Cell]] = [
        [
            c.method,
            pct(c.value),
            interval(c.low, c.high, True),
            f"{c.agreed} of {c.compared}",
            c.undefined or "",
        ]
        for c in p.consensus
    ]
    summary: list[list[Cell]] = [
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
    alert = [Line(p.alert, "alert")] if p.alert else []
    trend = figure(
        charts.gold_trend_chart(p, threshold), "Each gold answer and the rolling accuracy"
    )
    return fragment(
        [
            Section("Summary", [*alert, Table(["", ""], summary, "overview")]),
            Section("Gold accuracy over time", [trend]),
            Section(
                "Agreement with consensus of the others",
                [
                    Table(["consensus", "agreement", "95% CI", "items", "note"], consensus)
                    if consensus
                    else note(f"{NO_DATA}: no label yet")
                ],
            ),
            Section(
                "Throughput", [figure(charts.throughput_chart(p.throughput), "Labels per period")]
            ),
        ]
    )


def write_report(q: ProjectQuality, path: str | Path) -> Path:
    """Write the project's report as one HTML file."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        html = page(
            f"Quality report: {q.project}", _project_sections(q, lambda _: None), stylesheet()
        )
        path.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot write the report: {exc.strerror or exc}", where=str(path)
        ) from exc
    return path


def _kpi_table(kpis: list[Kpi], css: str) -> Table:
    rows: list[list[Cell]] = []
    for k in kpis:
        shown = Span("value" if k.value is not None else "no-data", k.shown)
        parts = "; ".join(
            f"{p.label}: {_part(p.value, k.unit)}{f' ({p.note})' if p.note else ''}"
            for p in k.parts
        )
        rows.append(
            [k.name, shown, interval(k.low, k.high, k.unit == "share"), k.definition, parts]
        )
    return Table(["KPI", "value", "95% CI", "definition", "behind it"], rows, css)


def _model_trends(kpis: list[Kpi]) -> list[Part]:
    found: list[Part] = []
    for k in kpis:
        if k.trend:
            caption = f"{k.name}: {TREND_CAPTION[k.unit != 'share']}"
            found.append(figure(kpi_trend_chart(k), caption))
        else:
            found.append(note(f"{k.name} over time: {NO_DATA}: {k.no_data or 'no point yet'}"))
    return found


def kpis_body(report: KpiReport) -> str:
    """The workspace KPIs as an HTML fragment: value or "no data" with the reason, interval,
    definition, and the projects or releases behind each; the model-side KPIs with their
    trend charts."""
    computed = (
        f"Computed {report.computed_at:%Y-%m-%d %H:%M} UTC over {len(report.projects)} "
        f"projects and {len(report.releases)} releases."
    )
    data = Section("KPIs", [_kpi_table(report.kpis, "kpis"), note(computed)])
    over = f"Computed over {len(report.suites)} eval suites ({', '.join(report.suites) or 'none'})."
    model = Section(
        "Model KPIs",
        [
            _kpi_table(report.model_kpis, "kpis model-kpis"),
            note(over),
            *_model_trends(report.model_kpis),
        ],
        "model-kpis",
    )
    return fragment([data, model])


def _part(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "share":
        return pct(value)
    if unit == "alpha":
        return num(value)
    return f"{value:,.1f}"
