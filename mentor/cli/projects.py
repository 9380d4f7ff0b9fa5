"""`mentor projects`: create, fill, watch and release annotation projects (over mentor.annotate)."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Annotation projects: create, fill, watch and release.", no_args_is_help=True
)
