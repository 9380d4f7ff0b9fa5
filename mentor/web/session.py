"""Who is asking, and may they: session cookies, API tokens, permissions per route, CSRF.

Every route but the sign-in page declares what it needs, and gets the user back::

    from mentor.web.session import Permission, SignedIn, UserWorkspace, require

    router = APIRouter(dependencies=[require(Permission.ANNOTATE)])  # every route of a router

    @router.post("/tasks/{item}", dependencies=[require(Permission.REVIEW)])  # one route
    def submit(item: int, user: SignedIn, ws: UserWorkspace) -> Response: ...

    def page(user: Annotated[User, require(Permission.VIEW_DATA)]) -> Response: ...

A request without a user is sent to ``/login?next=...`` (pages) or answered 401 (``/api/`` and
requests with an ``Authorization`` header); a user whose role lacks the permission gets 403.
Unsafe methods (POST, PUT, PATCH, DELETE) from a browser session must carry the session's CSRF
token, as the form field ``csrf_token`` (``{{ csrf_field() }}`` in a template) or the header
``X-CSRF-Token``; requests authenticated by ``Authorization: Bearer <token>`` need none.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Final, Literal

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute, Mount

from mentor.accounts import Permission, User, csrf_token
from mentor.accounts.keys import same
from mentor.accounts.roles import DESCRIPTIONS
from mentor.web.workspace import current_workspace
from mentor.workspace import Workspace

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "CsrfRefused",
    "Forbidden",
    "Permission",
    "Requirement",
    "RouteRule",
    "SignInRequired",
    "SignedIn",
    "UserWorkspace",
    "Visitor",
    "acting_workspace",
    "identify",
    "require",
    "route_rules",
    "signed_in",
]

SESSION_COOKIE: Final = "mentor_session"
CSRF_FIELD: Final = "csrf_token"
CSRF_HEADER: Final = "X-CSRF-Token"
UNSAFE: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FORMS: Final = ("application/x-www-form-urlencoded", "multipart/form-data")
_NOBODY: Final = object()


@dataclass(frozen=True)
class Visitor:
    """The signed-in user of a request and how they proved it."""

    user: User
    via: Literal["session", "token"]
    secret: str = field(repr=False)

    @property
    def csrf_token(self) -> str:
        """The CSRF token this visitor's forms carry ('' for API tokens, which need none)."""
        return csrf_token(self.secret) if self.via == "session" else ""


class SignInRequired(Exception):
    """No user (or an unusable token): pages redirect to sign in, the API answers 401."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Forbidden(Exception):
    """A signed-in user whose role lacks the permission: 403."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CsrfRefused(Forbidden):
    """An unsafe request from a browser session without its CSRF token: 403."""


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise SignInRequired("the Authorization header must be 'Bearer <token>'")
    return token.strip()


def _lookup(request: Request) -> Visitor | None:
    accounts = current_workspace(request).accounts
    token = _bearer(request)
    if token is not None:
        user = accounts.token_user(token)
        if user is None:
            raise SignInRequired(
                "the API token is not valid: it is unknown, revoked, or its user is disabled"
            )
        return Visitor(user, "token", token)
    cookie = request.cookies.get(SESSION_COOKIE)
    user = accounts.session_user(cookie) if cookie else None
    return Visitor(user, "session", cookie) if user is not None and cookie else None


def identify(request: Request) -> Visitor | None:
    """Who sent `request` (looked up once per request); raises SignInRequired for a bad token."""
    found = getattr(request.state, "visitor", _NOBODY)
    if found is _NOBODY:
        try:
            found = _lookup(request)
        except SignInRequired as exc:
            request.state.visitor_error = exc
            found = None
        request.state.visitor = found
    error = getattr(request.state, "visitor_error", None)
    if error is not None:
        raise error
    assert found is None or isinstance(found, Visitor)
    return found


def signed_in(request: Request) -> Visitor | None:
    """The visitor for rendering (a bad token shows as nobody instead of raising)."""
    try:
        return identify(request)
    except SignInRequired:
        return None


def _sign_in_first() -> SignInRequired:
    return SignInRequired(
        "sign in first: in a browser at /login; from a program send 'Authorization: Bearer "
        "<token>' (make one with `mentor users token create NAME`)"
    )


