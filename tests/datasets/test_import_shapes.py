"""Shapes found in the wild import whole: every input key ends up in the record or its meta.

Each shape is written here, imported, exported to `jsonl` and compared with the records it must
give; importing the export again gives the same content hash.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import mentor
from mentor.errors import InputError
from tests.conftest import HH, run_cli

Row = dict[str, Any]


def user(text: str) -> Row:
    return {"role": "user", "content": text}


def bot(text: str) -> Row:
    return {"role": "assistant", "content": text}


def write_jsonl(path: Path, rows: list[Row]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def round_trip(ws: mentor.Workspace, tmp_path: Path, path: Path, **opts: Any) -> list[Row]:
    """Import `path`, export it to jsonl, import that again: the records, same hash both ways."""
    first = ws.datasets.import_file(path, "shape", **opts)
    out = tmp_path / "export.jsonl"
    ws.datasets.export(first.version.ref, "jsonl", out)
    again = ws.datasets.import_file(out, "again")
    assert again.version.content_hash == first.version.content_hash
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def without_ids(records: list[Row]) -> list[Row]:
    return [{k: v for k, v in r.items() if k != "id"} for r in records]


# UltraFeedback, binarized: chosen and rejected are whole conversations that repeat the prompt.
UF_BINARIZED = {
    "prompt": "Name a prime.",
    "prompt_id": "abc123",
    "chosen": [user("Name a prime."), bot("7")],
    "rejected": [user("Name a prime."), bot("9")],
    "messages": [user("Name a prime."), bot("7")],
    "score_chosen": 9.0,
    "score_rejected": 2.5,
}
UF_PREFERENCE = {
    "kind": "preference",
    "prompt": [user("Name a prime.")],
    "chosen": [bot("7")],
    "rejected": [bot("9")],
    "meta": {"prompt_id": "abc123", "score_chosen": 9.0, "score_rejected": 2.5},
}


def test_ultrafeedback_binarized_with_messages_is_ambiguous(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "uf.jsonl", [UF_BINARIZED])
    with pytest.raises(InputError) as info:
        ws.datasets.import_file(path, "uf")
    message = str(info.value)
    assert message.startswith(f"{path}:1: field 'messages': ")
    for choice in ("--map ultrafeedback", "--kind preference", "--kind sft"):
        assert choice in message
    assert ws.datasets.all() == []


def test_ultrafeedback_preset_keeps_both_sides_and_scores(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "uf.jsonl", [UF_BINARIZED])
    records = round_trip(ws, tmp_path, path, map="ultrafeedback")
    # `messages` repeats chosen word for word, so it is not kept twice.
    assert without_ids(records) == [UF_PREFERENCE]


def test_ultrafeedback_kind_preference_keeps_messages_in_meta(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "uf.jsonl", [UF_BINARIZED])
    records = round_trip(ws, tmp_path, path, kind="preference")
    meta = {**UF_PREFERENCE["meta"], "messages": UF_BINARIZED["messages"]}  # type: ignore[dict-item]
    assert without_ids(records) == [{**UF_PREFERENCE, "meta": meta}]


def test_ultrafeedback_kind_sft_keeps_the_pair_in_meta(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "uf.jsonl", [UF_BINARIZED])
    [record] = round_trip(ws, tmp_path, path, kind="sft")
    assert record["kind"] == "sft"
    assert record["messages"] == UF_BINARIZED["messages"]
    assert record["meta"] == {k: v for k, v in UF_BINARIZED.items() if k != "messages"}


def test_ultrafeedback_without_messages_splits_the_prompt(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    row = {k: v for k, v in UF_BINARIZED.items() if k != "messages"}
    path = write_jsonl(tmp_path / "uf.jsonl", [row])
    assert without_ids(round_trip(ws, tmp_path, path)) == [UF_PREFERENCE]


def test_chosen_that_does_not_repeat_the_prompt_is_an_error(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    row = {"prompt": "Q", "chosen": [user("other"), bot("A")], "rejected": [bot("B")]}
    with pytest.raises(InputError, match=r"uf.jsonl:1: field 'chosen': .*does not repeat"):
        ws.datasets.import_file(write_jsonl(tmp_path / "uf.jsonl", [row]), "uf")


UF_RAW = {
    "source": "evol_instruct",
    "instruction": "Add 2 and 3.",
    "models": ["m1", "m2", "m3"],
    "completions": [
        {"model": "m1", "response": "6", "overall_score": 2, "critique": "wrong"},
        {"model": "m2", "response": "5", "overall_score": 9.5, "critique": "right"},
        {"model": "m3", "response": "five", "overall_score": 7, "critique": "ok"},
    ],
    "correct_answers": ["5"],
}


@pytest.mark.parametrize("preset", [None, "ultrafeedback"])
def test_raw_ultrafeedback_becomes_a_ranking(
    ws: mentor.Workspace, tmp_path: Path, preset: str | None
) -> None:
    path = write_jsonl(tmp_path / "uf-raw.jsonl", [UF_RAW])
    [record] = without_ids(round_trip(ws, tmp_path, path, map=preset))
    assert record == {
        "kind": "ranking",
        "prompt": [user("Add 2 and 3.")],
        "responses": [[bot("6")], [bot("5")], [bot("five")]],
        "ranking": [1, 2, 0],
        "source": "evol_instruct",
        "meta": {
            "models": ["m1", "m2", "m3"],
            "correct_answers": ["5"],
            "completions": [
                {k: v for k, v in c.items() if k != "response"}
                for c in UF_RAW["completions"]  # type: ignore[attr-defined]
            ],
        },
    }


# Alpaca and ShareGPT, as the JSON arrays they are published in and as JSONL.
ALPACA = [
    {"instruction": 'Quote "this" [x] {y}', "input": "", "output": "Done \\ ok", "text": "t1"},
    {"instruction": "Translate", "input": "chat → cat", "output": "Katze", "text": "t2"},
]
ALPACA_RECORDS = [
    {
        "kind": "sft",
        "messages": [user('Quote "this" [x] {y}'), bot("Done \\ ok")],
        "meta": {"text": "t1"},
    },
    {
        "kind": "sft",
        "messages": [user("Translate\n\nchat → cat"), bot("Katze")],
        "meta": {"text": "t2"},
    },
]
SHAREGPT = [
    {
        "id": "sg-1",
        "model": "gpt-4",
        "conversations": [
            {"from": "system", "value": "Be kind."},
            {"from": "human", "value": "Hi ]},"},
            {"from": "gpt", "value": "Hello!", "weight": 1},
        ],
    }
]
SHAREGPT_RECORDS = [
    {
        "id": "sg-1",
        "kind": "sft",
        "messages": [
            {"role": "system", "content": "Be kind."},
            user("Hi ]},"),
            {"role": "assistant", "content": "Hello!", "weight": 1},
        ],
        "meta": {"model": "gpt-4"},
    }
]


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
@pytest.mark.parametrize("preset", [None, "alpaca"])
def test_alpaca(ws: mentor.Workspace, tmp_path: Path, suffix: str, preset: str | None) -> None:
    path = tmp_path / f"alpaca_data{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(ALPACA, indent=4, ensure_ascii=False), "utf-8")
    else:
        write_jsonl(path, ALPACA)
    assert without_ids(round_trip(ws, tmp_path, path, map=preset)) == ALPACA_RECORDS


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
@pytest.mark.parametrize("preset", [None, "sharegpt"])
def test_sharegpt(ws: mentor.Workspace, tmp_path: Path, suffix: str, preset: str | None) -> None:
    path = tmp_path / f"sharegpt{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(SHAREGPT), "utf-8")  # one line, as dumps often are
    else:
        write_jsonl(path, SHAREGPT)
    assert round_trip(ws, tmp_path, path, map=preset) == SHAREGPT_RECORDS


def test_json_array_in_small_chunks(
    ws: mentor.Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Elements, strings and escapes cut across reads are put back together."""
    from mentor.datasets import readers

    monkeypatch.setattr(readers, "_CHUNK", 7)
    path = tmp_path / "alpaca.json"
    path.write_text(json.dumps(ALPACA * 3, indent=2, ensure_ascii=False), "utf-8")
    result = ws.datasets.import_file(path, "small")
    records = without_ids(list(ws.datasets.records(result.version.ref)))
    assert records == ALPACA_RECORDS * 3 and result.imported == 6


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        ('"just a string"', ":1", "starts with '\"'"),
        ('[\n{"messages": [{"role": "user", "content": "x"}]},\n', ":2", "no closing ']'"),
        ("[\n1,,\n]", ":2", "an empty element"),
        ('[{"a": 1}] trailing', ":1", "text after the array"),
    ],
)
def test_json_that_is_not_an_array_of_objects(
    ws: mentor.Workspace, tmp_path: Path, text: str, where: str, problem: str
) -> None:
    path = tmp_path / "data.json"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as info:
        ws.datasets.import_file(path, "bad")
    assert str(info.value).startswith(f"{path}{where}: ")
    assert problem in str(info.value)


