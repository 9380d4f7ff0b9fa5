"""`mentor providers ...`: the model providers an admin names for the web app and projects."""

from __future__ import annotations

from typing import Annotated

import typer

from mentor.cli import render
from mentor.cli.options import Db, Json, workspace
from mentor.providers.named import NamedProvider, ProviderSpec
from mentor.providers.registry import SPEC_HELP

app = typer.Typer(
    help="Named model providers: the only ones the web app may pick (pre-labels).",
    no_args_is_help=True,
)
Name = Annotated[
    str, typer.Argument(metavar="NAME", help="A short name (lower-case letters, digits, . _ -).")
]


def _spec_text(spec: ProviderSpec) -> str:
    if isinstance(spec, str):
        return spec
    inner = spec.get("spec", spec.get("type", ""))
    return f"{inner} (system prompt)" if "system" in spec else str(inner)


@app.command("add")
def add(
    name: Name,
    spec: Annotated[str, typer.Argument(metavar="SPEC", help=f"What it runs: {SPEC_HELP}.")],
    system: Annotated[
        str | None, typer.Option("--system", help="A system prompt put before every request.")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="What it is for, shown in lists.")] = "",
    replace: Annotated[
        bool, typer.Option("--replace", help="Change the spec of an existing name.")
    ] = False,
    db: Db = None,
    json: Json = False,
) -> None:
    """Name a provider spec, so web users can pick it by NAME without ever writing a command,
    URL or path (``--prelabel model:NAME``). API keys stay in the server's environment."""
    found: ProviderSpec = {"spec": spec, "system": system} if system else spec
    named = workspace(db).providers.add(name, found, note=note, replace=replace)
    if json:
        render.emit_json(named)
    else:
        render.success(f"named {named.name}: {_spec_text(named.spec)}")


@app.command("list")
def list_(db: Db = None, json: Json = False) -> None:
    """List the named providers."""
    found = workspace(db).providers.all()
    if json:
        render.emit_json(found)
        return
    render.table("Named providers", ["name", "spec", "note", "added by"], [_row(p) for p in found])


def _row(p: NamedProvider) -> list[str]:
    return [p.name, _spec_text(p.spec), p.note, f"{p.added_by} {p.added_at:%Y-%m-%d}"]


@app.command("remove")
def remove(name: Name, db: Db = None) -> None:
    """Forget a named provider."""
    workspace(db).providers.remove(name)
    render.success(f"removed {name}")
