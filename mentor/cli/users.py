"""`mentor users`: users, roles and API tokens (over mentor.accounts)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Users, roles and API tokens.", no_args_is_help=True)
