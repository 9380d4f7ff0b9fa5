"""Help text reads as prose: a docstring's line breaks do not cut sentences in --help."""

from __future__ import annotations

import re
from typing import Any

import typer

from mentor.cli.main import build_app
from tests.conftest import run_cli


def _commands(command: Any, path: str = "mentor") -> list[tuple[str, Any]]:
    """Every command under `command` (Typer's own click: not `click.Group` instances)."""
    found = [(path, command)]
    for name, sub in getattr(command, "commands", {}).items():
        found += _commands(sub, f"{path} {name}")
    return found


def test_every_help_paragraph_is_one_line_for_the_terminal_to_wrap() -> None:
    root = typer.main.get_command(build_app())
    for path, command in _commands(root):
        for paragraph in (command.help or "").split("\n\n"):
            assert "\n" not in paragraph, f"{path}: {paragraph!r}"


def test_the_command_list_fills_each_line_of_a_long_summary() -> None:
    listing = run_cli("--help").stdout
    line = next(line for line in listing.splitlines() if "and write them, unranked," in line)
    assert re.search(r"unranked, as a", line), line
