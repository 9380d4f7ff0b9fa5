"""The security headers every response carries (an ASGI middleware).

Record text is untrusted: besides sanitising it, pages run only Mentor's own scripts and styles
from /static (no inline script or style, no eval), so markup that slips through can run nothing.
"""

from __future__ import annotations

from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY: Final = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# Pages carry private data and CSRF tokens: no cache may keep them.
PRIVATE: Final = {"Cache-Control": "no-store"}
# Only over TLS (RFC 6797 §7.2): a browser told so over plain http would lock out a server that
# has no TLS at all. The scheme is https behind a proxy only when uvicorn trusts its headers.
HSTS: Final = {"Strict-Transport-Security": "max-age=31536000"}


Raw = list[tuple[bytes, bytes]]
SERVER_ERROR: Final = b"Internal Server Error"
_SERVER_ERROR_HEADERS: Final = (
    (b"content-type", b"text/plain; charset=utf-8"),
    (b"content-length", str(len(SERVER_ERROR)).encode()),
)


def _raw(*groups: dict[str, str]) -> tuple[frozenset[bytes], Raw]:
    """The headers as ASGI sends them (lower-case names, bytes), and their names."""
    pairs = [(k.lower().encode(), v.encode()) for group in groups for k, v in group.items()]
    return frozenset(name for name, _ in pairs), pairs


# (static file?, https?) -> the headers to set, encoded once.
_SETS: Final = {
    (static, https): _raw(SECURITY, {} if static else PRIVATE, HSTS if https else {})
    for static in (False, True)
    for https in (False, True)
}


class SecurityHeaders:
    """Sets :data:`SECURITY` on every response, :data:`PRIVATE` on all but /static/, and
    :data:`HSTS` on responses to requests that came over https (replacing any the app set)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")
        names, added = _SETS[static, scope.get("scheme") == "https"]

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                kept = [(n, v) for n, v in message.get("headers", ()) if n.lower() not in names]
                message["headers"] = kept + added
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Starlette's 500 page is made outside every middleware, so it would go out bare:
            # send it from here, with the headers, and let the error go on to be logged.
            if not started:
                start = {"type": "http.response.start", "status": 500}
                await send_with_headers({**start, "headers": list(_SERVER_ERROR_HEADERS)})
                await send({"type": "http.response.body", "body": SERVER_ERROR})
            raise
