"""Paths Mentor writes to (quarantines, exports, datasheets): refused before any work when they
would replace something that is not a regular file, or cannot be written; nothing half-done."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import mentor
from mentor.datasets import exporters, importer
from mentor.errors import InputError
from tests.datasets.test_bad_input import assert_nothing_written, lines
from tests.datasets.test_import import SFT, write_jsonl

GOOD = json.dumps(SFT)


def mixed(path: Path) -> Path:
    """A file whose first line is not JSON, then valid rows (as in the review)."""
    rows = [json.dumps({"prompt": f"q{i}", "completion": "a"}) for i in range(50)]
    return lines(path, "not json", *rows)


def test_quarantine_never_overwrites_the_input_or_another_file(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    source = mixed(tmp_path / "big.jsonl")
    before = source.read_bytes()
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    for target in (source, precious):
        with pytest.raises(InputError) as info:
            sqlite_ws.datasets.import_file(source, "t", skip_invalid=True, quarantine=target)
        assert info.value.where == "--quarantine"
        assert f"{target} already exists" in str(info.value)
    assert source.read_bytes() == before
    assert precious.read_text() == "keep me"
    assert_nothing_written(sqlite_ws)


def test_a_quarantine_without_skip_invalid_is_refused_not_ignored(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    source = mixed(tmp_path / "in.jsonl")
    with pytest.raises(InputError, match="only with --skip-invalid") as info:
        sqlite_ws.datasets.import_file(source, "t", quarantine=tmp_path / "q.jsonl")
    assert info.value.where == "--quarantine"
    assert not (tmp_path / "q.jsonl").exists()
    assert_nothing_written(sqlite_ws)


@pytest.mark.parametrize("where", ["folder", "under-a-file", "under-proc"])
def test_unwritable_quarantine_is_an_error_naming_the_flag(
    sqlite_ws: mentor.Workspace, tmp_path: Path, where: str
) -> None:
    (tmp_path / "file.txt").write_text("x")
    target = {
        "folder": tmp_path,
        "under-a-file": tmp_path / "file.txt" / "q.jsonl",
        "under-proc": Path("/proc/no-such-process/q.jsonl"),
    }[where]
    source = mixed(tmp_path / "in.jsonl")
    with pytest.raises(InputError) as info:
        sqlite_ws.datasets.import_file(source, "t", skip_invalid=True, quarantine=target)
    assert info.value.where == "--quarantine"
    assert_nothing_written(sqlite_ws)


def test_default_quarantines_of_the_same_second_are_kept_apart(
    sqlite_ws: mentor.Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "now_stamp", lambda: "20260101T000000Z")
    source = mixed(tmp_path / "in.jsonl")
    first = sqlite_ws.datasets.import_file(source, "t", skip_invalid=True)
    again = sqlite_ws.datasets.import_file(source, "t", skip_invalid=True)
    assert again.unchanged and again.rejected == 1
    assert first.quarantine is not None and again.quarantine is not None
    assert first.quarantine != again.quarantine
    assert again.quarantine.name == "t-20260101T000000Z-2.jsonl"
    for result in (first, again):
        assert result.quarantine is not None
        assert json.loads(result.quarantine.read_text())["row"] == "not json"


@pytest.mark.parametrize("kind", ["fifo", "symlink", "folder", "empty", "missing-folder"])
def test_export_refuses_a_target_that_is_not_a_regular_file(
    sqlite_ws: mentor.Workspace, tmp_path: Path, kind: str
) -> None:
    sqlite_ws.datasets.import_file(write_jsonl(tmp_path / "a.jsonl", [SFT]), "g")
    (tmp_path / "real.jsonl").write_text("kept")
    out = {
        "fifo": tmp_path / "pipe",
        "symlink": tmp_path / "link.jsonl",
        "folder": tmp_path,
        "empty": "",
        "missing-folder": tmp_path / "nodir" / "x.jsonl",
    }[kind]
    if kind == "fifo":
        os.mkfifo(out)
    if kind == "symlink":
        os.symlink(tmp_path / "real.jsonl", out)
    with pytest.raises(InputError) as info:
        sqlite_ws.datasets.export("g@v1", "jsonl", out)
    assert info.value.where == "OUT"
    assert (tmp_path / "real.jsonl").read_text() == "kept"
    assert kind != "fifo" or Path(out).is_fifo()
    assert kind != "symlink" or Path(out).is_symlink()
    assert not list(tmp_path.glob(".*.tmp"))


def test_export_overwrites_a_regular_file(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    sqlite_ws.datasets.import_file(write_jsonl(tmp_path / "a.jsonl", [SFT]), "g")
    out = tmp_path / "out.jsonl"
    out.write_text("old")
    assert sqlite_ws.datasets.export("g@v1", "jsonl", out).written == 1
    assert json.loads(out.read_text())["id"] == "s1"


@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit])
def test_an_interrupted_export_leaves_no_temporary_file(
    tmp_path: Path, stop: type[BaseException]
) -> None:
    def tick() -> None:
        raise stop

    records = iter([{**SFT, "kind": "sft"}] * 3)
    with pytest.raises(stop):
        exporters.write(records, "trl-sft", tmp_path / "x.jsonl", tick)
    assert list(tmp_path.iterdir()) == []


def test_datasheet_out_is_checked_before_anything_is_stored(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    sqlite_ws.datasets.import_file(write_jsonl(tmp_path / "a.jsonl", [SFT]), "g")
    for out in (tmp_path / "nodir" / "x.md", tmp_path):
        with pytest.raises(InputError) as info:
            sqlite_ws.datasets.datasheet("g@v1", out=out)
        assert info.value.where == "--out"
    assert sqlite_ws.datasets.stored_datasheet("g@v1") is None
    assert not [e for e in sqlite_ws.audit(object_id="g@v1") if "datasheet" in e.action]
    sheet = sqlite_ws.datasets.datasheet("g@v1", out=tmp_path / "x.md")
    assert (tmp_path / "x.md").read_text() == sheet.markdown
    assert not list(tmp_path.glob(".*.tmp"))
