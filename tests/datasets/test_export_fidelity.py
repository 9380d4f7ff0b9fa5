"""What comes out trains: margins, OpenAI rules, empty exports, tool calls, roles, file modes."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import datasets as hf
import pytest

import mentor
from mentor.datasets.openai_format import chat_problem, preference_problem
from mentor.errors import InputError
from tests.conftest import run_cli
from tests.datasets.test_import import write_jsonl

CALL = {
    "id": "c1",
    "type": "function",
    "function": {"name": "weather", "arguments": '{"city": "Oslo"}'},
}
TOOLS = [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]
TOOL_CHAT = {
    "id": "t1",
    "messages": [
        {"role": "user", "content": "Weather in Oslo?"},
        {"role": "assistant", "content": None, "tool_calls": [CALL]},
        {"role": "tool", "content": "5C", "tool_call_id": "c1"},
        {"role": "assistant", "content": "5C and cloudy.", "weight": 1},
    ],
    "tools": TOOLS,
}


def pref(rid: str, chosen: Any = "Yes.", margin: float | None = None) -> dict[str, Any]:
    row = {"id": rid, "prompt": "Q?", "chosen": chosen, "rejected": "No."}
    return row if margin is None else {**row, "margin": margin}


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_trl_dpo_margin_is_a_column_only_when_every_row_has_one(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    ws = sqlite_ws
    ws.datasets.import_file(
        write_jsonl(tmp_path / "a.jsonl", [pref("a", margin=1), pref("b")]), "m"
    )
    mixed = ws.datasets.export("m@v1", "trl-dpo", tmp_path / "mixed.jsonl")
    assert all("margin" not in row for row in lines(tmp_path / "mixed.jsonl"))
    assert mixed.notes and "only 1 of 2 rows" in mixed.notes[0]
    ws.datasets.import_file(
        write_jsonl(tmp_path / "b.jsonl", [pref("a", margin=1), pref("b", margin=0.5)]), "all"
    )
    ws.datasets.export("all@v1", "trl-dpo", tmp_path / "all.jsonl")
    assert [row["margin"] for row in lines(tmp_path / "all.jsonl")] == [1, 0.5]


def test_hf_preferences_have_no_null_margin_column_and_typed_features(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    ws = sqlite_ws
    ws.datasets.import_file(write_jsonl(tmp_path / "a.jsonl", [pref("a"), pref("b")]), "none")
    ws.datasets.export("none@v1", "hf", tmp_path / "none")
    loaded = hf.load_from_disk(str(tmp_path / "none"))
    assert "margin" not in loaded.column_names
    assert loaded.features["tie"] == hf.Value("bool") and loaded["tie"] == [False, False]
    ws.datasets.import_file(
        write_jsonl(tmp_path / "b.jsonl", [pref("a", margin=1), pref("b", margin=2)]), "all"
    )
    ws.datasets.export("all@v1", "hf", tmp_path / "all")
    loaded = hf.load_from_disk(str(tmp_path / "all"))
    assert loaded.features["margin"] == hf.Value("float64") and loaded["margin"] == [1.0, 2.0]
    message = loaded.features["chosen"].feature
    assert message["role"] == hf.Value("string") and message["content"] == hf.Value("string")


def test_openai_chat_leaves_out_rows_openai_rejects_and_says_why(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    ws = sqlite_ws
    rows = [
        TOOL_CHAT,
        {
            "id": "dev",
            "messages": [{"role": "developer", "content": "Terse."}, *TOOL_CHAT["messages"][3:]],
        },
        {
            "id": "empty",
            "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": ""}],
        },
    ]
    ws.datasets.import_file(write_jsonl(tmp_path / "c.jsonl", rows), "c")
    result = ws.datasets.export("c@v1", "openai-chat", tmp_path / "chat.jsonl")
    assert result.written == 1
    assert result.skipped_ids == {
        "role 'developer' (OpenAI fine-tuning takes assistant, system, tool, user)": ["dev"],
        "empty assistant message": ["empty"],
    }
    (row,) = lines(tmp_path / "chat.jsonl")
    # tools and per-message weights survive; arguments are the JSON string OpenAI takes
    assert row["tools"] == TOOLS and row["messages"][3]["weight"] == 1
    assert row["messages"][1]["tool_calls"][0]["function"]["arguments"] == '{"city": "Oslo"}'
    assert chat_problem(row) is None
    with pytest.raises(InputError, match="record dev: role 'developer'"):
        ws.datasets.export("c@v1", "openai-chat", tmp_path / "strict.jsonl", strict=True)
    assert not (tmp_path / "strict.jsonl").exists()


def test_openai_dpo_leaves_out_empty_preferred_content(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    ws = sqlite_ws
    ws.datasets.import_file(
        write_jsonl(tmp_path / "p.jsonl", [pref("ok"), pref("blank", " ")]), "p"
    )
    result = ws.datasets.export("p@v1", "openai-dpo", tmp_path / "dpo.jsonl")
    assert result.written == 1 and result.skipped == {"preferred_output has empty content": 1}
    assert all(preference_problem(row) is None for row in lines(tmp_path / "dpo.jsonl"))


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ({"messages": []}, "no messages"),
        ({"messages": [{"role": "user", "content": "x"}]}, "no assistant message"),
        (
            {
                "messages": [
                    {"role": "user", "content": "x", "weight": 1},
                    {"role": "assistant", "content": "y"},
                ]
            },
            "weight on a message that is not an assistant message",
        ),
        (
            {
                "messages": [
                    {"role": "user", "content": "x"},
                    {"role": "assistant", "content": "y", "weight": 2},
                ]
            },
            "weight other than 0 or 1",
        ),
        (
            {
                "messages": [
                    {"role": "user", "content": "x"},
                    {"role": "assistant", "content": "y"},
                ],
                "tools": [{"type": "x"}],
            },
            "a tool that is not a function",
        ),
        (
            {
                "messages": [
                    {"role": "user", "content": "x"},
                    {"role": "tool", "content": "5"},
                    {"role": "assistant", "content": "y"},
                ]
            },
            "tool message without tool_call_id",
        ),
    ],
)
def test_openai_chat_rules(row: dict[str, Any], problem: str) -> None:
    found = chat_problem(row)
    assert found is not None and found.startswith(problem)


def test_an_export_that_writes_nothing_is_an_error_unless_allowed(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    user_only = {"id": "u1", "messages": [{"role": "user", "content": "hello?"}]}
    run_cli(
        "datasets",
        "import",
        str(write_jsonl(tmp_path / "u.jsonl", [user_only])),
        "--name",
        "u",
        db=db,
    )
    out = tmp_path / "chat.jsonl"
    done = run_cli("datasets", "export", "u", str(out), "--to", "openai-chat", db=db)
    assert done.returncode == 4, done.stdout
    assert "wrote no rows: every record was left out: 1 no assistant message" in done.stderr
    assert "(e.g. u1)" in done.stderr and not out.exists()
    done = run_cli(
        "datasets", "export", "u", str(out), "--to", "openai-chat", "--allow-empty", db=db
    )
    assert done.returncode == 0 and out.read_text() == ""


def test_hf_export_of_content_parts_names_the_record(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    parts = {
        "id": "img-1",
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "What is this?"}]},
            {"role": "assistant", "content": "A cat."},
        ],
    }
    sqlite_ws.datasets.import_file(write_jsonl(tmp_path / "p.jsonl", [parts]), "p")
    with pytest.raises(InputError, match="record img-1: message 0 has content parts"):
        sqlite_ws.datasets.export("p@v1", "hf", tmp_path / "hf")
    assert not (tmp_path / "hf").exists()


def test_tool_call_arguments_are_objects_for_trl_and_hf(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    ws = sqlite_ws
    ws.datasets.import_file(write_jsonl(tmp_path / "t.jsonl", [TOOL_CHAT]), "t")
    ws.datasets.export("t@v1", "trl-sft", tmp_path / "sft.jsonl")
    (row,) = lines(tmp_path / "sft.jsonl")
    assert row["messages"][1]["tool_calls"][0]["function"]["arguments"] == {"city": "Oslo"}
    assert row["tools"] == TOOLS and "weight" not in row["messages"][3]
    ws.datasets.export("t@v1", "hf", tmp_path / "hf")
    loaded = hf.load_from_disk(str(tmp_path / "hf"))
    call = loaded.features["messages"].feature["tool_calls"].feature
    assert call["function"]["arguments"] == hf.Json() and call["id"] == hf.Value("string")
    assert loaded.features["tools"] == hf.Json() and loaded.features["meta"] == hf.Json()
    assert loaded[0]["messages"][1]["tool_calls"][0]["function"]["arguments"] == {"city": "Oslo"}
    assert loaded[0]["tools"] == TOOLS and loaded[0]["messages"][3]["weight"] == 1


def test_trl_dpo_refuses_responses_that_are_not_assistant_messages(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    ws = sqlite_ws
    said_by_user = {
        "id": "r1",
        "prompt": "Best greeting?",
        "responses": [
            [{"role": "user", "content": "Hello"}],
            [{"role": "assistant", "content": "Yo"}],
        ],
        "ranking": [0, 1],
    }
    ws.datasets.import_file(write_jsonl(tmp_path / "r.jsonl", [said_by_user, pref("p")]), "r")
    result = ws.datasets.export("r@v1", "trl-dpo", tmp_path / "dpo.jsonl")
    assert result.written == 1 and list(result.skipped_ids.values()) == [["r1"]]
    assert all(
        m["role"] == "assistant" for row in lines(tmp_path / "dpo.jsonl") for m in row["chosen"]
    )
    with pytest.raises(InputError, match="record r1: chosen is not assistant messages"):
        ws.datasets.export("r@v1", "trl-dpo", tmp_path / "strict.jsonl", strict=True)


def test_text_completions_export_in_trl_standard_format(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    ws = sqlite_ws
    ws.datasets.import_file(
        write_jsonl(tmp_path / "c.jsonl", [{"prompt": "The sky is", "completion": " blue."}]), "c"
    )
    ws.datasets.export("c@v1", "trl-sft", tmp_path / "sft.jsonl")
    assert lines(tmp_path / "sft.jsonl") == [{"prompt": "The sky is", "completion": " blue."}]


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.usefixtures("umask_022")
@pytest.mark.parametrize("fmt", ["trl-dpo", "parquet", "jsonl"])
def test_exported_files_get_the_umask_mode(
    sqlite_ws: mentor.Workspace, tmp_path: Path, fmt: str
) -> None:
    sqlite_ws.datasets.import_file(write_jsonl(tmp_path / "p.jsonl", [pref("a")]), "p")
    out = tmp_path / f"out.{fmt}"
    sqlite_ws.datasets.export("p@v1", fmt, out)
    assert out.stat().st_mode & 0o777 == 0o644
