"""`mentor audit`: the append-only log of every change."""

from __future__ import annotations

from typing import Annotated

import typer

from mentor.cli import render
from mentor.cli.options import Db, Json, workspace


def audit(
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="How many events, newest first.")
    ] = 50,
    object_id: Annotated[
        str | None, typer.Option("--object", help="Only events about this object, e.g. hh@v2.")
    ] = None,
    db: Db = None,
    json: Json = False,
) -> None:
    """Show the audit log: who changed what, when, with ids before and after."""
    events = workspace(db).audit(limit=limit, object_id=object_id)
    if json:
        render.emit_json(events)
        return
    render.table(
        "Audit log",
        ["#", "at", "actor", "action", "object", "detail"],
        [
            [e.id, f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action, e.object_id, e.detail or ""]
            for e in events
        ],
    )
