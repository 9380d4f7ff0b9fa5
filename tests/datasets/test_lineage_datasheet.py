"""Lineage back to source files, transforms, and datasheets with real counts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import mentor
from mentor.datasets.transforms import RecordFilter
from mentor.errors import InputError
from tests.conftest import HH
from tests.datasets.test_import import PREF, RANK, SFT, TIE, write_jsonl


def test_lineage_walks_merges_and_filters_back_to_hashed_files(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    a = write_jsonl(tmp_path / "a.jsonl", [SFT])
    b = write_jsonl(tmp_path / "b.jsonl", [PREF, TIE])
    ws.datasets.import_file(a, "a")
    ws.datasets.import_file(b, "b")
    ws.datasets.filter("b@v1", RecordFilter(kind="preference", sample=1.0), into="b-clean")
    merged = ws.datasets.merge(["a@v1", "b-clean@v1"], "mix", note="for the demo")
    assert merged.parents == ["a@v1", "b-clean@v1"] and merged.record_count == 3
    graph = ws.datasets.lineage("mix@v1")
    ids = {n.id: n for n in graph.nodes}
    assert set(ids) == {
        "mix@v1",
        "a@v1",
        "b-clean@v1",
        "b@v1",
        f"file:{hashlib.sha256(a.read_bytes()).hexdigest()[:12]}",
        f"file:{hashlib.sha256(b.read_bytes()).hexdigest()[:12]}",
    }
    assert sorted(graph.parents_of("mix@v1")) == ["a@v1", "b-clean@v1"]
    assert graph.parents_of("b-clean@v1") == ["b@v1"]
    source = next(n for n in graph.nodes if n.type == "source" and "b.jsonl" in n.label)
    assert source.detail["sha256"] == hashlib.sha256(b.read_bytes()).hexdigest()
    assert ids["b-clean@v1"].detail["params"] == {
        "from": "b@v1",
        "kind": "preference",
        "sample": 1.0,
    }


def test_merge_refuses_repeated_ids_and_writes_nothing(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    ws.datasets.import_file(write_jsonl(tmp_path / "a.jsonl", [SFT]), "a")
    ws.datasets.import_file(write_jsonl(tmp_path / "b.jsonl", [SFT, PREF]), "b")
    with pytest.raises(InputError, match="duplicate id 's1'"):
        ws.datasets.merge(["a@v1", "b@v1"], "mix")
    assert [d.name for d in ws.datasets.all()] == ["a", "b"]


def test_filter_checks_its_flags(ws: mentor.Workspace, tmp_path: Path) -> None:
    ws.datasets.import_file(write_jsonl(tmp_path / "a.jsonl", [SFT, PREF]), "a")
    with pytest.raises(InputError, match="--kind: unknown kind 'chat'"):
        ws.datasets.filter("a@v1", RecordFilter(kind="chat"))
    with pytest.raises(InputError, match=r"--sample: expected a fraction in \(0, 1\]"):
        ws.datasets.filter("a@v1", RecordFilter(sample=1.5))
    with pytest.raises(InputError, match="filter kept no records"):
        ws.datasets.filter("a@v1", RecordFilter(intent="nothing-like-this"))
    assert len(ws.datasets.versions("a")) == 1


def test_datasheet_counts_and_lineage(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    ws.datasets.import_file(HH, "hh", map="hh-rlhf")
    ws.datasets.filter("hh@v1", RecordFilter(single_turn=True))
    notes = tmp_path / "notes.yaml"
    notes.write_text("motivation: Train harmless reward models.\nlimitations: Offensive text.\n")
    sheet = ws.datasets.datasheet("hh@v2", notes=notes, out=tmp_path / "sheet.md")
    text = (tmp_path / "sheet.md").read_text()
    assert text == sheet.markdown
    assert "# Datasheet: hh@v2" in text and "- Records: 662 (662 preference)" in text
    assert "Train harmless reward models." in text and "- Offensive text." in text
    assert "1. `hh@v1`: import" in text and "2. `hh@v2`: filter" in text
    assert "sha256 `ebfaaed21162a4de120ae85366075b34425e2a6303fac59b99555002f7016f03`" in text
    assert "3 responses are empty or whitespace only." in text
    assert "662 of 662 records (100%) have no language." in text
    assert "_Not written yet" in text  # collection and maintenance were not given
    assert sheet.fields["records"] == 662
    assert ws.audit(object_id="hh@v2")[0].action == "datasheet.create"


def test_datasheet_notes_are_checked(ws: mentor.Workspace, tmp_path: Path) -> None:
    ws.datasets.import_file(write_jsonl(tmp_path / "a.jsonl", [SFT, RANK]), "a")
    notes = tmp_path / "notes.yaml"
    notes.write_text("motivaton: typo\n")
    with pytest.raises(InputError, match=r"unexpected keys \['motivaton'\]"):
        ws.datasets.datasheet("a@v1", notes=notes)
