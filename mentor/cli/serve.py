"""`mentor serve`: the web app on one uvicorn process."""

from __future__ import annotations

from typing import Annotated

import typer

from mentor.cli import render
from mentor.cli.options import Db


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    db: Db = None,
) -> None:
    """Start the web app (datasets, versions, lineage, datasheets) at http://HOST:PORT."""
    import uvicorn

    from mentor.web.app import create_app

    render.line(f"Mentor is serving on [bold]http://{host}:{port}[/bold] (Ctrl+C to stop)")
    uvicorn.run(create_app(db), host=host, port=port, log_level="warning")
