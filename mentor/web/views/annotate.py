"""Annotator pages: my projects, a project's start page, the keyboard-first task page, skip,
submit and questions. An annotator only ever sees the item leased to them, in the order shown to
them, and never a gold answer or another annotator's label.

Only a POST leases an item (the Start button, a submit, a skip), never a GET: a link on another
site cannot hand a signed-in annotator an item, and every POST carries the session's CSRF token.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mentor.accounts import Permission, User
from mentor.annotate.members import NotAMemberError
from mentor.annotate.projects import ProjectInfo
from mentor.annotate.queues import Task
from mentor.errors import InputError, NotFoundError
from mentor.store.ids import is_row_id
from mentor.web import nav, render
from mentor.web.ids import FormId, PathId
from mentor.web.session import UserWorkspace, require
from mentor.web.views import annotate_content
from mentor.web.views.annotate_forms import Payload, client_id, payload_from_form
from mentor.workspace import Workspace

router = APIRouter()
Annotator = Annotated[User, require(Permission.ANNOTATE)]
nav.add_link("Annotate", "/annotate", Permission.ANNOTATE)


def _task_path(name: str, assignment_id: int) -> str:
    return f"/annotate/{name}/tasks/{assignment_id}"


def _project(ws: Workspace, name: str, user: User) -> ProjectInfo:
    """Project `name` as `user` may see it: to an annotator who reads no data, a project that is
    not open to them is not there, and the error names no other project."""
    return ws.projects.get(name, annotator=None if user.may(Permission.VIEW_DATA) else user.name)


def _held(ws: Workspace, name: str, user: User, assignment_id: int) -> Task:
    """The task of `assignment_id` if this annotator holds it now (else 404); leases nothing."""
    try:
        return ws.projects.task(name, assignment_id, user.name)
    except NotAMemberError:
        raise
    except NotFoundError:
        _project(ws, name, user)  # an unknown project is named as such
        raise NotFoundError(
            f"you hold no task {assignment_id} in project '{name}'; take the next one from "
            f"/annotate/{name}"
        ) from None


def task_page(
    request: Request,
    ws: Workspace,
    user: User,
    task: Task,
    *,
    values: Payload | None = None,
    error: str = "",
    status: int = 200,
) -> HTMLResponse:
    """The task page of a leased item (`values` prefill the form after a refused submit)."""
    name = task.project
    if values is None and request.query_params.get("prefill") == "suggestion":
        values = task.suggestion
    base = f"{_task_path(name, task.assignment_id)}/images"
    mine = [q for q in ws.projects.questions(name) if q.asked_by == user.name]
    return render.page(
        request,
        "annotate/task.html",
        status,
        project=ws.projects.get(name),
        task=task,
        view=annotate_content.with_image_links(task.view, base),
        values=values,
        suggestion=task.suggestion,
        guideline=ws.projects.guideline(name),
        progress=ws.projects.my_progress(name, user.name),
        client_id=uuid.uuid4().hex,
        error=error,
        saved=request.query_params.get("saved") == "1",
        questions=[q for q in mine if q.item_id == task.item_id],
        show=annotate_content.content,
        marked=annotate_content.marked_text,
    )


@router.get("/annotate", response_class=HTMLResponse)
def my_projects(request: Request, user: Annotator, ws: UserWorkspace) -> HTMLResponse:
    """Every project open to me (no members, or I am one) with my progress in it."""
    found = ws.projects.all(annotator=user.name)
    rows = [(p, ws.projects.my_progress(p.name, user.name)) for p in found]
    return render.page(request, "annotate/my_projects.html", rows=rows)


@router.get("/annotate/{name}", response_class=HTMLResponse)
def project_start(request: Request, name: str, user: Annotator, ws: UserWorkspace) -> HTMLResponse:
    """A project's guideline, my progress, my questions and their answers (not found unless
    the project is open to me)."""
    project = ws.projects.get(name, annotator=user.name)
    questions = [q for q in ws.projects.questions(name) if q.asked_by == user.name]
    return render.page(
        request,
        "annotate/start.html",
        project=project,
        guideline=ws.projects.guideline(name),
        progress=ws.projects.my_progress(name, user.name),
        questions=questions,
        asked=request.query_params.get("asked") == "1",
    )


def _lease_next(ws: Workspace, name: str, user: User, *, saved: bool = False) -> Response:
    """Lease me the item I hold or the next one (only ever from a POST) and go to its page;
    to the "nothing left" page when none is left."""
    flag = "?saved=1" if saved else ""
    task = ws.projects.next_item(name, user.name)
    if task is None:
        return RedirectResponse(f"/annotate/{name}/next{flag}", status_code=303)
    return RedirectResponse(_task_path(name, task.assignment_id) + flag, status_code=303)


@router.get("/annotate/{name}/next", response_class=HTMLResponse)
def where_next(request: Request, name: str, user: Annotator, ws: UserWorkspace) -> Response:
    """Leases nothing (a GET changes no state): "nothing left" when nothing is left for me, else
    the project's start page, whose Start button posts here."""
    progress = ws.projects.my_progress(name, user.name)
    if progress.left > 0:
        return RedirectResponse(f"/annotate/{name}", status_code=303)
    return render.page(
        request, "annotate/done.html", project=ws.projects.get(name), progress=progress
    )


