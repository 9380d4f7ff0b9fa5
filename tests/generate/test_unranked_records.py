"""Unranked records: candidates no one has ranked yet say so, and nothing pretends otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

import mentor
from mentor.errors import InputError, RecordError
from mentor.records import validate
from tests.annotate.project_world import dataset

UNRANKED = {
    "id": "r1",
    "kind": "ranking",
    "prompt": "Name a colour.",
    "responses": ["Blue.", "Red."],
    "unranked": True,
}
PAIR = {
    "id": "p1",
    "kind": "preference",
    "prompt": "Say hi.",
    "chosen": "Hi!",
    "rejected": "Hello.",
    "unranked": True,
}


def test_a_ranking_needs_its_order_unless_it_says_it_is_unranked() -> None:
    assert "ranking" not in validate(UNRANKED) and validate(UNRANKED)["unranked"] is True
    forgot = {k: v for k, v in UNRANKED.items() if k != "unranked"}
    with pytest.raises(RecordError, match='"unranked": true') as caught:
        validate(forgot)
    assert caught.value.field == "ranking"
    with pytest.raises(RecordError, match="no ranking yet"):
        validate({**UNRANKED, "ranking": [1, 0]})
    with pytest.raises(RecordError, match="true or false"):
        validate({**UNRANKED, "unranked": "yes"})
    with pytest.raises(RecordError, match="no tie or margin"):
        validate({**PAIR, "tie": True})


@pytest.mark.parametrize("fmt", ["trl-dpo", "openai-dpo", "hf"])
def test_training_exports_refuse_unranked_records(
    sqlite_ws: mentor.Workspace, tmp_path: Path, fmt: str
) -> None:
    ref = dataset(sqlite_ws, tmp_path, "cands", [UNRANKED])
    with pytest.raises(InputError, match="not ranked yet") as caught:
        sqlite_ws.datasets.export(ref, fmt, tmp_path / f"out.{fmt}")
    assert caught.value.where == "record r1"


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_data_exports_keep_them_unranked(
    sqlite_ws: mentor.Workspace, tmp_path: Path, fmt: str
) -> None:
    ref = dataset(sqlite_ws, tmp_path, "cands", [UNRANKED, PAIR])
    out = tmp_path / f"cands.{fmt}"
    sqlite_ws.datasets.export(ref, fmt, out)
    again = sqlite_ws.datasets.import_file(out, "again").version
    assert [r.get("unranked") for r in sqlite_ws.datasets.records(again.ref)] == [True, True]
