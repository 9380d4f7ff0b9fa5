"""Importing every record kind from every format, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import mentor
from tests.conftest import HH


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


SFT = {
    "id": "s1",
    "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Capital of France?"},
        {"role": "assistant", "content": "Paris."},
    ],
    "intent": "factual_qa",
    "language": "en",
    "tags": ["geo"],
    "source": "unit",
}
PREF = {"id": "p1", "prompt": "Say hi", "chosen": "Hi!", "rejected": "Go away.", "margin": 2.0}
TIE = {
    "id": "p2",
    "prompt": [{"role": "user", "content": "Pick"}],
    "chosen": "A",
    "rejected": "B",
    "tie": True,
}
RANK = {
    "id": "r1",
    "prompt": "Best greeting?",
    "responses": ["Hello", "Yo", "Greetings"],
    "ranking": [0, 2, 1],
}
RATE = {"id": "g1", "prompt": "2+2?", "response": "4", "scores": {"correct": 5, "style": 3.5}}


def test_hh_rlhf_transcripts_become_conversational_preferences(ws: mentor.Workspace) -> None:
    result = ws.datasets.import_file(HH, "hh", map="hh-rlhf")
    assert result.imported == 2312
    assert result.version.ref == "hh@v1"
    assert result.version.kind_counts == {"preference": 2312}
    first = next(ws.datasets.records("hh@v1"))
    assert first["prompt"][0] == {
        "role": "user",
        "content": "what are some pranks with a pen i can do?",
    }
    assert [m["role"] for m in first["prompt"]] == [
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
    ]
    assert first["chosen"] == [
        {
            "role": "assistant",
            "content": "No, sorry!  All of these involve a "
            "pen, the point is that you can get funny results by doing pranks "
            "with pens.",
        }
    ]
    assert first["rejected"][0]["content"].startswith("There are lots of funny things")
    assert result.version.sources[0].uri.endswith("hh-rlhf-harmless-base-test.jsonl.gz")


def test_content_hash_is_deterministic_across_workspaces_and_backends(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    """The same file gives the same hash on SQLite and PostgreSQL and in any workspace."""
    other = mentor.connect(f"sqlite:///{tmp_path / 'other.db'}", user="someone-else")
    a = ws.datasets.import_file(HH, "hh").version
    b = other.datasets.import_file(HH, "copy").version
    assert a.content_hash == b.content_hash
    assert a.content_hash == "db9843c2538940871b5099920d2b4e74f7cb419500f221d04c984bf7be7b9f3c"


def test_every_kind_from_jsonl_keeps_content_and_metadata(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "mixed.jsonl", [SFT, PREF, TIE, RANK, RATE])
    version = ws.datasets.import_file(path, "mixed").version
    assert version.kind_counts == {"preference": 2, "ranking": 1, "rating": 1, "sft": 1}
    recs = {r["id"]: r for r in ws.datasets.records("mixed")}
    assert recs["s1"]["messages"][2] == {"role": "assistant", "content": "Paris."}
    assert (recs["s1"]["intent"], recs["s1"]["language"], recs["s1"]["tags"]) == (
        "factual_qa",
        "en",
        ["geo"],
    )
    assert recs["p1"]["prompt"] == [{"role": "user", "content": "Say hi"}]
    assert recs["p1"]["chosen"] == [{"role": "assistant", "content": "Hi!"}]
    assert recs["p1"]["margin"] == 2
    assert recs["p2"]["tie"] is True
    assert len(recs["r1"]["responses"]) == 3 and recs["r1"]["ranking"] == [0, 2, 1]
    assert recs["g1"]["scores"] == {"correct": 5, "style": 3.5}


def test_csv_with_score_columns_and_json_cells(ws: mentor.Workspace, tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "prompt", "response", "scores.helpful", "scores.safe", "tags"])
        out.writerow(["a", "Hi?", "Hello", "4", "5", '["greeting"]'])
        out.writerow(
            ["b", json.dumps([{"role": "user", "content": "Multi"}]), "ok", "2.5", "5", ""]
        )
    version = ws.datasets.import_file(path, "ratings").version
    assert version.kind_counts == {"rating": 2}
    recs = list(ws.datasets.records("ratings"))
    assert recs[0]["scores"] == {"helpful": 4, "safe": 5}
    assert recs[0]["tags"] == ["greeting"]
    assert recs[1]["prompt"] == [{"role": "user", "content": "Multi"}]
    assert recs[1]["scores"]["helpful"] == 2.5


def test_parquet_import(ws: mentor.Workspace, tmp_path: Path) -> None:
    path = tmp_path / "sft.parquet"
    pq.write_table(
        pa.Table.from_pylist(
            [
                {"id": str(i), "prompt": f"Question {i}", "completion": f"Answer {i}"}
                for i in range(300)
            ]
        ),
        path,
    )
    version = ws.datasets.import_file(path, "pq").version
    assert version.record_count == 300
    first = next(ws.datasets.records("pq"))
    assert first["messages"] == [
        {"role": "user", "content": "Question 0"},
        {"role": "assistant", "content": "Answer 0"},
    ]


def test_alpaca_sharegpt_and_openai_dpo_shapes(ws: mentor.Workspace, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "shapes.jsonl",
        [
            {"instruction": "Translate", "input": "chat", "output": "cat"},
            {
                "conversations": [
                    {"from": "human", "value": "hi"},
                    {"from": "gpt", "value": "hello"},
                ]
            },
            {
                "input": {"messages": [{"role": "user", "content": "q"}]},
                "preferred_output": [{"role": "assistant", "content": "good"}],
                "non_preferred_output": [{"role": "assistant", "content": "bad"}],
            },
        ],
    )
    recs = list(ws.datasets.records(ws.datasets.import_file(path, "shapes").version.ref))
    assert recs[0]["messages"][0] == {"role": "user", "content": "Translate\n\nchat"}
    assert recs[1]["messages"][1] == {"role": "assistant", "content": "hello"}
    assert recs[2]["kind"] == "preference" and recs[2]["chosen"][0]["content"] == "good"


def test_map_file_renames_columns(ws: mentor.Workspace, tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "kind: preference\nfields:\n  id: uid\n  prompt: question\n"
        "  chosen: answers.good\n  rejected: answers.bad\n"
        "constants:\n  source: vendor-x\n",
        "utf-8",
    )
    path = write_jsonl(
        tmp_path / "vendor.jsonl",
        [{"uid": 7, "question": "Q?", "answers": {"good": "yes", "bad": "no"}}],
    )
    rec = next(
        ws.datasets.records(ws.datasets.import_file(path, "vendor", map_file=mapping).version.ref)
    )
    assert rec["id"] == "7" and rec["source"] == "vendor-x"
    assert rec["chosen"] == [{"role": "assistant", "content": "yes"}]


def test_reimport_of_same_content_makes_no_new_version(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [SFT, PREF])
    first = ws.datasets.import_file(path, "d")
    again = ws.datasets.import_file(path, "d")
    assert again.unchanged and again.version.ref == first.version.ref == "d@v1"
    assert [v.ref for v in ws.datasets.versions("d")] == ["d@v1"]


def test_new_import_is_next_version_with_parent_and_diff_by_id(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    ws.datasets.import_file(write_jsonl(tmp_path / "a.jsonl", [SFT, PREF, RANK]), "d")
    changed = {**PREF, "chosen": "Hello there!"}
    v2 = ws.datasets.import_file(
        write_jsonl(tmp_path / "b.jsonl", [SFT, changed, RATE]), "d"
    ).version
    assert v2.ref == "d@v2" and v2.parents == ["d@v1"]
    diff = ws.datasets.diff("d@v1", "d@v2")
    assert (diff.added, diff.removed, diff.changed, diff.unchanged) == (1, 1, 1, 1)
    assert diff.added_ids == ["g1"] and diff.removed_ids == ["r1"]
    assert diff.changed_records[0].id == "p1" and diff.changed_records[0].fields == ["chosen"]
    assert ws.datasets.version("d").ref == "d@v2" and ws.datasets.version("d@v1").record_count == 3


def test_identical_records_without_ids_get_distinct_stable_ids(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    row = {"prompt": "same", "completion": "same"}
    path = write_jsonl(tmp_path / "dupes.jsonl", [row, row, row])
    ids = [r["id"] for r in ws.datasets.records(ws.datasets.import_file(path, "dupes").version.ref)]
    assert len(set(ids)) == 3 and ids[1] == f"{ids[0]}-2" and ids[2] == f"{ids[0]}-3"


def test_versions_are_immutable_and_audited(ws: mentor.Workspace, tmp_path: Path) -> None:
    ws.datasets.import_file(write_jsonl(tmp_path / "a.jsonl", [SFT]), "d")
    before = ws.datasets.version("d@v1")
    ws.datasets.import_file(write_jsonl(tmp_path / "b.jsonl", [PREF]), "d")
    assert ws.datasets.version("d@v1") == before
    actions = [(e.action, e.object_id, e.actor) for e in reversed(ws.audit())]
    assert actions == [
        ("dataset.create", "d", "tester"),
        ("version.create", "d@v1", "tester"),
        ("version.create", "d@v2", "tester"),
    ]
    created = ws.audit(object_id="d@v2")[0]
    assert created.after["content_hash"] == ws.datasets.version("d@v2").content_hash
    assert created.detail["transform"] == "import"


def test_map_file_reads_score_columns_of_a_csv_as_numbers(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "kind: rating\nfields:\n  prompt: q\n  response: a\nscores: [accuracy, tone]\n", "utf-8"
    )
    (tmp_path / "r.csv").write_text("q,a,accuracy,tone\nHi?,Hello,5,3.5\n", "utf-8")
    rec = next(
        ws.datasets.records(
            ws.datasets.import_file(tmp_path / "r.csv", "r", map_file=mapping).version.ref
        )
    )
    assert rec["scores"] == {"accuracy": 5, "tone": 3.5}
