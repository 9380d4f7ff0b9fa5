"""The `mentor` command: sub-commands per area; errors become one clear line and an exit code."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from mentor import __version__
from mentor.cli import agreement, audit, datasets, demo, evals, projects, qa, quality, serve, users
from mentor.config import load_settings
from mentor.errors import MentorError

app = typer.Typer(
    name="mentor",
    help="Mentor: create, check, version and export the data that trains LLMs with human judgment.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(datasets.app, name="datasets")
app.add_typer(qa.app, name="qa")
app.add_typer(users.app, name="users")
app.add_typer(projects.app, name="projects")
app.add_typer(evals.app, name="eval")
app.add_typer(quality.app, name="quality")
app.command("agreement")(agreement.agreement)
app.command("audit")(audit.audit)
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mentor {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Mentor's command line."""


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning MentorError into a message and its exit code."""
    try:
        app(args=argv, prog_name="mentor")
    except MentorError as exc:
        if load_settings().debug:
            raise
        from mentor.cli import render

        render.error(str(exc))
        sys.exit(exc.exit_code)
