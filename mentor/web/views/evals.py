"""Evaluation pages: the runs, and one run (its scorecard and its cases, filtered by status).

The side-by-side comparison of two runs and gating a run are in :mod:`.evals_compare`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from itertools import islice
from typing import Annotated, Final

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from mentor.analysis import Tag
from mentor.charts import interval_chart
from mentor.errors import InputError
from mentor.evals import Metric, RunInfo
from mentor.evals.human_grades import GRADE_SOURCES
from mentor.evals.scorecards import METRICS
from mentor.web import nav, render
from mentor.web.eval_charts import group_rows, metric_rows
from mentor.web.ids import PathId
from mentor.web.session import Permission, require
from mentor.web.workspace import CurrentWorkspace

router = APIRouter(dependencies=[require(Permission.VIEW_DATA)])
nav.add_link("Evals", "/evals", Permission.VIEW_DATA)

PER_PAGE: Final = 50
# ?show= on a run page: which of its cases to list.
SHOWS: Final[dict[str, tuple[str, ...] | None]] = {
    "all": None,
    "not-passed": ("failed", "unparsed", "error", "ungraded"),
    "failed": ("failed",),
    "unparsed": ("unparsed",),
    "error": ("error",),
    "ungraded": ("ungraded",),
    "passed": ("passed",),
}
Page = Annotated[int, Query(ge=1, description="Page of cases, from 1.")]


def fingerprint_id(run: RunInfo) -> str:
    """A short digest of the model fingerprint and parameters: equal for runs of one setup."""
    body = orjson.dumps([run.fingerprint, run.params], option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(body).hexdigest()[:10]


@router.get("/evals", response_class=HTMLResponse)
def runs(
    request: Request,
    ws: CurrentWorkspace,
    suite: Annotated[str | None, Query(description="Only runs of this suite.")] = None,
) -> HTMLResponse:
    """Every run, newest first: suite, model fingerprint, when, pass rate, errors, unparsed."""
    found = ws.evals.runs(suite=suite or None, limit=500)
    return render.page(
        request,
        "evals/runs.html",
        runs=found,
        suite=suite or "",
        fingerprints={r.id: fingerprint_id(r) for r in found},
    )


def measured(groups: Mapping[str, Sequence[Metric]]) -> list[str]:
    """The metrics measured on at least one case of some group, in scorecard order."""
    names = [m.name for metrics in groups.values() for m in metrics if m.n]
    return list(dict.fromkeys(n for n in METRICS if n in names))


def _shown(show: str) -> tuple[str, ...] | None:
    if show not in SHOWS:
        raise InputError(f"'{show}' is not a filter; use one of {', '.join(SHOWS)}", where="?show=")
    return SHOWS[show]


def _pages(page: int, total: int) -> int:
    pages = max(1, -(-total // PER_PAGE))
    if page > pages:
        raise InputError(f"there are {pages} page(s) of cases; no page {page}", where="?page=")
    return pages


@router.get("/evals/runs/{run_id}", response_class=HTMLResponse)
def run(
    request: Request,
    run_id: PathId,
    ws: CurrentWorkspace,
    show: Annotated[str, Query(description="Which cases: " + ", ".join(SHOWS))] = "all",
    page: Page = 1,
    grades: Annotated[
        str, Query(description="What the scorecard rests on: auto, human or both.")
    ] = "auto",
) -> HTMLResponse:
    """A run's scorecard with Wilson intervals (overall, by severity and intent) and its cases,
    each with what people said about it beside the graders' grades."""
    statuses = _shown(show)
    card = ws.evals.scorecard(run_id, grades=grades)
    info = card.run
    total = info.done if statuses is None else sum(info.counts.get(s, 0) for s in statuses)
    pages = _pages(page, total)
    start = (page - 1) * PER_PAGE
    rows = list(islice(ws.evals.results(run_id, status=statuses), start, start + PER_PAGE))
    sc = card.scorecard
    charts = {
        "overall": interval_chart(metric_rows(sc.metrics), label="Scorecard, 95% Wilson intervals"),
        "severity": interval_chart(
            group_rows(sc.by_severity, "pass-rate"), label="Pass rate by severity tier"
        ),
        "intent": interval_chart(
            group_rows(sc.by_intent, "pass-rate"), label="Pass rate by intent"
        ),
    }
    human = ws.evals.human_grades(run_id)
    taxonomy = ws.analysis.taxonomy_history(info.suite_name)
    tags: dict[str, list[Tag]] = {}
    for t in ws.analysis.tags(run_id):
        tags.setdefault(t.case_id, []).append(t)
    return render.page(
        request,
        "evals/run.html",
        run=info,
        card=sc,
        rows=rows,
        human=human,
        pass_rates=ws.judges.pass_rate(run_id) if human else None,
        reviews=ws.evals.review_projects(run_id),
        grade_sources=GRADE_SOURCES,
        show=show,
        shows=list(SHOWS),
        page=page,
        pages=pages,
        total=total,
        per_page=PER_PAGE,
        fingerprint=fingerprint_id(info),
        severity_metrics=measured(sc.by_severity),
        intent_metrics=measured(sc.by_intent),
        charts={k: Markup(v) for k, v in charts.items()},  # escaped by mentor.charts.svg
        tags=tags,
        categories=taxonomy[-1].names if taxonomy else [],
    )
