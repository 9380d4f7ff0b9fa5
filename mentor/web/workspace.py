"""The workspace a request works on: opened once by :func:`mentor.web.app.create_app`."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from mentor.workspace import Workspace


def current_workspace(request: Request) -> Workspace:
    """The app's workspace (a FastAPI dependency)."""
    return cast(Workspace, request.app.state.workspace)


CurrentWorkspace = Annotated[Workspace, Depends(current_workspace)]