def test_json_array_element_that_is_not_an_object(ws: mentor.Workspace, tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    good = json.dumps({"messages": [user("hi"), bot("yo")]})
    path.write_text(f"[\n  {good},\n  [1, 2]\n]\n", "utf-8")
    with pytest.raises(InputError, match=r"data.json:3: expected a JSON object, got list"):
        ws.datasets.import_file(path, "bad")
    result = ws.datasets.import_file(path, "ok", skip_invalid=True, quarantine=tmp_path / "q")
    assert (result.imported, result.rejected) == (1, 1)


def test_json_lines_in_a_json_file(ws: mentor.Workspace, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "train.json", ALPACA)
    assert ws.datasets.import_file(path, "lines").imported == 2


# OpenAI fine-tuning files: per-message weight, tools, parallel_tool_calls.
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather in a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]
CALL = {
    "id": "call_1",
    "type": "function",
    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
}
OPENAI_CHAT = {
    "messages": [
        user("Weather in Paris?"),
        {"role": "assistant", "content": "Let me think.", "weight": 0},
        {"role": "assistant", "content": None, "tool_calls": [CALL]},
        {"role": "tool", "tool_call_id": "call_1", "content": "18C"},
        {"role": "assistant", "content": "18C and sunny.", "weight": 1},
    ],
    "tools": TOOLS,
    "parallel_tool_calls": False,
}


