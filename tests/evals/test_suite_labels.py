"""A suite's ids and labels are stored in their own columns: one that no database can hold is
named with its file:line and field before a run starts; prompts may hold any character.

A NUL in a case's category, intent or grader name, or in the suite's name or description, made
a run crash with psycopg.DataError on PostgreSQL (SQLite kept it); so did a category longer than
its column.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import mentor
from mentor.errors import InputError
from mentor.evals import load_suite, make_case, make_suite
from mentor.evals.cases import LABEL_LENGTHS
from mentor.store.eval_tables import eval_cases, eval_grades, eval_suites
from tests.servers import InProcessModel

CASE = "  - id: a\n    prompt: hi\n    graders: [{type: contains, value: Paris}]\n"


def echo() -> InProcessModel:
    """Answers 'Paris, ' and the last message it was asked."""
    return InProcessModel(lambda messages: f"Paris, {messages[-1]['content']}", "echo-1")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("field", "line", "yaml"),
    [
        ("category", 5, '    category: "safe\\0ty"\n'),
        ("intent", 5, '    intent: "x\\0"\n'),
        ("tags.1", 7, '    tags:\n      - ok\n      - "x\\0"\n'),
        ("graders.0.name", 5, '    graders: [{type: contains, value: P, name: "p\\0"}]\n'),
    ],
)
def test_a_nul_in_a_case_label_is_named_before_a_run_on_every_database(
    ws: mentor.Workspace, tmp_path: Path, field: str, line: int, yaml: str
) -> None:
    suite = _write(tmp_path / "s.yaml", f"name: s\ncases:\n  - id: a\n    prompt: hi\n{yaml}")
    with pytest.raises(InputError) as got:
        ws.evals.run(suite, echo())
    assert str(got.value).startswith(
        f"{suite}:{line}: field '{field}': contains a control character (U+0000) at character "
    )
    assert str(got.value).endswith("ids and labels are one line of plain text: remove it")
    assert ws.evals.runs() == []


def test_a_suite_name_or_description_that_cannot_be_stored_is_named(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    named = _write(tmp_path / "n.yaml", f'name: "geo\\0"\ncases:\n{CASE}')
    with pytest.raises(InputError, match=r"n\.yaml:1: field 'name': contains a control char"):
        ws.evals.run(named, echo())
    described = _write(tmp_path / "d.yaml", f'name: geo\ndescription: "a\\0"\ncases:\n{CASE}')
    with pytest.raises(InputError) as got:
        ws.evals.run(described, echo())
    assert str(got.value) == (
        f"{described}:2: field 'description': contains a NUL character at character 2: remove it"
    )
    assert ws.evals.runs() == []
    plain = _write(tmp_path / "ok.yaml", f"cases:\n{CASE}")
    with pytest.raises(InputError, match=r"^--name: field 'name': .* \(U\+0009\)"):
        ws.evals.open_suite(plain, name="a\tb")


def test_labels_in_jsonl_and_csv_suites_are_named_by_line(tmp_path: Path) -> None:
    jsonl = _write(
        tmp_path / "s.jsonl",
        '{"id": "a", "prompt": "hi"}\n{"id": "b\\u0000", "prompt": "hi"}\n',
    )
    with pytest.raises(InputError, match=r"s\.jsonl:2: field 'id': contains a control char"):
        load_suite(jsonl)
    csv = _write(tmp_path / "s.csv", 'id,prompt,category\na,hi,safety\nb,hi,"two\nlines"\n')
    with pytest.raises(InputError, match=r"s\.csv:4: field 'category': .* \(U\+000A\)"):
        load_suite(csv)


def test_a_label_longer_than_its_column_is_named(ws: mentor.Workspace, tmp_path: Path) -> None:
    suite = _write(tmp_path / "s.yaml", f"name: s\ncases:\n{CASE}    category: {'c' * 101}\n")
    with pytest.raises(InputError) as got:
        ws.evals.run(suite, echo())
    assert str(got.value) == (
        f"{suite}:6: field 'category': is 101 characters long; at most 100 fit: shorten it"
    )


def test_a_nul_byte_in_a_suite_file_is_named_by_line_and_column(tmp_path: Path) -> None:
    for name, data in [
        ("s.yaml", b"name: s\ncases:\n  - prompt: h\x00i\n"),
        ("s.jsonl", b'{"prompt": "hi"}\n{"prompt": "h\x00i"}\n'),
        ("s.csv", b"prompt\nhi\nh\x00i\n"),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        line, column = (3, 14) if name == "s.yaml" else (2, 14) if name == "s.jsonl" else (3, 2)
        with pytest.raises(InputError) as got:
            load_suite(path)
        assert str(got.value) == (
            f"{path}:{line}:{column}: contains a NUL character; a text eval suite was expected"
        )


def test_prompts_and_other_content_keep_a_nul_on_every_database(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    """Content is stored as JSON, which holds any character: the case runs as written."""
    suite = _write(
        tmp_path / "s.yaml",
        "name: s\ncases:\n"
        '  - id: a\n    prompt: "hi\\0 there"\n    reference: "Paris\\0"\n'
        '    meta: {note: "n\\0"}\n    graders: [{type: contains, value: Paris}]\n',
    )
    run = ws.evals.run(suite, echo())
    assert run.status == "completed" and run.counts == {"passed": 1}
    [result] = ws.evals.results(run.id)
    assert result.case.messages == ({"role": "user", "content": "hi\x00 there"},)
    assert result.case.reference == "Paris\x00" and result.case.meta == {"note": "n\x00"}
    assert result.output == "Paris, hi\ufffd there"  # the answer: stored as every database can


def test_the_label_lengths_are_the_columns_widths() -> None:
    columns = {
        "id": eval_cases.c.case_id.type.length,
        "category": eval_cases.c.category.type.length,
        "intent": eval_cases.c.intent.type.length,
        "grader": eval_grades.c.grader.type.length,
        "suite": eval_suites.c.name.type.length,
    }
    assert columns == LABEL_LENGTHS


def test_a_suite_built_in_code_refuses_a_control_character_in_a_label() -> None:
    with pytest.raises(InputError, match="control character") as caught:
        make_suite("coded", [make_case("c1", "hi", category="safe\x00ty")])
    assert (caught.value.where, caught.value.field) == ("case 1", "category")
    with pytest.raises(InputError, match="control character"):
        make_suite("coded", [{"id": "c\x1b1", "prompt": "hi"}])
