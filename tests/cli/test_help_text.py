"""Help text reads as prose: a docstring's line breaks do not cut sentences in --help."""

from __future__ import annotations

import re
from typing import Any

import typer
from typer.testing import CliRunner

from mentor.cli.main import build_app
from mentor.datasets.exporters import FORMATS
from mentor.datasets.maps import PRESETS
from tests.conftest import run_cli

NARROW = {"COLUMNS": "80", "TERMINAL_WIDTH": "80"}


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


def test_no_help_text_is_cut_short_on_an_80_column_terminal() -> None:
    app = build_app()
    runner = CliRunner()
    cut = []
    for path, _command in _commands(typer.main.get_command(app)):
        shown = runner.invoke(app, [*path.split()[1:], "--help"], env=NARROW).output
        cut += [f"{path}: {line.strip()}" for line in shown.splitlines() if "…" in line]
    assert not cut, "\n".join(cut)


def test_import_and_export_help_name_every_preset_and_format() -> None:
    app = build_app()

    def shown(command: str) -> str:
        help_text = CliRunner().invoke(app, ["datasets", command, "--help"], env=NARROW).output
        return " ".join(help_text.split())

    imports, exports = shown("import"), shown("export")
    assert all(preset in imports for preset in PRESETS)
    assert all(re.search(rf"(?<![\w-]){re.escape(fmt)}(?![\w-])", exports) for fmt in FORMATS)