def test_openai_chat_with_weight_and_tools(ws: mentor.Workspace, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "chat.jsonl", [OPENAI_CHAT])
    [record] = without_ids(round_trip(ws, tmp_path, path))
    assert record == {
        "kind": "sft",
        "messages": OPENAI_CHAT["messages"],
        "tools": TOOLS,
        "parallel_tool_calls": False,
    }


def test_weight_only_0_or_1_on_assistant_messages(ws: mentor.Workspace, tmp_path: Path) -> None:
    row = {"messages": [{"role": "user", "content": "hi", "weight": 1}, bot("yo")]}
    with pytest.raises(InputError, match=r"field 'messages\[0\].weight': weight is 0 or 1"):
        ws.datasets.import_file(write_jsonl(tmp_path / "w.jsonl", [row]), "w")


def test_openai_preference_with_tools(ws: mentor.Workspace, tmp_path: Path) -> None:
    row = {
        "input": {
            "messages": [user("Weather in Paris?")],
            "tools": TOOLS,
            "parallel_tool_calls": True,
        },
        "preferred_output": [bot("Sunny, 18C.")],
        "non_preferred_output": [bot("No idea.")],
    }
    path = write_jsonl(tmp_path / "dpo.jsonl", [row])
    assert without_ids(round_trip(ws, tmp_path, path)) == [
        {
            "kind": "preference",
            "prompt": [user("Weather in Paris?")],
            "chosen": [bot("Sunny, 18C.")],
            "rejected": [bot("No idea.")],
            "tools": TOOLS,
            "parallel_tool_calls": True,
        }
    ]


# TRL's dataset formats.
def test_trl_standard_prompt_completion_stays_text(ws: mentor.Workspace, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "lm.jsonl", [{"prompt": "The sky is", "completion": " blue."}])
    assert without_ids(round_trip(ws, tmp_path, path)) == [
        {"kind": "sft", "messages": [user("The sky is"), bot(" blue.")], "text_completion": True}
    ]


