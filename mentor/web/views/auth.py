"""Signing in and out, and one's own account: role, what it allows, password, API tokens."""

from __future__ import annotations

import re
from typing import Annotated, Final, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from mentor.accounts import PasswordChange, Permission, SignInError, User
from mentor.accounts.keys import new_secret, same
from mentor.accounts.roles import DESCRIPTIONS, GRANTS
from mentor.accounts.sessions import LIFETIME
from mentor.accounts.throttle import TooManyAttempts
from mentor.errors import InputError, NotFoundError
from mentor.web import nav, render
from mentor.web.ids import PathId
from mentor.web.session import SESSION_COOKIE, UserWorkspace, require, signed_in
from mentor.web.workspace import CurrentWorkspace

router = APIRouter()
SameSite = Literal["lax", "strict"]
Own = Annotated[User, require(Permission.OWN_ACCOUNT)]
# The sign-in form has no session yet: its CSRF token is a random value in a cookie that only
# this site can read, which the form must echo (the "double-submit" pattern).
LOGIN_COOKIE: Final = "mentor_login"
_SECRET: Final = re.compile(r"[A-Za-z0-9_-]{43}")
_SAFE_NEXT: Final = re.compile(r"/(?![/\\])[^\s\\]*")


def _set_cookie(
    response: Response, request: Request, name: str, value: str, max_age: int, same_site: SameSite
) -> None:
    secure = request.url.scheme == "https"
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=secure, httponly=True, samesite=same_site
    )


def _forget_cookie(response: Response, request: Request, name: str, same_site: SameSite) -> None:
    secure = request.url.scheme == "https"
    response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite=same_site)


def client_address(request: Request) -> str:
    """The address a request comes from, which failed sign-ins are counted against. Behind a
    reverse proxy it is the proxy's, unless ``mentor serve`` runs with ``--proxy-headers`` and
    ``--forwarded-allow-ips`` naming the proxy (then it is taken from ``X-Forwarded-For``)."""
    return request.client.host if request.client else ""


def _next(value: str) -> str:
    """`value` if it is a path on this site (never another site: no open redirects), else ''."""
    return value if _SAFE_NEXT.fullmatch(value) else ""


def _login_page(request: Request, status: int, next_page: str, error: str = "") -> HTMLResponse:
    token = request.cookies.get(LOGIN_COOKIE, "")
    token = token if _SECRET.fullmatch(token) else new_secret()
    response = render.page(
        request, "login.html", status, next=_next(next_page), error=error, csrf_token=token
    )
    _set_cookie(response, request, LOGIN_COOKIE, token, 3600, "strict")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "") -> HTMLResponse:
    """The sign-in form (`next`: the page to go to afterwards)."""
    return _login_page(request, 200, next)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    ws: CurrentWorkspace,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Check the password, start a session, and go on to `next`."""
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not same(csrf_token, expected):
        return _login_page(
            request, 403, next, "the sign-in form expired or came from elsewhere; try again"
        )
    try:
        session = ws.accounts.login(name, password, client=client_address(request))
    except TooManyAttempts as exc:
        return _login_page(request, 429, next, str(exc))
    except SignInError as exc:
        return _login_page(request, 400, next, str(exc))
    response = RedirectResponse(_next(next) or nav.landing(session.user), status_code=303)
    lifetime = int(LIFETIME.total_seconds())
    _set_cookie(response, request, SESSION_COOKIE, session.token, lifetime, "lax")
    _forget_cookie(response, request, LOGIN_COOKIE, "strict")
    return response


@router.post("/logout", dependencies=[require(Permission.OWN_ACCOUNT)])
def logout(request: Request, ws: CurrentWorkspace) -> Response:
    """End this browser's session on the server and forget its cookie."""
    ws.accounts.logout(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    _forget_cookie(response, request, SESSION_COOKIE, "lax")
    return response


def _account_page(
    request: Request,
    user: User,
    ws: UserWorkspace,
    status: int = 200,
    new_token: str = "",
    change: PasswordChange | None = None,
    password_error: str = "",
) -> Response:
    visitor = signed_in(request)
    grants = [(p, DESCRIPTIONS[p], p in GRANTS[user.role]) for p in Permission]
    return render.page(
        request,
        "account.html",
        status,
        user=user,
        grants=grants,
        tokens=ws.accounts.tokens(user.name),
        new_token=new_token,
        change=change,
        password_error=password_error,
        via=visitor.via if visitor else "",
    )


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, user: Own, ws: UserWorkspace) -> Response:
    """Who you are, what your role may do, your password and your API tokens."""
    return _account_page(request, user, ws)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    user: Own,
    ws: UserWorkspace,
    current: Annotated[str, Form()],
    password: Annotated[str, Form()],
    confirm: Annotated[str, Form()],
    revoke_tokens: Annotated[bool, Form()] = False,
) -> Response:
    """Change your own password; your other sessions end, and your tokens if you ask."""
    visitor = signed_in(request)
    this_session = visitor.secret if visitor and visitor.via == "session" else ""
    if password != confirm:
        differ = "the two new passwords differ; type the same one twice"
        return _account_page(request, user, ws, 400, password_error=differ)
    try:
        change = ws.accounts.change_password(
            user.name,
            current,
            password,
            revoke_tokens=revoke_tokens,
            keep_session=this_session,
            client=client_address(request),
        )
    except TooManyAttempts as exc:
        return _account_page(request, user, ws, 429, password_error=str(exc))
    except (SignInError, InputError) as exc:
        return _account_page(request, user, ws, 400, password_error=str(exc))
    return _account_page(request, user, ws, change=change)


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(
    request: Request, user: Own, ws: UserWorkspace, label: Annotated[str, Form()] = ""
) -> Response:
    """Make an API token for yourself; the page shows it this once."""
    new = ws.accounts.create_token(user.name, label.strip()[:200])
    return _account_page(request, user, ws, new_token=new.token)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(token_id: PathId, user: Own, ws: UserWorkspace) -> Response:
    """Revoke one of your API tokens (an admin may revoke anyone's)."""
    try:
        owner = ws.accounts.token(token_id).user
    except NotFoundError:
        owner = None
    if owner is None or (owner != user.name and not user.may(Permission.MANAGE_USERS)):
        # The same answer for a token that is not there and one that is not yours: ids of
        # other people's tokens are not to be probed.
        raise NotFoundError(f"you have no API token with id {token_id}")
    ws.accounts.revoke_token(token_id)
    return RedirectResponse("/account", status_code=303)


@router.get("/api/me")
def me(user: Own) -> JSONResponse:
    """The user a request is signed in as, with their role and permissions."""
    permissions = sorted(p.value for p in Permission if user.may(p))
    return JSONResponse({"name": user.name, "role": user.role.value, "permissions": permissions})
