"""Options every command shares, and opening the workspace they name."""

from __future__ import annotations

from typing import Annotated

import typer

from mentor.config import load_settings
from mentor.errors import ConfigError
from mentor.workspace import Workspace, connect

Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="MENTOR_DB",
        show_envvar=True,
        help="Database URL (default: sqlite:///mentor.db).",
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead.")]

# How model calls are paced and retried (eval run, generate).
Concurrency = Annotated[int, typer.Option("--concurrency", help="Calls in flight at once.")]
Rate = Annotated[
    float | None, typer.Option("--rate", help="At most this many requests per second per model.")
]
Timeout = Annotated[float, typer.Option("--timeout", help="Seconds per call.")]
Retries = Annotated[
    int, typer.Option("--retries", help="Retries of a call after 429, 5xx or a timeout.")
]


def workspace(db: str | None) -> Workspace:
    """The workspace at `db` (or MENTOR_DB, or ./mentor.db). An in-memory SQLite database is
    refused: it would be gone when the command ends, with whatever the command wrote to it."""
    url = db or load_settings().db
    scheme, _, path = url.partition("://")
    if scheme.split("+")[0] == "sqlite" and path.removeprefix("/") in ("", ":memory:"):
        raise ConfigError(
            f"--db / MENTOR_DB: '{url}' is an in-memory database, lost when the command ends; "
            "give a file, e.g. sqlite:///mentor.db"
        )
    return connect(db)