def test_trl_conversational_prompt_completion(ws: mentor.Workspace, tmp_path: Path) -> None:
    row = {"prompt": [user("What color is the sky?")], "completion": [bot("Blue.")]}
    path = write_jsonl(tmp_path / "conv.jsonl", [row])
    assert without_ids(round_trip(ws, tmp_path, path)) == [
        {"kind": "sft", "messages": [user("What color is the sky?"), bot("Blue.")]}
    ]


@pytest.mark.parametrize(
    "row",
    [
        {"prompt": "The sky is", "chosen": " blue.", "rejected": " green."},  # standard
        {  # conversational
            "prompt": [user("The sky is")],
            "chosen": [bot(" blue.")],
            "rejected": [bot(" green.")],
        },
        {  # conversational, implicit prompt
            "chosen": [user("The sky is"), bot(" blue.")],
            "rejected": [user("The sky is"), bot(" green.")],
        },
    ],
    ids=["standard", "conversational", "implicit-prompt"],
)
def test_trl_preference_formats(ws: mentor.Workspace, tmp_path: Path, row: Row) -> None:
    path = write_jsonl(tmp_path / "pref.jsonl", [row])
    assert without_ids(round_trip(ws, tmp_path, path)) == [
        {
            "kind": "preference",
            "prompt": [user("The sky is")],
            "chosen": [bot(" blue.")],
            "rejected": [bot(" green.")],
        }
    ]


# Keys a map does not use.
def test_unused_keys_land_in_meta(ws: mentor.Workspace, tmp_path: Path) -> None:
    row = {"messages": [user("hi"), bot("yo")], "quality": 4, "meta": {"batch": 7}}
    path = write_jsonl(tmp_path / "x.jsonl", [row, {"kind": "sft", **row, "id": "k1"}])
    records = round_trip(ws, tmp_path, path)
    assert [r["meta"] for r in records] == [{"batch": 7, "quality": 4}] * 2


def test_unused_key_that_meta_holds_is_an_error(ws: mentor.Workspace, tmp_path: Path) -> None:
    row = {"messages": [user("hi"), bot("yo")], "quality": 4, "meta": {"quality": "high"}}
    path = write_jsonl(tmp_path / "x.jsonl", [row])
    with pytest.raises(InputError) as info:
        ws.datasets.import_file(path, "x")
    assert str(info.value).startswith(f"{path}:1: field 'quality': ")
    assert "--ignore-field quality" in str(info.value)
    [record] = ws.datasets.records(
        ws.datasets.import_file(path, "x", ignore_fields=["quality"]).version.ref
    )
    assert record["meta"] == {"quality": "high"}


def test_map_file_keeps_unmapped_columns(ws: mentor.Workspace, tmp_path: Path) -> None:
    row = {"q": "2+2?", "a": "4", "reviewer": "ann"}
    path = write_jsonl(tmp_path / "x.jsonl", [row])
    spec = tmp_path / "map.yaml"
    spec.write_text("kind: sft\nfields:\n  messages: q\n", "utf-8")
    [record] = ws.datasets.records(ws.datasets.import_file(path, "x", map_file=spec).version.ref)
    assert record["meta"] == {"a": "4", "reviewer": "ann"}


def test_demo_hh_content_hash_is_unchanged(ws: mentor.Workspace) -> None:
    """Records that could be imported before hash exactly as they did."""
    result = ws.datasets.import_file(HH, "hh")
    assert result.version.content_hash == (
        "db9843c2538940871b5099920d2b4e74f7cb419500f221d04c984bf7be7b9f3c"
    )


def test_cli_kind_and_ignore_field(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    row = {**UF_BINARIZED, "note": "x"}
    path = write_jsonl(tmp_path / "uf.jsonl", [row])
    base = ["datasets", "import", str(path), "--name", "uf"]
    refused = run_cli(*base, db=db)
    assert refused.returncode == 4
    assert "--map ultrafeedback" in refused.stderr
    done = run_cli(*base, "--kind", "preference", "--ignore-field", "note", db=db)
    assert done.returncode == 0, done.stderr
    ws = mentor.connect(db)
    [record] = ws.datasets.records("uf")
    assert "note" not in record["meta"] and "messages" in record["meta"]
