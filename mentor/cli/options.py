"""Options every command shares, and opening the workspace they name."""

from __future__ import annotations

from typing import Annotated

import typer

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


def workspace(db: str | None) -> Workspace:
    """The workspace at `db` (or MENTOR_DB, or ./mentor.db)."""
    return connect(db)
