"""Trainer pages: every project, a project's settings, members, guideline versions, progress and
questions, and the forms that change members, answer questions, publish a guideline version and
release the labels."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from mentor.accounts import Permission, User
from mentor.annotate.projects import ProjectSettings
from mentor.errors import InputError, MentorError
from mentor.web import nav, render
from mentor.web.ids import PathId
from mentor.web.session import UserWorkspace, require
from mentor.web.workspace import CurrentWorkspace
from mentor.workspace import Workspace

router = APIRouter()
Reader = Annotated[User, require(Permission.VIEW_DATA)]
Manager = Annotated[User, require(Permission.MANAGE_PROJECTS)]
nav.add_link("Projects", "/projects", Permission.VIEW_DATA)


@router.get("/projects", response_class=HTMLResponse)
def projects(request: Request, user: Reader, ws: CurrentWorkspace) -> HTMLResponse:
    """Every project with where it stands."""
    rows = [(p, ws.projects.progress(p.name)) for p in ws.projects.all()]
    return render.page(request, "annotate/projects.html", rows=rows)


def _number(form: FormData, key: str, kind: type[int] | type[float], default: Any) -> Any:
    value = str(form.get(key, "") or "").strip()
    if not value:
        return default
    try:
        return kind(value)
    except ValueError:
        raise InputError(f"expected a number, got {value!r:.40}", field=key) from None


def _config(form: FormData) -> dict[str, Any]:
    text = str(form.get("config", "") or "").strip()
    if not text:
        return {}
    try:
        found = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} (line {exc.lineno})", field="config") from None
    except RecursionError:
        raise InputError("nested too deeply to be task settings", field="config") from None
    if not isinstance(found, dict):
        raise InputError("expected a JSON object of the task type's settings", field="config")
    return found


def _create(ws: Workspace, form: FormData) -> str:
    """Read the new-project form and create the project; returns its name."""
    text = {k: str(form.get(k, "") or "").strip() for k in ("name", "dataset", "task", "prelabel")}
    settings = ProjectSettings(
        overlap=_number(form, "overlap", int, 1),
        review_rate=_number(form, "review_rate", float, 0.0),
        lease_seconds=_number(form, "lease_seconds", int, 1800),
        prelabel=text["prelabel"] or None,
        seed=_number(form, "seed", int, 0),
    )
    created = ws.projects.create(
        text["name"],
        dataset=text["dataset"],
        task=text["task"],
        guideline=str(form.get("guideline", "") or "").replace("\r\n", "\n"),
        settings=settings,
        config=_config(form),
        limit=_number(form, "limit", int, None),
        description=str(form.get("description", "") or "").strip(),
    )
    return created.name


def _new_page(
    request: Request, ws: Workspace, values: dict[str, Any], error: str, status: int
) -> HTMLResponse:
    refs = [f"{d.name}@v{d.latest}" for d in ws.datasets.all() if d.latest]
    return render.page(
        request,
        "annotate/new_project.html",
        status,
        task_types=ws.projects.task_types(),
        datasets=refs,
        providers=ws.providers.names(),
        values=values,
        error=error,
    )


@router.get("/projects/new", response_class=HTMLResponse)
def new_project(request: Request, user: Manager, ws: CurrentWorkspace) -> HTMLResponse:
    """The form that creates a project from a dataset version (``mentor projects create``)."""
    return _new_page(request, ws, {}, "", 200)


@router.post("/projects", response_class=HTMLResponse)
async def create_project(request: Request, user: Manager, ws: UserWorkspace) -> Response:
    """Create a project; a refused form comes back with what was typed and the reason."""
    form = await request.form()
    try:
        name = _create(ws, form)
    except MentorError as exc:
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        return _new_page(request, ws, values, str(exc), 400)
    return RedirectResponse(f"/projects/{name}", status_code=303)


@router.get("/projects/{name}", response_class=HTMLResponse)
def project(request: Request, name: str, user: Reader, ws: CurrentWorkspace) -> HTMLResponse:
    """Settings, guideline versions, progress per annotator, questions, release."""
    return _project_page(request, name, user, ws)


def _project_page(
    request: Request,
    name: str,
    user: User,
    ws: Workspace,
    *,
    members_problem: str | None = None,
    typed: str = "",
) -> HTMLResponse:
    page = render.page(
        request,
        "annotate/project.html",
        project=ws.projects.get(name),
        progress=ws.projects.progress(name),
        versions=ws.projects.guideline_versions(name)[::-1],
        questions=ws.projects.questions(name)[::-1],
        members=ws.projects.members(name),
        manager=user.may(Permission.MANAGE_PROJECTS),
        membership=request.query_params.get("members", ""),
        members_problem=members_problem,
        members_typed=typed,
        released=request.query_params.get("released", ""),
        published=request.query_params.get("published", ""),
    )
    if members_problem is not None:
        page.status_code = 400
    return page


@router.post("/projects/{name}/release")
def release(
    name: str,
    user: Manager,
    ws: UserWorkspace,
    into: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Release the finished items as the next version of a dataset."""
    result = ws.projects.release(name, into=into.strip() or None, note=note.strip())
    return RedirectResponse(f"/projects/{name}?released={result.version.ref}", status_code=303)


@router.post("/projects/{name}/questions/{question_id}/answer")
def answer(
    name: str,
    question_id: PathId,
    user: Manager,
    ws: UserWorkspace,
    answer: Annotated[str, Form()] = "",
) -> Response:
    """Answer a question; the answer goes into the guideline's next version."""
    found = ws.projects.answer(name, question_id, answer)
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
    text = body.replace("\r\n", "\n")
    version = ws.projects.update_guideline(name, text, note=note.strip())
    return RedirectResponse(f"/projects/{name}?published={version.number}", status_code=303)


def _users(text: str) -> list[str]:
    """User names typed into a members form: separated by commas or spaces."""
    return [u for u in text.replace(",", " ").split() if u][:100]


@router.post("/projects/{name}/members")
def add_members(
    request: Request,
    name: str,
    user: Manager,
    ws: UserWorkspace,
    users: Annotated[str, Form()] = "",
) -> Response:
    """Let users work on the project's queue; from then on only members may. A refused name
    (unknown, disabled, a viewer) comes back beside the form, with what was typed."""
    return _change_members(request, name, user, ws, users, added=True)


@router.post("/projects/{name}/members/remove")
def remove_members(
    request: Request,
    name: str,
    user: Manager,
    ws: UserWorkspace,
    users: Annotated[str, Form()] = "",
) -> Response:
    """Take users off the project's members (their annotations stay)."""
    return _change_members(request, name, user, ws, users, added=False)


def _change_members(
    request: Request, name: str, user: User, ws: Workspace, users: str, *, added: bool
) -> Response:
    ws.projects.get(name)  # no such project: 404, not a form error
    change = ws.projects.add_members if added else ws.projects.remove_members
    try:
        change(name, _users(users[:10_000]))
    except MentorError as exc:
        typed = users if added else ""
        return _project_page(request, name, user, ws, members_problem=str(exc), typed=typed)
    done = "added" if added else "removed"
    return RedirectResponse(f"/projects/{name}?members={done}#members", status_code=303)
