"""The admin's page of users: add one, change a role, set a password, disable or enable."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mentor.accounts import Permission, Role
from mentor.web import nav, render
from mentor.web.session import UserWorkspace, require, signed_in

router = APIRouter(dependencies=[require(Permission.MANAGE_USERS)])
nav.add_link("Users", "/users", Permission.MANAGE_USERS)


def _back() -> Response:
    return RedirectResponse("/users", status_code=303)


@router.get("/users", response_class=HTMLResponse)
def users(request: Request, ws: UserWorkspace) -> HTMLResponse:
    """Every user with their role and state, and a form to add one."""
    return render.page(request, "users.html", users=ws.accounts.users(), roles=list(Role))


@router.post("/users")
def add_user(
    ws: UserWorkspace,
    name: Annotated[str, Form()],
    role: Annotated[str, Form()],
    password: Annotated[str, Form()],
) -> Response:
    """Add a user (the admin tells them the password)."""
    ws.accounts.add_user(name.strip(), role, password)
    return _back()


@router.post("/users/{name}/role")
def set_role(name: str, ws: UserWorkspace, role: Annotated[str, Form()]) -> Response:
    """Give a user another role."""
    ws.accounts.set_role(name, role)
    return _back()


@router.post("/users/{name}/password")
def set_password(
    request: Request,
    name: str,
    ws: UserWorkspace,
    password: Annotated[str, Form()],
    revoke_tokens: Annotated[bool, Form()] = False,
) -> Response:
    """Give a user a new password (the admin tells them); their sessions end, and their API
    tokens too if the box is ticked."""
    visitor = signed_in(request)
    this_session = visitor.secret if visitor and visitor.via == "session" else ""
    ws.accounts.set_password(name, password, revoke_tokens=revoke_tokens, keep_session=this_session)
    return _back()


@router.post("/users/{name}/disable")
def disable(name: str, ws: UserWorkspace) -> Response:
    """Stop a user from signing in; their sessions end now."""
    ws.accounts.disable(name)
    return _back()


@router.post("/users/{name}/enable")
def enable(name: str, ws: UserWorkspace) -> Response:
    """Let a disabled user sign in again."""
    ws.accounts.enable(name)
    return _back()
