"""Reviewer and adjudicator pages: sampled work to accept, reject or correct (with the task's own
form), and disputed items decided with every annotation side by side."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mentor.accounts import Permission, User
from mentor.annotate.adjudication import Dispute
from mentor.annotate.reviews import ReviewTask
from mentor.web import nav, render
from mentor.web.ids import AfterId, PathId
from mentor.web.session import UserWorkspace, require
from mentor.web.views import annotate_content
from mentor.web.views.annotate_forms import payload_from_form
from mentor.workspace import Workspace

router = APIRouter()
Reviewer = Annotated[User, require(Permission.REVIEW)]
Adjudicator = Annotated[User, require(Permission.ADJUDICATE)]
PAGE: Final = 20
nav.add_link("Review", "/review", Permission.REVIEW, ("/review/", "/adjudicate"))


def _queues(ws: Workspace) -> list[tuple[str, str, int, int]]:
    """(project, task type, reviews pending, disputed items) for every project."""
    rows = []
    for project in ws.projects.all():
        found = ws.projects.progress(project.name)
        rows.append((project.name, project.task_type, found.review_pending, found.disputed))
    return rows


@router.get("/review", response_class=HTMLResponse)
def review_home(request: Request, user: Reviewer, ws: UserWorkspace) -> HTMLResponse:
    """Every project with its work waiting for review and adjudication."""
    return render.page(request, "annotate/review_home.html", rows=_queues(ws), user=user)


def _review_view(name: str, entry: ReviewTask) -> ReviewTask:
    base = f"/review/{name}/annotations/{entry.annotation.id}/images"
    view = annotate_content.with_image_links(entry.view, base)
    return ReviewTask(entry.annotation, view, entry.status)


def _next_link(name: str, area: str, more: bool, last: int) -> str:
    """The address of the next page ('' on the last page)."""
    return f"/{area}/{name}?after={last}" if more else ""


@router.get("/review/{name}", response_class=HTMLResponse)
def review_queue(
    request: Request, name: str, user: Reviewer, ws: UserWorkspace, after: AfterId = None
) -> HTMLResponse:
    """Sampled annotations of other people waiting for my verdict, oldest first, a page at a
    time (``?after=ANNOTATION_ID`` pages on)."""
    found = ws.projects.review_queue(name, user.name, limit=PAGE + 1, after=after)
    entries = found[:PAGE]
    last = entries[-1].annotation.id if entries else 0
    return render.page(
        request,
        "annotate/review.html",
        project=ws.projects.get(name),
        entries=[_review_view(name, e) for e in entries],
        reviewed=request.query_params.get("reviewed", ""),
        show=annotate_content.content,
        marked=annotate_content.marked_text,
        paged=after is not None,
        next_page=_next_link(name, "review", len(found) > PAGE, last),
    )


@router.get("/review/{name}/annotations/{annotation_id}/images/{number}")
def review_image(
    name: str, annotation_id: PathId, number: int, user: Reviewer, ws: UserWorkspace
) -> Response:
    """An image of an item waiting for my review."""
    entry = ws.projects.review_task(name, annotation_id, user.name)
    return annotate_content.image_response(entry.view, number)


@router.post("/review/{name}/annotations/{annotation_id}")
async def review(
    request: Request, name: str, annotation_id: PathId, user: Reviewer, ws: UserWorkspace
) -> Response:
    """Accept, reject or correct one annotation of my review queue, with a comment (409 for one
    not sampled, already reviewed, my own, or on an adjudicated item)."""
    form = await request.form()
    verdict = str(form.get("verdict", ""))
    correction = None
    if verdict == "correct":
        correction = payload_from_form(ws.projects.get(name).task, form)
    ws.projects.review(
        name,
        annotation_id,
        verdict,
        comment=str(form.get("review-comment", "")).strip(),
        correction=correction,
        reviewer=user.name,
    )
    return RedirectResponse(f"/review/{name}?reviewed={annotation_id}", status_code=303)


def _dispute_view(name: str, dispute: Dispute) -> Dispute:
    base = f"/adjudicate/{name}/items/{dispute.item_id}/images"
    view = annotate_content.with_image_links(dispute.view, base)
    return Dispute(dispute.project, dispute.item_id, dispute.record_id, view, dispute.annotations)


@router.get("/adjudicate", response_class=HTMLResponse)
def adjudicate_home(request: Request, user: Adjudicator, ws: UserWorkspace) -> HTMLResponse:
    """Every project with its disputed items."""
    return render.page(request, "annotate/review_home.html", rows=_queues(ws), user=user)


@router.get("/adjudicate/{name}", response_class=HTMLResponse)
def adjudication_queue(
    request: Request, name: str, user: Adjudicator, ws: UserWorkspace, after: AfterId = None
) -> HTMLResponse:
    """Disputed items with every annotation side by side, and a form to decide each, a page at
    a time (``?after=ITEM_ID`` pages on)."""
    found = ws.projects.adjudication_queue(name, limit=PAGE + 1, after=after)
    disputes = found[:PAGE]
    last = disputes[-1].item_id if disputes else 0
    return render.page(
        request,
        "annotate/adjudicate.html",
        project=ws.projects.get(name),
        disputes=[_dispute_view(name, d) for d in disputes],
        decided=request.query_params.get("decided", ""),
        adjudicator=user.name,
        show=annotate_content.content,
        marked=annotate_content.marked_text,
        paged=after is not None,
        next_page=_next_link(name, "adjudicate", len(found) > PAGE, last),
    )


@router.get("/adjudicate/{name}/items/{item_id}/images/{number}")
def dispute_image(
    name: str, item_id: PathId, number: int, user: Adjudicator, ws: UserWorkspace
) -> Response:
    """An image of a disputed item."""
    return annotate_content.image_response(ws.projects.dispute(name, item_id).view, number)


@router.post("/adjudicate/{name}/items/{item_id}")
async def adjudicate(
    request: Request, name: str, item_id: PathId, user: Adjudicator, ws: UserWorkspace
) -> Response:
    """Decide a disputed item; the decision is final."""
    form = await request.form()
    payload = payload_from_form(ws.projects.get(name).task, form)
    comment = str(form.get("decision-comment", "")).strip()
    ws.projects.adjudicate(name, item_id, payload, comment=comment, adjudicator=user.name)
    return RedirectResponse(f"/adjudicate/{name}?decided={item_id}", status_code=303)
