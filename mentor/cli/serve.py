"""`mentor serve`: the web app on one uvicorn process."""

from __future__ import annotations

from typing import Annotated

import typer

from mentor.cli import render
from mentor.cli.options import Db, workspace


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    db: Db = None,
) -> None:
    """Start the web app (datasets, annotation, quality, evaluations) at http://HOST:PORT."""
    import uvicorn

    from mentor.web.app import create_app

    if all(user.disabled for user in workspace(db).accounts.users()):
        render.warning(
            "this workspace has no users yet, so nobody can sign in: add one with "
            "`mentor users add NAME --role admin`"
        )
    render.line(f"Mentor is serving on [bold]http://{host}:{port}[/bold] (Ctrl+C to stop)")
    uvicorn.run(create_app(db), host=host, port=port, log_level="warning")
