"""Whatever a model answers, the run stores it: NUL, lone surrogates and huge integers included.

A model's answer with a NUL character (PostgreSQL text refuses it), a lone surrogate or an
integer beyond 64 bits made the write of its whole batch fail: the run crashed, every answer in
the batch was lost and `--resume` hit the same wall. Now each is stored as people can read it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import mentor
from mentor.evals import Suite, make_case, make_suite
from mentor.providers.base import Completion
from mentor.providers.storable import storable_json, storable_text
from tests.conftest import run_cli
from tests.servers import InProcessModel

ODD_TEXT = "Paris\x00 and \ud800 too"
ODD_RAW = {"big": 10**30, "text": "a\x00b", "half": "\ud83d", "nested": [{"n": -(2**70)}]}


def _suite(cases: int = 3) -> Suite:
    grader = {"type": "contains", "value": "Paris"}
    return make_suite("odd", [make_case(f"c{i}", f"q{i}", graders=[grader]) for i in range(cases)])


def test_odd_characters_in_answers_are_stored_on_every_database(ws: mentor.Workspace) -> None:
    run = ws.evals.run(
        _suite(), InProcessModel(lambda _: Completion(ODD_TEXT, "odd-1", raw=ODD_RAW))
    )
    assert run.status == "completed" and run.counts == {"passed": 3}
    stored = list(ws.evals.results(run.id))
    assert [r.output for r in stored] == ["Paris\ufffd and \ufffd too"] * 3
    assert stored[0].raw == {
        "big": str(10**30),
        "text": "a\ufffdb",
        "half": "\ufffd",
        "nested": [{"n": str(-(2**70))}],
    }


def test_an_answer_that_is_not_text_is_an_error_of_its_case(ws: mentor.Workspace) -> None:
    run = ws.evals.run(_suite(2), InProcessModel(lambda _: 42))
    assert run.status == "completed" and run.counts == {"error": 2}
    assert {r.error for r in ws.evals.results(run.id)} == {
        "the provider answered with int, not text"
    }


def test_a_command_answering_a_nul_completes_on_postgresql_too(db_url: str, tmp_path: Path) -> None:
    script = tmp_path / "nul.py"
    script.write_text(
        "import json, sys\njson.load(sys.stdin)\nprint('Paris\\x00!')\n", encoding="utf-8"
    )
    suite = tmp_path / "s.jsonl"
    suite.write_text(
        '{"id": "c1", "prompt": "hi", "graders": [{"type": "contains", "value": "Paris"}]}\n',
        encoding="utf-8",
    )
    spec = f"command:{sys.executable} {script}"
    ran = run_cli("eval", "run", str(suite), "--provider", spec, "--json", db=db_url)
    assert ran.returncode == 0, ran.stderr
    shown = run_cli("eval", "show", "1", "--json", db=db_url)
    assert shown.returncode == 0, shown.stderr
    assert '"output": "Paris\\ufffd!' in shown.stdout or "Paris\ufffd!" in shown.stdout


def test_storable_text_and_json_leave_ordinary_values_alone() -> None:
    text = "naïve 🙂 text\twith\ttabs"
    assert storable_text(text) is text
    value = {"a": [1, 2.5, None, True], "b": {"c": "🙂"}, "d": 2**63 - 1}
    assert storable_json(value) == value
    assert storable_json((1, 2)) == [1, 2]
