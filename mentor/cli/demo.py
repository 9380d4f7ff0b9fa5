"""`mentor demo`: build the demo workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mentor.cli import render
from mentor.cli.options import Db, Json, workspace
from mentor.config import load_settings
from mentor.demo import seed_demo
from mentor.demo.evals import RUN_PROGRESS
from mentor.demo.seed import make_exports_folder


def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo's exports.")] = Path(
        "demo-workspace/exports"
    ),
    reset: Annotated[bool, typer.Option("--reset", help="Delete the SQLite file first.")] = False,
    skip_evals: Annotated[
        bool,
        typer.Option(
            "--skip-evals",
            help="Leave out the evaluation runs of the bundled model (minutes on a CPU).",
        ),
    ] = False,
    db: Db = None,
    json: Json = False,
) -> None:
    """Seed a workspace with the demo: datasets, versions, exports, datasheets, QA reports,
    users, annotation projects and an evaluation of the bundled model."""
    db = db or load_settings().db
    make_exports_folder(out)  # before the workspace is made: a bad --out leaves nothing behind
    if reset and db.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(db.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    ws = workspace(db)
    # The evaluation runs take minutes on a CPU: show each one's progress bar.
    token = RUN_PROGRESS.set(None if json else lambda title: render.progress(f"eval {title}"))
    try:
        steps = seed_demo(
            ws,
            out,
            on_step=None if json else lambda s: render.success(f"{s.command}\n    → {s.result}"),
            with_evals=not skip_evals,
        )
    finally:
        RUN_PROGRESS.reset(token)
    if json:
        render.emit_json(steps)
