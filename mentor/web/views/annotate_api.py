"""The annotation JSON API under ``/api/projects``: the annotator's queue (next, submit, skip,
questions), review and adjudication, for programs holding an API token (``Authorization: Bearer
<token>``; no CSRF token needed) as well as for pages.

An annotator only ever gets the item leased to them (the queue is always the caller's own), in
the order shown to them, and never a gold answer or another annotator's label. A project with
members is there for its members only: other annotators get 404 on it and do not see it listed.
Request bodies are checked here; an error answers 400 with the app's JSON error shape naming the
field. The length of free text (a comment, a question, a label's text) is the SDK's to check, so
the API, the pages and the SDK refuse the same text alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, ConfigDict, Field

from mentor.accounts import Permission, User
from mentor.annotate import (
    Adjudication,
    Clarification,
    Dispute,
    GuidelineVersion,
    ProjectInfo,
    ProjectProgress,
    Review,
    ReviewTask,
    Submission,
    Task,
)
from mentor.web import loop
from mentor.web.ids import PathId, RowId
from mentor.web.jsonbody import JsonBody, json_body
from mentor.web.session import Forbidden, UserWorkspace, require
from mentor.workspace import Workspace

router = APIRouter(prefix="/api/projects", tags=["annotation api"])
# Seeing a project: annotators see their own work, readers (VIEW_DATA) the whole project. Every
# role has one of the two; `_member` refuses a user with neither.
Member = Annotated[User, require(Permission.OWN_ACCOUNT)]
Annotator = Annotated[User, require(Permission.ANNOTATE)]
Reviewer = Annotated[User, require(Permission.REVIEW)]
Adjudicator = Annotated[User, require(Permission.ADJUDICATE)]
QueueLimit = Annotated[int, Query(ge=1, le=200, description="At most this many.")]


class _Body(BaseModel):
    """A request body: unknown fields are refused by name, not ignored."""

    model_config = ConfigDict(extra="forbid")


class SubmitBody(_Body):
    """A label for the item leased to the caller, in the order shown, with a client id that
    makes a retry safe."""

    payload: dict[str, Any]
    client_id: str = Field(min_length=1, max_length=200)
    time_spent_s: float | None = Field(default=None, ge=0, allow_inf_nan=False)


class SkipBody(_Body):
    """Why the caller gives the item back (optional)."""

    reason: str = ""


class QuestionBody(_Body):
    """A question about the guideline, or about one item."""

    question: str = Field(min_length=1)
    item_id: RowId | None = None


class ReviewBody(_Body):
    """A verdict on one annotation; reject and correct need a comment, correct a correction
    (in the item's true order)."""

    verdict: Literal["accept", "reject", "correct"]
    comment: str = ""
    correction: dict[str, Any] | None = None


class AdjudicateBody(_Body):
    """The final label of a disputed item, in the item's true order."""

    payload: dict[str, Any]
    comment: str = ""


@dataclass(frozen=True)
class MyWork:
    """The caller's own work in a project (gold items included: they look like any other)."""

    submitted: int
    skipped: int
    leased: int


@dataclass(frozen=True)
class ProjectView:
    """A project as the caller may see it: `progress` (every annotator's figures) only for
    readers of the data; an annotator gets the project's open count and their own work."""

    name: str
    task_type: str
    description: str
    guideline: str
    overlap: int
    items: int
    done: int
    remaining: int
    mine: MyWork
    progress: ProjectProgress | None


def _json(value: Any, status: int = 200) -> JsonBody:
    return json_body(value, status)


def _member(user: User) -> None:
    if not (user.may(Permission.ANNOTATE) or user.may(Permission.VIEW_DATA)):
        raise Forbidden(f"{user.name} may neither annotate nor read projects")


def _view(ws: Workspace, project: ProjectInfo, user: User) -> ProjectView:
    found = ws.projects.progress(project.name)
    me = next((a for a in found.annotators if a.annotator == user.name), None)
    mine = MyWork(me.submitted + me.gold_answered, me.skipped, me.leased) if me else MyWork(0, 0, 0)
    return ProjectView(
        name=project.name,
        task_type=project.task_type,
        description=project.description,
        guideline=project.guideline,
        overlap=project.settings.overlap,
        items=found.items,
        done=found.done,
        remaining=found.remaining,
        mine=mine,
        progress=found if user.may(Permission.VIEW_DATA) else None,
    )


def _annotator_only(user: User) -> str | None:
    """The caller's name when they see projects as an annotator only (projects with members are
    then shown to members alone); None for readers of the data, who see every project."""
    return None if user.may(Permission.VIEW_DATA) else user.name


@router.get("", responses={200: {"model": list[ProjectView]}})
def projects(user: Member, ws: UserWorkspace) -> JsonBody:
    """Every project open to the caller, with their own work in it (readers: every project,
    with full progress)."""
    _member(user)
    found = ws.projects.all(annotator=_annotator_only(user))
    return _json([_view(ws, p, user) for p in found])


@router.get("/{name}", responses={200: {"model": ProjectView}})
def project(name: str, user: Member, ws: UserWorkspace) -> JsonBody:
    """One project's progress as the caller may see it (404 for an annotator who is not one
    of its members)."""
    _member(user)
    return _json(_view(ws, ws.projects.get(name, annotator=_annotator_only(user)), user))


@router.get("/{name}/guideline", responses={200: {"model": GuidelineVersion}})
def guideline(name: str, user: Member, ws: UserWorkspace) -> JsonBody:
    """The guideline version in force, with its clarifications (`text` is what to read)."""
    _member(user)
    ws.projects.get(name, annotator=_annotator_only(user))
    found = ws.projects.guideline(name)
    return _json({**jsonable_encoder(found), "text": found.text})


@router.post("/{name}/next", responses={200: {"model": Task}, 204: {"description": "none left"}})
async def next_item(name: str, user: Annotator, ws: UserWorkspace) -> Response:
    """The item the caller holds, or a lease on the next one; 204 when none is left for them."""
    task = await loop.run(ws, lambda: ws.projects.next_item(name, user.name))
    return Response(status_code=204) if task is None else _json(task)


@router.post(
    "/{name}/items/{item_id}/annotations",
    status_code=201,
    responses={201: {"model": Submission}, 200: {"description": "a retry: the stored one"}},
)
async def submit(
    name: str, item_id: PathId, body: SubmitBody, user: Annotator, ws: UserWorkspace
) -> JsonBody:
    """Store the caller's label for the item they hold (201); a retry with the same client id
    and label returns the stored annotation (200); the same id with another label is a 409."""
    stored = await loop.run(
        ws,
        lambda: ws.projects.submit(
            name,
            item_id,
            body.payload,
            client_id=body.client_id,
            annotator=user.name,
            time_spent_s=body.time_spent_s,
        ),
    )
    return _json(stored, 200 if stored.replayed else 201)


@router.post("/{name}/items/{item_id}/skip", status_code=204)
def skip(
    name: str, item_id: PathId, body: SkipBody, user: Annotator, ws: UserWorkspace
) -> Response:
    """Give back the item the caller holds; it goes to someone else, never back to them."""
    ws.projects.skip(name, item_id, user.name, reason=body.reason.strip())
    return Response(status_code=204)


@router.post("/{name}/questions", status_code=201, responses={201: {"model": Clarification}})
def ask(name: str, body: QuestionBody, user: Annotator, ws: UserWorkspace) -> JsonBody:
    """Ask the project's trainers a question; the answer goes into the next guideline version.
    An `item_id` must be an item the caller holds now or labelled: any other is a 404, the same
    as for an item that does not exist."""
    asked = ws.projects.ask(name, body.question, item_id=body.item_id, annotator=user.name)
    return _json(asked, 201)


@router.get("/{name}/reviews/queue", responses={200: {"model": list[ReviewTask]}})
def review_queue(name: str, user: Reviewer, ws: UserWorkspace, limit: QueueLimit = 20) -> JsonBody:
    """Sampled annotations waiting for review, oldest first; never the caller's own."""
    return _json(ws.projects.review_queue(name, user.name, limit=limit))


@router.post(
    "/{name}/annotations/{annotation_id}/review",
    status_code=201,
    responses={201: {"model": Review}},
)
def review(
    name: str, annotation_id: PathId, body: ReviewBody, user: Reviewer, ws: UserWorkspace
) -> JsonBody:
    """Accept, reject or correct one annotation of the review queue; 409 for one the review rate
    did not sample, already reviewed, the caller's own, or on an adjudicated item."""
    done = ws.projects.review(
        name,
        annotation_id,
        body.verdict,
        comment=body.comment,
        correction=body.correction,
        reviewer=user.name,
    )
    return _json(done, 201)


@router.get("/{name}/adjudication/queue", responses={200: {"model": list[Dispute]}})
def adjudication_queue(
    name: str, user: Adjudicator, ws: UserWorkspace, limit: QueueLimit = 20
) -> JsonBody:
    """Disputed items waiting for a decision, with every annotation on them."""
    return _json(ws.projects.adjudication_queue(name, limit=limit))


@router.post(
    "/{name}/items/{item_id}/adjudication",
    status_code=201,
    responses={201: {"model": Adjudication}},
)
def adjudicate(
    name: str, item_id: PathId, body: AdjudicateBody, user: Adjudicator, ws: UserWorkspace
) -> JsonBody:
    """Decide a disputed item; the decision is final."""
    decided = ws.projects.adjudicate(
        name, item_id, body.payload, comment=body.comment, adjudicator=user.name
    )
    return _json(decided, 201)
