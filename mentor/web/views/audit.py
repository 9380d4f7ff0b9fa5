"""The audit log page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from mentor.web import render
from mentor.web.session import Permission, require
from mentor.web.workspace import CurrentWorkspace

router = APIRouter(dependencies=[require(Permission.VIEW_DATA)])
Limit = Annotated[int, Query(ge=1, le=1000, description="How many events, newest first.")]
About = Annotated[str | None, Query(alias="object", description="Only events about this id.")]


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request, ws: CurrentWorkspace, limit: Limit = 100, about: About = None
) -> HTMLResponse:
    """The newest audit events, optionally about one object (e.g. ``hh-harmless@v1``)."""
    events = ws.audit(limit=limit, object_id=about or None)
    return render.page(request, "audit.html", events=events, limit=limit, about=about or "")
