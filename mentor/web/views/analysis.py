"""Error-analysis pages: the suites, one suite's taxonomy and top issues over its runs, a run's
failures clustered (each cluster promotable into a category), and tagging a failed result from
the run page. Anyone who may read the evals reads these; tagging and promoting need the people
who run evals (trainers, admins), as on the feedback pages.
"""

from __future__ import annotations

from typing import Annotated, Final
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from mentor.errors import ConflictError, InputError
from mentor.web import nav, render
from mentor.web.ids import PathId
from mentor.web.session import Permission, UserWorkspace, require
from mentor.web.views.evals import SHOWS
from mentor.web.workspace import CurrentWorkspace
from mentor.workspace import Workspace

router = APIRouter(dependencies=[require(Permission.VIEW_DATA)])
nav.add_link("Analysis", "/analysis", Permission.VIEW_DATA)
Trainer: Final = [require(Permission.RUN_EVALS)]

MAX_NAME: Final = 200
MAX_TEXT: Final = 5000
RunQuery = Annotated[int | None, Query(ge=1, description="Run id (the newest run when absent).")]


@router.get("/analysis", response_class=HTMLResponse)
def suites(request: Request, ws: CurrentWorkspace) -> HTMLResponse:
    """Every suite that has runs: how many, its newest run, its taxonomy version."""
    runs = ws.evals.runs(limit=500)
    names = sorted({r.suite_name for r in runs})
    newest = {name: next(r for r in runs if r.suite_name == name) for name in names}
    counts = {name: sum(r.suite_name == name for r in runs) for name in names}
    taxonomies = {name: ws.analysis.taxonomy_history(name) for name in names}
    return render.page(
        request,
        "analysis/suites.html",
        names=names,
        newest=newest,
        counts=counts,
        taxonomies={n: h[-1] if h else None for n, h in taxonomies.items()},
    )


@router.get("/analysis/{suite}", response_class=HTMLResponse)
def suite(request: Request, suite: str, ws: CurrentWorkspace) -> HTMLResponse:
    """The suite's taxonomy with its history, and its top issues over its runs with a chart."""
    tracker = ws.analysis.issues(suite)
    history = ws.analysis.taxonomy_history(suite)
    return render.page(
        request,
        "analysis/suite.html",
        suite=suite,
        tracker=tracker,
        history=list(reversed(history)),
        current=history[-1] if history else None,
        chart=Markup(ws.analysis.issues_chart(tracker)),  # escaped by mentor.charts.svg
    )


def _clusters_page(
    request: Request,
    ws: Workspace,
    suite: str,
    run: int | None,
    problem: tuple[int, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    found = ws.analysis.failure_clusters(suite, run)
    return render.page(
        request,
        "analysis/clusters.html",
        status_code=status_code,
        suite=suite,
        found=found,
        problem=problem,
    )


@router.get("/analysis/{suite}/clusters", response_class=HTMLResponse)
def clusters(request: Request, suite: str, ws: CurrentWorkspace, run: RunQuery = None) -> Response:
    """The run's failed results clustered: terms, exemplars, categories, a promote form each."""
    return _clusters_page(request, ws, suite, run)


@router.post("/analysis/{suite}/clusters/promote", dependencies=Trainer)
def promote(
    request: Request,
    suite: str,
    ws: UserWorkspace,
    run: Annotated[int, Form(ge=1)],
    cluster: Annotated[int, Form(ge=1, le=1_000_000)],
    name: Annotated[str, Form(max_length=MAX_NAME)],
    definition: Annotated[str, Form(max_length=MAX_TEXT)],
) -> Response:
    """Promote one cluster into a new category; back to the clusters, which show it."""
    try:
        ws.analysis.promote(suite, run, cluster, name=name.strip(), definition=definition)
    except (InputError, ConflictError) as exc:  # shown beside the form
        return _clusters_page(request, ws, suite, run, (cluster, str(exc)), 400)
    return RedirectResponse(
        f"/analysis/{quote(suite, safe='')}/clusters?run={run}#cluster-{cluster}", status_code=303
    )


@router.post("/evals/runs/{run_id}/tags", dependencies=Trainer)
def tag(
    run_id: PathId,
    ws: UserWorkspace,
    case_id: Annotated[str, Form(max_length=MAX_NAME)],
    position: Annotated[int, Form(ge=0)] = 0,
    category: Annotated[str, Form(max_length=MAX_NAME)] = "",
    note: Annotated[str, Form(max_length=MAX_TEXT)] = "",
    show: Annotated[str, Form(max_length=20)] = "failed",
) -> Response:
    """Tag one result with a category of the suite's taxonomy and/or a note; back to it."""
    ws.analysis.tag(run_id, case_id, category or None, note=note)
    target = f"/evals/runs/{run_id}?show={show if show in SHOWS else 'failed'}"
    return RedirectResponse(f"{target}#case-{position}", status_code=303)
