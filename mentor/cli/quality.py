"""`mentor quality`: agreement, gold accuracy and KPIs of annotation work (over mentor.quality)."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Quality of annotation work: agreement, gold accuracy, KPIs.", no_args_is_help=True
)
