"""The web app: :func:`create_app` opens a workspace, wires pages, the JSON API and errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final
from urllib.parse import urlencode

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

import mentor
from mentor.accounts import passwords
from mentor.config import load_settings
from mentor.errors import ConfigError, ConflictError, InputError, MentorError, NotFoundError
from mentor.web import ids, render
from mentor.web.body_limit import BodyLimit, RequestTooLarge
from mentor.web.headers import SecurityHeaders
from mentor.web.session import Forbidden, SignInRequired
from mentor.web.views import (
    analysis,
    annotate,
    annotate_api,
    annotate_projects,
    annotate_review,
    api,
    audit,
    auth,
    datasets,
    evals,
    evals_compare,
    feedback,
    judges,
    quality,
    reports,
    training,
    users,
    versions,
)

_STATUS: Final = {
    NotFoundError: (404, "Not found"),
    InputError: (400, "Bad request"),
    ConflictError: (409, "Conflict"),
    ConfigError: (500, "Workspace not usable"),
}


def _error(request: Request, status: int, title: str, message: str, kind: str) -> Response:
    if request.url.path.startswith("/api/"):
        body = {"error": title, "type": kind, "message": message}
        return JSONResponse(body, status_code=status)
    return render.page(request, "error.html", status, title=title, message=message, status=status)


async def _mentor_error(request: Request, exc: Exception) -> Response:
    status, title = next(
        (found for cls, found in _STATUS.items() if isinstance(exc, cls)), (400, "Bad request")
    )
    return _error(request, status, title, str(exc), type(exc).__name__)


async def _too_large(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestTooLarge)
    return _error(request, 413, "Request too large", exc.detail, type(exc).__name__)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    title = "Not found" if exc.status_code == 404 else "Request not served"
    message = f"there is no page at {request.url.path}" if exc.status_code == 404 else exc.detail
    return _error(request, exc.status_code, title, message, "HTTPException")


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    if request.url.path.startswith("/api/") or "authorization" in request.headers:
        response = _error(request, 401, "Sign-in required", exc.message, "SignInRequired")
        response.headers["WWW-Authenticate"] = 'Bearer realm="mentor"'
        return response
    target = request.url.path if request.method in ("GET", "HEAD") else "/"
    if request.url.query and request.method in ("GET", "HEAD"):
        target += f"?{request.url.query}"
    return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)


async def _forbidden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Forbidden)
    return _error(request, 403, "Not allowed", exc.message, type(exc).__name__)


async def _invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in errors)
    if any(e["type"] == ids.OUT_OF_RANGE for e in errors):  # a number no row can have
        return _error(request, 404, "Not found", problems, "NotFoundError")
    return _error(request, 400, "Bad request", problems, "RequestValidationError")


def create_app(db: str | None = None) -> FastAPI:
    """The web app over the workspace at `db` (default: ``MENTOR_DB``)."""
    workspace = mentor.connect(db)
    passwords.prepare()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        workspace.close()

    # No /docs: the interactive docs load scripts from a CDN; /openapi.json stays.
    app = FastAPI(
        title="Mentor", version=mentor.__version__, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    # Web users pick named model providers only; they never write a spec the server would run.
    app.state.workspace = workspace.untrusted()
    app.state.qa_pages = {}  # version id: its QA report page (see views.versions.qa_report)
    app.add_middleware(BodyLimit, max_bytes=load_settings().max_request_bytes, refuse=_too_large)
    # Added last, so outermost: every response, a refused body's 413 too, carries the headers.
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(MentorError, _mentor_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestTooLarge, _too_large)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(Forbidden, _forbidden)
    app.mount("/static", StaticFiles(directory=render.STATIC), name="static")
    # The annotators' API first: its next and submit are the requests a crowd sends most, and
    # routes are matched in order.
    for module in (
        annotate_api,
        api,
        auth,
        datasets,
        versions,
        audit,
        annotate,
        annotate_review,
        annotate_projects,
        evals,
        evals_compare,
        analysis,
        feedback,
        judges,
        quality,
        reports,
        training,
        users,
    ):
        app.include_router(module.router)
    return app
