"""`mentor serve`: the web app on one uvicorn process, or several over one PostgreSQL database."""

from __future__ import annotations

import os
import socket
from typing import Annotated

import typer

from mentor.cli import render
from mentor.cli.options import Db, workspace
from mentor.errors import ConfigError, InputError

WORKER_HEALTHCHECK_S = 30
"""Seconds a worker may take to answer the supervisor before it is replaced as hung."""


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Worker processes sharing the port; more than 1 needs a PostgreSQL database. "
            "A worker that dies is replaced.",
        ),
    ] = 1,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            "--proxy-headers",
            help="Take the client address and scheme from X-Forwarded-For and X-Forwarded-Proto, "
            "sent by a proxy listed in --forwarded-allow-ips (behind a TLS proxy only).",
        ),
    ] = False,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            "--forwarded-allow-ips",
            help="Comma-separated addresses of the proxies whose forwarded headers are trusted.",
        ),
    ] = "127.0.0.1",
    db: Db = None,
) -> None:
    """Start the web app (datasets, annotation, quality, evaluations) at http://HOST:PORT.

    On PostgreSQL, --workers N runs N processes over the one database; behind a TLS proxy add
    --proxy-headers (see docs/accounts.md, "Deploying behind TLS with several workers").
    """
    import uvicorn

    from mentor.web.app import create_app
    from mentor.web.wire import Protocol

    _check_host(host, port)
    ws = workspace(db)  # migrates once, here, before any worker starts
    if workers > 1 and ws.engine.dialect.name == "sqlite":
        raise ConfigError(
            f"--workers {workers} needs PostgreSQL (--db postgresql+psycopg://user@host/dbname): "
            "on SQLite the workers would queue for one write lock and a writer could give up "
            "after the 30 s busy timeout; serve SQLite with one worker"
        )
    if all(user.disabled for user in ws.accounts.users()):
        render.warning(
            "this workspace has no users yet, so nobody can sign in: add one with "
            "`mentor users add NAME --role admin`"
        )
    # Every worker opens the workspace itself, from the environment it inherits.
    os.environ["MENTOR_DB"] = ws.settings.db
    ws.close()
    many = f" with {workers} workers" if workers > 1 else ""
    render.line(f"Mentor is serving on [bold]http://{host}:{port}[/bold]{many} (Ctrl+C to stop)")
    uvicorn.run(
        f"{create_app.__module__}:{create_app.__name__}",  # each worker calls it, reads MENTOR_DB
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        log_level="warning",
        # uvicorn kills a worker that does not answer its supervisor's ping within this many
        # seconds; its default of 5 killed busy, healthy workers on a loaded 2-core machine
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
        http=Protocol,
    )


def _check_host(host: str, port: int) -> None:
    """Refuse an address that names no interface of this machine, before announcing it."""
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(
            f"cannot listen on {host!r} ({exc}); expected an address such as 127.0.0.1, "
            "0.0.0.0 or a host name",
            where="--host",
        ) from None
