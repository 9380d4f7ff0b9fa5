"""Exports are what TRL and OpenAI fine-tuning read; import -> export -> import keeps the hash."""

from __future__ import annotations

import json
from pathlib import Path

import datasets as hf
import pytest

import mentor
from mentor.errors import InputError
from tests.conftest import HH
from tests.datasets.test_import import PREF, RANK, RATE, SFT, TIE, write_jsonl


def roundtrip(ws: mentor.Workspace, ref: str, fmt: str, out: Path) -> str:
    ws.datasets.export(ref, fmt, out)
    return ws.datasets.import_file(
        out, f"back-{fmt}", format="hf" if fmt == "hf" else None
    ).version.content_hash


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "hf"])
def test_full_formats_roundtrip_with_ids_and_metadata(
    ws: mentor.Workspace, tmp_path: Path, fmt: str
) -> None:
    rows = [
        SFT,
        {**SFT, "id": "s2", "meta": {"batch": 3}, "tags": ["a", "b"]},
        {
            "id": "s3",
            "messages": [
                {"role": "user", "content": "call"},
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "c1",
                            "type": "function",
                            # arguments as an object: the form hf keeps (chat templates
                            # render objects; OpenAI's JSON-string form loads back as one)
                            "function": {"name": "f", "arguments": {"city": "Oslo"}},
                        }
                    ],
                },
                {"role": "tool", "content": "42", "tool_call_id": "c1"},
            ],
        },
    ]
    original = ws.datasets.import_file(write_jsonl(tmp_path / "in.jsonl", rows), "src").version
    assert roundtrip(ws, "src@v1", fmt, tmp_path / f"out.{fmt}") == original.content_hash


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_mixed_kinds_roundtrip(ws: mentor.Workspace, tmp_path: Path, fmt: str) -> None:
    original = ws.datasets.import_file(
        write_jsonl(tmp_path / "in.jsonl", [SFT, PREF, TIE, RANK, RATE]), "mixed"
    ).version
    assert roundtrip(ws, "mixed@v1", fmt, tmp_path / f"out.{fmt}") == original.content_hash


@pytest.mark.parametrize("fmt", ["trl-dpo", "hf"])
def test_hh_roundtrips_through_preference_formats(
    sqlite_ws: mentor.Workspace, tmp_path: Path, fmt: str
) -> None:
    sqlite_ws.datasets.import_file(HH, "hh", map="hh-rlhf")
    version = sqlite_ws.datasets.version("hh@v1")
    assert roundtrip(sqlite_ws, version.ref, fmt, tmp_path / f"out.{fmt}") == version.content_hash


