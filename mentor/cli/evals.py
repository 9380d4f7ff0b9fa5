"""`mentor eval`: run suites, compare runs, gate releases (over mentor.evals)."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Evaluate models: run suites, compare runs, gate releases.", no_args_is_help=True
)
