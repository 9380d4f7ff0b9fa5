"""The quality pages: workspace KPIs, a dashboard per project, and each annotator's page.

Trainers, reviewers and viewers (who may read the data) see the KPIs and dashboards; an
annotator sees only their own annotator page, and only of a project open to them: a project with
members they are not one of is "not found", exactly like a project that does not exist.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from mentor.accounts import User
from mentor.quality import (
    annotator_body,
    kpis_body,
    project_body,
)
from mentor.quality.annotators import annotator_quality
from mentor.web import nav, render
from mentor.web.session import Forbidden, Permission, require
from mentor.web.workspace import CurrentWorkspace

router = APIRouter()
nav.add_link("Quality", "/quality", Permission.VIEW_DATA)


def annotator_path(project: str, annotator: str) -> str:
    """Where an annotator's page of a project lives."""
    return f"/quality/projects/{quote(project, safe='')}/annotators/{quote(annotator, safe='')}"


@router.get("/quality", response_class=HTMLResponse, dependencies=[require(Permission.VIEW_DATA)])
def kpis(request: Request, ws: CurrentWorkspace) -> HTMLResponse:
    """The trainer KPIs of the workspace and its projects' dashboards."""
    report = ws.quality.kpis()
    return render.page(
        request,
        "quality/kpis.html",
        projects=ws.projects.all(),
        body=Markup(kpis_body(report)),  # escaped by mentor.quality
    )


@router.get(
    "/quality/projects/{name}",
    response_class=HTMLResponse,
    dependencies=[require(Permission.VIEW_DATA)],
)
def dashboard(request: Request, name: str, ws: CurrentWorkspace) -> HTMLResponse:
    """Agreement, gold accuracy, annotators, drift and throughput of one project."""
    q = ws.quality.project(name)
    body = project_body(q, lambda who: annotator_path(name, who))
    return render.page(request, "quality/dashboard.html", q=q, body=Markup(body))


@router.get("/quality/projects/{name}/annotators/{annotator}", response_class=HTMLResponse)
def annotator(
    request: Request,
    name: str,
    annotator: str,
    ws: CurrentWorkspace,
    user: Annotated[User, require(Permission.ANNOTATE)],
) -> HTMLResponse:
    """One annotator's gold accuracy over time, agreement with consensus, review pass rate,
    throughput and time per item (annotators: only their own, of a project open to them)."""
    reader = user.may(Permission.VIEW_DATA)
    if not reader:
        ws.quality.open_project(name, user.name)  # the same 404 as an unknown project
        if annotator != user.name:
            raise Forbidden(f"{user.name} may see only their own quality page, not {annotator}'s")
    q = ws.quality.project(name)
    found = next((p for p in q.people if p.annotator == annotator), None)
    if found is None:
        found = annotator_quality(annotator, [], [], q.config.watch, q.config.period)
    body = annotator_body(found, q.config.watch.threshold)
    return render.page(
        request,
        "quality/annotator.html",
        q=q,
        who=annotator,
        body=Markup(body),
        dashboard=reader,
    )