def test_hh_through_openai_dpo_keeps_every_record_it_can_hold(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    ws = sqlite_ws
    ws.datasets.import_file(HH, "hh", map="hh-rlhf")
    result = ws.datasets.export("hh@v1", "openai-dpo", tmp_path / "o.jsonl")
    # HH has records whose rejected side holds two assistant turns; OpenAI takes exactly one.
    assert result.written + sum(result.skipped.values()) == 2312 and result.skipped
    ws.datasets.import_file(tmp_path / "o.jsonl", "back")
    original = {r["id"]: r for r in ws.datasets.records("hh@v1")}
    back = list(ws.datasets.records("back@v1"))
    assert len(back) == result.written and all(r == original[r["id"]] for r in back)


def test_trl_dpo_rows_are_trl_conversational_preferences(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    rank = {**RANK, "responses": [[{"role": "assistant", "content": r}] for r in RANK["responses"]]}
    ws.datasets.import_file(write_jsonl(tmp_path / "p.jsonl", [PREF, TIE, rank]), "p")
    result = ws.datasets.export("p@v1", "trl-dpo", tmp_path / "dpo.jsonl")
    assert result.written == 1 + 3  # the pair, and the 3 pairs a ranking of 3 implies
    assert result.skipped == {"tied preferences have no preferred side": 1}
    # Only the pair has a margin: a column with missing values would stop RewardTrainer.
    assert result.notes == [
        "margin left out: only 1 of 4 rows have one "
        "(a column with missing values stops reward trainers)"
    ]
    rows = [json.loads(x) for x in (tmp_path / "dpo.jsonl").read_text().splitlines()]
    assert rows[0] == {
        "prompt": [{"role": "user", "content": "Say hi"}],
        "chosen": [{"role": "assistant", "content": "Hi!"}],
        "rejected": [{"role": "assistant", "content": "Go away."}],
    }
    assert [(r["chosen"][0]["content"], r["rejected"][0]["content"]) for r in rows[1:]] == [
        ("Hello", "Greetings"),
        ("Hello", "Yo"),
        ("Greetings", "Yo"),
    ]
    loaded = hf.load_dataset(
        "json",
        data_files=str(tmp_path / "dpo.jsonl"),
        split="train",
        cache_dir=str(tmp_path / "cache"),
    )
    assert {"prompt", "chosen", "rejected"} <= set(loaded.column_names)
    assert loaded[0]["chosen"] == [{"role": "assistant", "content": "Hi!"}]


def test_openai_formats_follow_the_fine_tuning_api(ws: mentor.Workspace, tmp_path: Path) -> None:
    ws.datasets.import_file(write_jsonl(tmp_path / "s.jsonl", [SFT]), "s")
    ws.datasets.export("s@v1", "openai-chat", tmp_path / "chat.jsonl")
    (row,) = [json.loads(x) for x in (tmp_path / "chat.jsonl").read_text().splitlines()]
    assert set(row) == {"messages"} and row["messages"][0] == {
        "role": "system",
        "content": "Be brief.",
    }
    ws.datasets.import_file(write_jsonl(tmp_path / "p.jsonl", [PREF]), "p")
    ws.datasets.export("p@v1", "openai-dpo", tmp_path / "dpo.jsonl")
    (row,) = [json.loads(x) for x in (tmp_path / "dpo.jsonl").read_text().splitlines()]
    assert row == {
        "input": {"messages": [{"role": "user", "content": "Say hi"}]},
        "preferred_output": [{"role": "assistant", "content": "Hi!"}],
        "non_preferred_output": [{"role": "assistant", "content": "Go away."}],
    }


def test_wrong_kind_stops_the_export_and_leaves_no_file(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    ws.datasets.import_file(write_jsonl(tmp_path / "m.jsonl", [SFT, RATE]), "m")
    out = tmp_path / "sft.jsonl"
    with pytest.raises(InputError, match="record g1: rating records are not SFT chats"):
        ws.datasets.export("m@v1", "trl-sft", out)
    assert not out.exists() and list(tmp_path.glob(".sft.jsonl*")) == []
    with pytest.raises(InputError, match="an hf export holds one record kind"):
        ws.datasets.export("m@v1", "hf", tmp_path / "hfdir")
    assert not (tmp_path / "hfdir").exists()
    with pytest.raises(InputError, match="--to: unknown format 'csv'"):
        ws.datasets.export("m@v1", "csv", tmp_path / "x.csv")


def test_openai_chat_refuses_a_chat_without_assistant_in_strict_mode(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    only_user = {"id": "u", "messages": [{"role": "user", "content": "hello?"}]}
    ws.datasets.import_file(write_jsonl(tmp_path / "u.jsonl", [SFT, only_user]), "u")
    lenient = ws.datasets.export("u@v1", "openai-chat", tmp_path / "a.jsonl")
    assert lenient.written == 1 and lenient.skipped == {
        "no assistant message (OpenAI fine-tuning learns from them)": 1
    }
    with pytest.raises(InputError, match="record u: no assistant message"):
        ws.datasets.export("u@v1", "openai-chat", tmp_path / "b.jsonl", strict=True)
    assert not (tmp_path / "b.jsonl").exists()
