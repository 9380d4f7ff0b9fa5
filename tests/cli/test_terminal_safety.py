"""Text from outside cannot drive the terminal: escape sequences and bidi overrides are shown.

A model's answer of ``ESC ] 0 ; title BEL`` retitled the window when `mentor eval show` printed
it, ``ESC [ 2 J`` cleared the screen, and a record id holding U+202E printed reversed in `qa
scan`'s tables. Now every value the CLI prints shows such characters as ``\\uXXXX``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mentor.cli.render import visible
from tests.conftest import run_cli

ATTACK = "\x1b]0;pwned\x07\x1b[2J\x1b[31mRED \u202egnp.exe"


def test_eval_show_prints_a_hostile_answer_without_its_control_sequences(tmp_path: Path) -> None:
    script = tmp_path / "hostile.py"
    script.write_text(
        f"import json, sys\njson.load(sys.stdin)\nprint({ATTACK!r})\n", encoding="utf-8"
    )
    suite = tmp_path / "s.jsonl"
    suite.write_text('{"id": "c1", "prompt": "hi", "graders": ["exact"]}\n', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'm.db'}"
    ran = run_cli(
        "eval", "run", str(suite), "--provider", f"command:{sys.executable} {script}", db=db
    )
    assert ran.returncode == 0, ran.stderr
    shown = run_cli("eval", "show", "1", db=db, env={"COLUMNS": "300"})
    assert shown.returncode == 0, shown.stderr
    assert (
        "\x1b" not in shown.stdout and "\x07" not in shown.stdout and "\u202e" not in shown.stdout
    )
    assert "\\u001b]0;pwned\\u0007\\u001b[2J" in shown.stdout


def test_visible_keeps_ordinary_text_tabs_and_newlines() -> None:
    text = "naïve 🙂 שלום\tcol\nnext line"
    assert visible(text) == text
    assert visible("a\rb\x00c\u2066d") == "a\\u000db\\u0000c\\u2066d"
