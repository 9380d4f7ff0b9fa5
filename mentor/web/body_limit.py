"""The largest request body the server takes (an ASGI middleware; ``MENTOR_MAX_REQUEST_BYTES``).

A body declared larger (``Content-Length``) is refused before the app runs; a body sent in
chunks is counted as it arrives and refused the moment it passes the limit, before anything
parses it, so an oversized request costs neither memory nor a write.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Refuse = Callable[[Request, Exception], Awaitable[Response]]
"""Renders the 413 of a :class:`RequestTooLarge` (the app's exception handler for it)."""


class RequestTooLarge(HTTPException):
    """A request body over the limit (413); the message says the limit."""

    def __init__(self, limit: int, declared: int | None = None) -> None:
        size = f"is {declared:,} bytes" if declared is not None else "goes on past the limit"
        super().__init__(
            413,
            f"the request body {size}; this server accepts at most {limit:,} bytes (the setting "
            "MENTOR_MAX_REQUEST_BYTES)",
        )


def _declared(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class BodyLimit:
    """Refuses (413) a request whose body is over `max_bytes`, declared or as it streams."""

    def __init__(self, app: ASGIApp, max_bytes: int, refuse: Refuse) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared(scope)
        if declared is not None and declared > self.max_bytes:
            error = RequestTooLarge(self.max_bytes, declared)
            response = await self.refuse(Request(scope), error)
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Raised inside whatever reads the body; the app answers it with the 413.
                    raise RequestTooLarge(self.max_bytes)
            return message

        await self.app(scope, counted, send)
