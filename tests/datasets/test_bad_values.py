"""Values and files that used to slip through (or crash) on import: refused naming the place."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import mentor
from mentor.errors import InputError
from tests.conftest import run_cli
from tests.datasets.test_bad_input import import_error, lines
from tests.datasets.test_import import RANK, SFT, write_jsonl

GOOD = json.dumps(SFT)


def ranking(order: object) -> str:
    responses = [[{"role": "assistant", "content": text}] for text in ("a", "b", "c")]
    return json.dumps({"prompt": "q", "responses": responses, "ranking": order})


@pytest.mark.parametrize("order", [[True, False, 2], [1, 0, 2.5]])
def test_ranking_indices_are_whole_numbers(
    sqlite_ws: mentor.Workspace, tmp_path: Path, order: list[object]
) -> None:
    err = import_error(sqlite_ws, lines(tmp_path / "r.jsonl", GOOD, ranking(order)))
    assert (err.where, err.field) == (f"{tmp_path / 'r.jsonl'}:2", "ranking")


def test_integral_float_ranking_is_stored_as_ints_and_exports(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    result = sqlite_ws.datasets.import_file(
        lines(tmp_path / "r.jsonl", ranking([2.0, 0.0, 1.0])), "r"
    )
    [rec] = sqlite_ws.datasets.records(result.version.ref)
    assert rec["ranking"] == [2, 0, 1] and all(type(i) is int for i in rec["ranking"])
    out = sqlite_ws.datasets.export("r@v1", "trl-dpo", tmp_path / "dpo.jsonl")
    assert out.written == 3  # the pairs the ranking implies
    hf = sqlite_ws.datasets.export("r@v1", "hf", tmp_path / "hf")
    assert hf.written == 1


def test_csv_cell_that_looks_like_json_but_is_not(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "f.csv"
    path.write_text('prompt,completion\nhi,there\n"[{""role"": ""user"", ""content"": ""q""",x\n')
    err = import_error(sqlite_ws, path)
    assert (err.where, err.field) == (f"{path}:3", "prompt")
    assert "not valid JSON" in str(err)


def test_csv_text_that_merely_starts_with_a_bracket_stays_text(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "f.csv"
    path.write_text("prompt,completion\n[INST] Say hi [/INST],{name} says hi\n")
    sqlite_ws.datasets.import_file(path, "t")
    record = next(iter(sqlite_ws.datasets.records("t@v1")))
    texts = [m["content"] for m in record["messages"]]
    assert texts == ["[INST] Say hi [/INST]", "{name} says hi"]


def test_csv_tie_must_be_a_recognised_boolean(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("prompt,chosen,rejected,tie\nq,a,b,maybe\n")
    err = import_error(sqlite_ws, path)
    assert (err.where, err.field) == (f"{path}:2", "tie")
    assert "expected true or false" in str(err)
    path.write_text("prompt,chosen,rejected,tie\nq,a,b,No\nq2,a,b,YES\nq3,a,b,\n")
    result = sqlite_ws.datasets.import_file(path, "ties")
    assert [r.get("tie", False) for r in sqlite_ws.datasets.records(result.version.ref)] == [
        False,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ("fields:\n  messages: messages\n  bogusfield: team\n", "fields.bogusfield"),
        ("constants:\n  language: en\n  lang: en\n", "constants.lang"),
    ],
)
def test_map_file_target_that_is_not_a_field(
    sqlite_ws: mentor.Workspace, tmp_path: Path, section: str, field: str
) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(f"kind: sft\n# a comment\n{section}")
    rows = lines(tmp_path / "f.jsonl", json.dumps({"messages": SFT["messages"], "team": "x"}))
    err = import_error(sqlite_ws, rows, map_file=mapping)
    assert (err.where, err.field) == (f"{mapping}:5", field)


def test_map_file_and_notes_with_invalid_utf8(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"kind: sft\n# caf\xff\n")
    err = import_error(sqlite_ws, lines(tmp_path / "f.jsonl", GOOD), map_file=bad)
    assert err.where == f"{bad}:2:6" and "invalid UTF-8 byte 0xff" in str(err)
    sqlite_ws.datasets.import_file(lines(tmp_path / "f.jsonl", GOOD), "g")
    with pytest.raises(InputError, match="invalid UTF-8 byte 0xff"):
        sqlite_ws.datasets.datasheet("g@v1", notes=bad)


def test_notes_lists_are_bullets_and_odd_values_are_refused(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    sqlite_ws.datasets.import_file(write_jsonl(tmp_path / "a.jsonl", [SFT, RANK]), "a")
    notes = tmp_path / "notes.yaml"
    notes.write_text("motivation: [first reason, second reason]\nlimitations: [small, old]\n")
    text = sqlite_ws.datasets.datasheet("a@v1", notes=notes).markdown
    assert "## Motivation\n\n- first reason\n- second reason\n" in text
    assert "- small\n- old\n" in text and "['" not in text
    notes.write_text("motivation:\n  why: because\n")
    with pytest.raises(InputError) as info:
        sqlite_ws.datasets.datasheet("a@v1", notes=notes)
    assert (info.value.where, info.value.field) == (str(notes), "motivation")


def test_import_of_something_that_is_not_a_regular_file(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    os.mkfifo(tmp_path / "pipe.jsonl")
    for path in (Path("/dev/null"), tmp_path / "pipe.jsonl"):
        err = import_error(sqlite_ws, path)
        assert err.where == str(path) and "not a regular file" in str(err)


def test_byte_order_mark_in_json_and_jsonl(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    row = json.dumps({"prompt": "a", "completion": "b"}).encode()
    (tmp_path / "a.json").write_bytes(bom + b"[" + row + b"]")
    (tmp_path / "b.jsonl").write_bytes(bom + row + b"\n" + row.replace(b'"a"', b'"c"') + b"\n")
    (tmp_path / "c.json").write_bytes(bom + row + b"\n")
    counts = [
        sqlite_ws.datasets.import_file(tmp_path / name, name[0]).imported
        for name in ("a.json", "b.jsonl", "c.json")
    ]
    assert counts == [1, 2, 1]


def test_split_of_a_file_and_negative_diff_limit(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    err = import_error(sqlite_ws, lines(tmp_path / "f.jsonl", GOOD), split="train")
    assert err.where == "--split"
    sqlite_ws.datasets.import_file(lines(tmp_path / "f.jsonl", GOOD), "g")
    with pytest.raises(InputError) as info:
        sqlite_ws.datasets.diff("g@v1", "g@v1", limit=-1)
    assert info.value.where == "--limit"


def test_negative_head_is_refused(tmp_path: Path) -> None:
    done = run_cli("datasets", "show", "g@v1", "--head", "-1", db=f"sqlite:///{tmp_path / 'm.db'}")
    assert done.returncode == 4
    assert done.stderr.strip() == "error: --head: expected 0 or more records, got -1"
