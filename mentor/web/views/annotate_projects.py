"""Trainer pages: every project, a project's settings, guideline versions, progress and questions,
and the forms that answer questions, publish a guideline version and release the labels."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mentor.accounts import Permission, User
from mentor.web import nav, render
from mentor.web.session import UserWorkspace, require
from mentor.web.workspace import CurrentWorkspace

router = APIRouter()
Reader = Annotated[User, require(Permission.VIEW_DATA)]
Manager = Annotated[User, require(Permission.MANAGE_PROJECTS)]
_TEXT_LIMIT: Final = 200_000
nav.add_link("Projects", "/projects", Permission.VIEW_DATA)


@router.get("/projects", response_class=HTMLResponse)
def projects(request: Request, user: Reader, ws: CurrentWorkspace) -> HTMLResponse:
    """Every project with where it stands."""
    rows = [(p, ws.projects.progress(p.name)) for p in ws.projects.all()]
    return render.page(request, "annotate/projects.html", rows=rows)


@router.get("/projects/{name}", response_class=HTMLResponse)
def project(request: Request, name: str, user: Reader, ws: CurrentWorkspace) -> HTMLResponse:
    """Settings, guideline versions, progress per annotator, questions, release."""
    return render.page(
        request,
        "annotate/project.html",
        project=ws.projects.get(name),
        progress=ws.projects.progress(name),
        versions=ws.projects.guideline_versions(name)[::-1],
        questions=ws.projects.questions(name)[::-1],
        manager=user.may(Permission.MANAGE_PROJECTS),
        released=request.query_params.get("released", ""),
        published=request.query_params.get("published", ""),
    )


@router.post("/projects/{name}/release")
def release(
    name: str,
    user: Manager,
    ws: UserWorkspace,
    into: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Release the finished items as the next version of a dataset."""
    result = ws.projects.release(name, into=into.strip() or None, note=note.strip()[:10_000])
    return RedirectResponse(f"/projects/{name}?released={result.version.ref}", status_code=303)


@router.post("/projects/{name}/questions/{question_id}/answer")
def answer(
    name: str,
    question_id: int,
    user: Manager,
    ws: UserWorkspace,
    answer: Annotated[str, Form()] = "",
) -> Response:
    """Answer a question; the answer goes into the guideline's next version."""
    found = ws.projects.answer(name, question_id, answer[:_TEXT_LIMIT])
    published = found.guideline_version or ""
    return RedirectResponse(f"/projects/{name}?published={published}", status_code=303)


@router.post("/projects/{name}/guideline")
def publish_guideline(
    name: str,
    user: Manager,
    ws: UserWorkspace,
    body: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Publish a new version of the project's guideline (clarifications carry over)."""
    text = body.replace("\r\n", "\n")[:_TEXT_LIMIT]
    version = ws.projects.update_guideline(name, text, note=note.strip()[:10_000])
    return RedirectResponse(f"/projects/{name}?published={version.number}", status_code=303)