async def _check_csrf(request: Request, visitor: Visitor) -> None:
    sent: Any = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(_FORMS):
        sent = (await request.form()).get(CSRF_FIELD)
    if not isinstance(sent, str) or not same(sent, visitor.csrf_token):
        raise CsrfRefused(
            "this form did not come from a Mentor page of your session (its CSRF token is "
            "missing or wrong); reload the page and send it again"
        )


class Requirement:
    """The dependency :func:`require` makes: authenticate, check CSRF, check the permission."""

    def __init__(self, permission: Permission):
        self.permission = Permission(permission)

    async def __call__(self, request: Request) -> User:
        visitor = await _identified(request)
        if visitor is None:
            raise _sign_in_first()
        if request.method in UNSAFE and visitor.via == "session":
            await _check_csrf(request, visitor)
        user = visitor.user
        if not user.may(self.permission):
            raise Forbidden(
                f"{user.name} is {_a(user.role)}, and {_a(user.role)} may not "
                f"{DESCRIPTIONS[self.permission]}; ask an admin if you need to"
            )
        return user

    def __repr__(self) -> str:
        return f"require({self.permission.name})"


def _a(role: str) -> str:
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"


def require(permission: Permission) -> Any:
    """A dependency that lets through only users who may do `permission`; it returns the
    :class:`~mentor.accounts.User`. Use it in ``dependencies=[...]`` or ``Annotated[User, ...]``."""
    return Depends(Requirement(permission))


async def _identified(request: Request) -> Visitor | None:
    """:func:`identify` without blocking the event loop: the lookup (a database read) runs in
    the thread pool the first time, and later dependencies of the request reuse its answer
    on the loop itself, saving a trip through the pool each."""
    if getattr(request.state, "visitor", _NOBODY) is _NOBODY:
        request.state.visitor = _read_on_loop(request)
        if request.state.visitor is _NOBODY:
            return await run_in_threadpool(identify, request)
    return identify(request)


def _read_on_loop(request: Request) -> Visitor | object:
    """On SQLite, a live token or session whose use needs no recording, read on the event loop:
    the read takes microseconds, less than a trip through the thread pool. Anything else (a
    write due, an unknown or refused credential, another database) is _NOBODY: look it up in
    the pool, where a write may wait for the database's lock without stopping the loop."""
    ws = current_workspace(request)
    if ws.engine.dialect.name != "sqlite":
        return _NOBODY
    try:
        token = _bearer(request)
    except SignInRequired:
        return _NOBODY
    if token is not None:
        held = ws.accounts.peek_token(token)
        return _NOBODY if held is None or held.stale else Visitor(held.user, "token", token)
    cookie = request.cookies.get(SESSION_COOKIE)
    live = ws.accounts.peek_session(cookie) if cookie else None
    if live is None or live.stale or not cookie:
        return _NOBODY
    return Visitor(live.user, "session", cookie)


async def _signed_in_user(request: Request) -> User:
    visitor = await _identified(request)
    if visitor is None:
        raise _sign_in_first()
    return visitor.user


async def acting_workspace(request: Request) -> Workspace:
    """The app's workspace acting as the signed-in user (the audit log records their name)."""
    return current_workspace(request).acting_as((await _signed_in_user(request)).name)


SignedIn = Annotated[User, Depends(_signed_in_user)]
"""The signed-in user (pair it with a ``require(...)`` on the route or router)."""
UserWorkspace = Annotated[Workspace, Depends(acting_workspace)]
"""The workspace acting as the signed-in user; use it for every change a view makes."""


@dataclass(frozen=True)
class RouteRule:
    """Who may use one route of the app: the permissions its dependencies require."""

    path: str
    methods: frozenset[str]
    permissions: frozenset[Permission]
    mount: bool = False


def _walk(dependant: Dependant) -> Iterator[Any]:
    yield dependant.call
    for sub in dependant.dependencies:
        yield from _walk(sub)


def route_rules(routes: Sequence[BaseRoute]) -> list[RouteRule]:
    """Every route in `routes` (``app.routes``, included routers flattened) with the
    permissions it declares; empty for a public one, such as the sign-in page."""
    rules = []
    for context in iter_route_contexts(routes):
        dependant = getattr(context, "dependant", None)
        calls = _walk(dependant) if isinstance(dependant, Dependant) else iter(())
        rules.append(
            RouteRule(
                path=context.path or "",
                methods=frozenset(context.methods or ()) - {"HEAD", "OPTIONS"},
                permissions=frozenset(c.permission for c in calls if isinstance(c, Requirement)),
                mount=isinstance(context.original_route, Mount),
            )
        )
    return rules