@router.post("/annotate/{name}/next")
def next_task(name: str, user: Annotator, ws: UserWorkspace) -> Response:
    """Go to the item I hold, or lease me the next one; say so when nothing is left."""
    return _lease_next(ws, name, user)


@router.get("/annotate/{name}/tasks/{assignment_id}", response_class=HTMLResponse)
def show_task(
    request: Request, name: str, assignment_id: PathId, user: Annotator, ws: UserWorkspace
) -> HTMLResponse:
    """The task page of the item I hold (another annotator's task is not found)."""
    return task_page(request, ws, user, _held(ws, name, user, assignment_id))


@router.get("/annotate/{name}/tasks/{assignment_id}/images/{number}")
def task_image(
    name: str, assignment_id: PathId, number: int, user: Annotator, ws: UserWorkspace
) -> Response:
    """An image embedded in the item I hold, served with its own content type."""
    return annotate_content.image_response(_held(ws, name, user, assignment_id).view, number)


def _refused_task(ws: Workspace, name: str, user: User, assignment: object) -> Task | None:
    """The task a refused form was shown for, to show again with the reason (leases nothing)."""
    if not (isinstance(assignment, str) and assignment.isascii() and assignment.isdigit()):
        return None
    if not is_row_id(int(assignment)):
        return None
    try:
        return ws.projects.task(name, int(assignment), user.name)
    except NotFoundError:
        return None


@router.post("/annotate/{name}/items/{item_id}", response_class=HTMLResponse)
async def submit(
    request: Request, name: str, item_id: PathId, user: Annotator, ws: UserWorkspace
) -> Response:
    """Store my label for the item I hold; sending the same form twice stores it once."""
    form = await request.form()
    project = _project(ws, name, user)
    payload = payload_from_form(project.task, form)
    try:
        ws.projects.submit(name, item_id, payload, client_id=client_id(form), annotator=user.name)
    except InputError as exc:
        task = _refused_task(ws, name, user, form.get("assignment_id"))
        if task is None or task.item_id != item_id:
            raise
        return task_page(request, ws, user, task, values=payload, error=str(exc), status=400)
    return _lease_next(ws, name, user, saved=True)  # straight on to the next item: no extra click


@router.post("/annotate/{name}/items/{item_id}/skip")
def skip(
    name: str,
    item_id: PathId,
    user: Annotator,
    ws: UserWorkspace,
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Give the item back (it goes to someone else) and go on to my next item."""
    ws.projects.skip(name, item_id, user.name, reason=reason.strip())
    return _lease_next(ws, name, user)


@router.post("/annotate/{name}/questions")
def ask(
    name: str,
    user: Annotator,
    ws: UserWorkspace,
    question: Annotated[str, Form()] = "",
    assignment_id: FormId = None,
) -> Response:
    """Ask a question about the guideline, or about the item I hold."""
    item_id: int | None = None
    back = f"/annotate/{name}?asked=1"
    if assignment_id is not None:
        item_id = _held(ws, name, user, assignment_id).item_id
        back = _task_path(name, assignment_id) + "?asked=1"
    ws.projects.ask(name, question, item_id=item_id, annotator=user.name)
    return RedirectResponse(back, status_code=303)
