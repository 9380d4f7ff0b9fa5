"""Feedback intake pages: the imported batches, and one batch's clusters with a triage form each.

A cluster is triaged into eval cases (a suite, an intent, a severity) and/or annotation items (a
project); only people who run evals and manage projects (trainers, admins) see these pages, as
the reports are users' own words, however scrubbed.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mentor.errors import ConflictError, InputError, NotFoundError
from mentor.evals.cases import SEVERITIES
from mentor.web import nav, render
from mentor.web.ids import PathId
from mentor.web.session import Permission, UserWorkspace, require
from mentor.web.workspace import CurrentWorkspace
from mentor.workspace import Workspace

router = APIRouter(dependencies=[require(Permission.RUN_EVALS)])
nav.add_link("Feedback", "/feedback", Permission.RUN_EVALS)

MAX_NAME: Final = 200
REFUSE: Final = {"": None, "yes": True, "no": False}


@router.get("/feedback", response_class=HTMLResponse)
def batches(request: Request, ws: CurrentWorkspace) -> HTMLResponse:
    """Every imported batch, newest first."""
    return render.page(request, "feedback/batches.html", batches=ws.analysis.feedback.batches())


def _batch_page(
    request: Request,
    ws: Workspace,
    batch_id: int,
    problem: tuple[int, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    feedback = ws.analysis.feedback
    batch = feedback.batch(batch_id)
    suites = sorted({r.suite_name for r in ws.evals.runs(limit=500)})
    return render.page(
        request,
        "feedback/batch.html",
        status_code=status_code,
        batch=batch,
        clusters=feedback.clusters(batch_id),
        status={s.number: s for s in feedback.status(batch_id)},
        suites=suites,
        projects=[p.name for p in ws.projects.all()],
        severities=SEVERITIES,
        problem=problem,
    )


@router.get("/feedback/{batch_id}", response_class=HTMLResponse)
def batch(request: Request, batch_id: PathId, ws: CurrentWorkspace) -> HTMLResponse:
    """A batch's clusters: terms, exemplars (scrubbed), what they became, a triage form each."""
    return _batch_page(request, ws, batch_id)


@router.post("/feedback/{batch_id}/triage", response_class=HTMLResponse)
def triage(
    request: Request,
    batch_id: PathId,
    ws: UserWorkspace,
    cluster: Annotated[int, Form(ge=0, le=1_000_000)],
    suite: Annotated[str, Form(max_length=MAX_NAME)] = "",
    intent: Annotated[str, Form(max_length=MAX_NAME)] = "",
    severity: Annotated[str, Form(max_length=20)] = "major",
    should_refuse: Annotated[str, Form(max_length=5)] = "",
    project: Annotated[str, Form(max_length=MAX_NAME)] = "",
) -> Response:
    """Triage one cluster; back to the batch page, which shows what the cluster became."""
    try:
        ws.analysis.feedback.triage(
            batch_id,
            cluster,
            suite=suite.strip() or None,
            intent=intent.strip() or None,
            severity=severity,
            should_refuse=REFUSE.get(should_refuse),
            project=project.strip() or None,
        )
    except (InputError, ConflictError, NotFoundError) as exc:  # shown beside the form
        ws.analysis.feedback.batch(batch_id)  # a batch that does not exist is still a 404
        return _batch_page(request, ws, batch_id, (cluster, str(exc)), 400)
    return RedirectResponse(f"/feedback/{batch_id}#cluster-{cluster}", status_code=303)
