"""Large files are read by a second process; what it imports is what the importing one would."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

import mentor
from mentor.datasets import importer
from mentor.datasets.prepared import Batch
from mentor.errors import InputError
from tests.conftest import HH
from tests.datasets.test_bad_input import assert_nothing_written, lines
from tests.datasets.test_import import PREF, RANK, RATE, SFT, TIE, write_jsonl


def force_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start the reading process whatever the file's size (normally from 256 MB on), and fail
    if it does not start (rather than quietly reading in this process instead)."""
    monkeypatch.setattr(importer, "_WORKER_MIN_BYTES", 0)
    batches = importer._Worker.batches

    def no_fallback(self: importer._Worker, fallback: object) -> Iterator[Batch]:
        def fail() -> Iterator[Batch]:
            raise AssertionError("the reading process did not start")

        return batches(self, fail)

    monkeypatch.setattr(importer._Worker, "batches", no_fallback)


@pytest.fixture
def every_file_gets_a_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    force_worker(monkeypatch)


def test_worker_import_matches_the_pinned_hh_rlhf_hash(
    ws: mentor.Workspace, every_file_gets_a_worker: None
) -> None:
    result = ws.datasets.import_file(HH, "hh", map="hh-rlhf")
    assert result.imported == 2312
    version = result.version
    assert version.content_hash == (
        "db9843c2538940871b5099920d2b4e74f7cb419500f221d04c984bf7be7b9f3c"
    )
    assert version.sources[0].sha256 == hashlib.sha256(HH.read_bytes()).hexdigest()


def test_worker_and_in_process_imports_store_the_same_records(
    sqlite_ws: mentor.Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rows for several batches, with a repeated id, an invalid row and derived ids (which get
    # suffixes when the same content comes again).
    rows: list[dict[str, object]] = [{**SFT, "id": f"s{i}"} for i in range(4500)]
    rows += [PREF, TIE, RANK, RATE, SFT, {"kind": "sft", "messages": []}]
    rows += [{"messages": [{"role": "user", "content": f"q{i % 7}"}]} for i in range(300)]
    path = write_jsonl(tmp_path / "many.jsonl", rows)
    here = sqlite_ws.datasets.import_file(
        path, "here", skip_invalid=True, quarantine=tmp_path / "q1"
    )
    force_worker(monkeypatch)
    there = sqlite_ws.datasets.import_file(
        path, "there", skip_invalid=True, quarantine=tmp_path / "q2"
    )
    assert (there.imported, there.rejected) == (here.imported, here.rejected) == (4804, 2)
    assert there.version.content_hash == here.version.content_hash
    assert there.version.sources[0].sha256 == here.version.sources[0].sha256
    assert (tmp_path / "q2").read_bytes() == (tmp_path / "q1").read_bytes()
    assert list(sqlite_ws.datasets.records("there")) == list(sqlite_ws.datasets.records("here"))


def test_bad_row_read_by_the_worker_names_file_line_and_field(
    ws: mentor.Workspace, tmp_path: Path, every_file_gets_a_worker: None
) -> None:
    good = json.dumps(SFT)
    bad = {"messages": [{"role": "user", "content": "hi"}, {"role": "bot", "content": "yo"}]}
    path = lines(tmp_path / "f.jsonl", *[good.replace('"s1"', f'"s{i}"') for i in range(5000)])
    with path.open("ab") as fh:
        fh.write(orjson.dumps(bad) + b"\n")
    with pytest.raises(InputError) as info:
        ws.datasets.import_file(path, "bad")
    assert info.value.where == f"{path}:5001"
    assert info.value.field == "messages[1].role"
    assert_nothing_written(ws)
