"""Bad input gets an error naming file:line and field, and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select

import mentor
from mentor.errors import InputError, NotFoundError
from mentor.store.tables import audit_events, datasets, record_blobs, version_records
from tests.datasets.test_import import PREF, SFT, write_jsonl

GOOD = json.dumps(SFT)


def assert_nothing_written(ws: mentor.Workspace) -> None:
    with ws.engine.connect() as conn:
        for table in (datasets, version_records, record_blobs, audit_events):
            assert conn.execute(select(func.count()).select_from(table)).scalar() == 0


def lines(path: Path, *rows: str | bytes) -> Path:
    path.write_bytes(b"".join((r if isinstance(r, bytes) else r.encode()) + b"\n" for r in rows))
    return path


def import_error(ws: mentor.Workspace, path: Path, **opts: object) -> InputError:
    with pytest.raises(InputError) as info:
        ws.datasets.import_file(path, "bad", **opts)
    assert_nothing_written(ws)
    return info.value


def test_malformed_json_line(ws: mentor.Workspace, tmp_path: Path) -> None:
    err = import_error(ws, lines(tmp_path / "f.jsonl", GOOD, GOOD, '{"messages": [', GOOD))
    assert str(err).startswith(f"{tmp_path / 'f.jsonl'}:3: not valid JSON")


def test_invalid_utf8_byte(ws: mentor.Workspace, tmp_path: Path) -> None:
    err = import_error(
        ws, lines(tmp_path / "f.jsonl", GOOD, b'{"prompt": "caf\xff", "completion": "x"}')
    )
    assert f"{tmp_path / 'f.jsonl'}:2: invalid UTF-8 byte 0xff at column 16" == str(err)


def test_unknown_role_names_the_field(ws: mentor.Workspace, tmp_path: Path) -> None:
    row = {"messages": [{"role": "user", "content": "hi"}, {"role": "bot", "content": "yo"}]}
    err = import_error(ws, lines(tmp_path / "f.jsonl", GOOD, json.dumps(row)))
    assert err.where == f"{tmp_path / 'f.jsonl'}:2"
    assert err.field == "messages[1].role"
    assert "unknown role 'bot'; expected one of assistant, developer, system, tool, user" in str(
        err
    )


def test_empty_file(ws: mentor.Workspace, tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_bytes(b"\n\n")
    err = import_error(ws, tmp_path / "empty.jsonl")
    assert "holds no records" in str(err)


def test_fifty_megabyte_line_is_rejected_with_its_size(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    huge = '{"prompt": "' + "x" * (50 * 1024 * 1024) + '", "completion": "y"}'
    err = import_error(ws, lines(tmp_path / "huge.jsonl", GOOD, huge, GOOD))
    assert err.where == f"{tmp_path / 'huge.jsonl'}:2"
    assert "line is 52,428,834 bytes, over the limit of 16,777,216" in str(err)


def test_wrong_map_preset(ws: mentor.Workspace, tmp_path: Path) -> None:
    err = import_error(ws, lines(tmp_path / "f.jsonl", GOOD), map="hh-rlfh")
    assert str(err) == (
        "--map: unknown preset 'hh-rlfh'; expected one of alpaca, auto, hh-rlhf, "
        "sharegpt, ultrafeedback (or --map-file FILE)"
    )


def test_hh_map_on_non_transcripts(ws: mentor.Workspace, tmp_path: Path) -> None:
    err = import_error(ws, lines(tmp_path / "f.jsonl", json.dumps(PREF)), map="hh-rlhf")
    assert err.field == "chosen" and "transcript" in str(err)


def test_map_file_with_missing_column_and_bad_yaml(ws: mentor.Workspace, tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("kind: sft\nfields:\n  messages: convo\n", "utf-8")
    err = import_error(ws, lines(tmp_path / "f.jsonl", GOOD), map_file=mapping)
    assert err.where == f"{tmp_path / 'f.jsonl'}:1" and err.field == "messages"
    assert "column 'convo' is not in the row" in str(err)
    mapping.write_text("kind: sft\nfields: [unclosed\n", "utf-8")
    err = import_error(ws, lines(tmp_path / "f.jsonl", GOOD), map_file=mapping)
    assert str(err).startswith(f"{mapping}:3: not valid YAML")
    mapping.write_text("kind: chat\n", "utf-8")
    err = import_error(ws, lines(tmp_path / "f.jsonl", GOOD), map_file=mapping)
    assert err.field == "kind" and str(mapping) in str(err)


def test_csv_wrong_column_count_and_unknown_shape(ws: mentor.Workspace, tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_text("prompt,completion\nhi,there\nonly-one\n", "utf-8")
    err = import_error(ws, tmp_path / "f.csv")
    assert str(err) == f"{tmp_path / 'f.csv'}:3: expected 2 columns, got 1"
    (tmp_path / "g.csv").write_text("question,answer\nhi,there\n", "utf-8")
    err = import_error(ws, tmp_path / "g.csv")
    assert err.where == f"{tmp_path / 'g.csv'}:2" and err.field == "kind"
    assert "cannot tell the record kind from the fields answer, question" in str(err)


def test_duplicate_ids_are_refused(ws: mentor.Workspace, tmp_path: Path) -> None:
    err = import_error(ws, lines(tmp_path / "f.jsonl", GOOD, json.dumps(PREF), GOOD))
    assert err.where == f"{tmp_path / 'f.jsonl'}:3" and err.field == "id"
    assert "duplicate id 's1'" in str(err)


def test_error_after_many_batches_still_writes_nothing(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    rows = [json.dumps({"prompt": f"q{i}", "completion": "a"}) for i in range(12_000)]
    rows.append('{"prompt": 5, "completion": "a"}')
    err = import_error(ws, lines(tmp_path / "f.jsonl", *rows))
    assert err.where == f"{tmp_path / 'f.jsonl'}:12001" and err.field == "prompt"


def test_skip_invalid_quarantines_rejected_rows(ws: mentor.Workspace, tmp_path: Path) -> None:
    quarantine = tmp_path / "rejected.jsonl"
    path = lines(
        tmp_path / "f.jsonl",
        GOOD,
        "not json",
        json.dumps(PREF),
        '{"messages": [{"role": "robot", "content": "x"}]}',
        b'{"a": "\xfe"}',
    )
    result = ws.datasets.import_file(path, "mixed", skip_invalid=True, quarantine=quarantine)
    assert (result.imported, result.rejected, result.quarantine) == (2, 3, quarantine)
    rejected = [orjson.loads(x) for x in quarantine.read_bytes().splitlines()]
    assert [(r["line"], r["field"]) for r in rejected] == [
        (2, None),
        (4, "messages[0].role"),
        (5, None),
    ]
    assert rejected[0]["row"] == "not json" and "not valid JSON" in rejected[0]["error"]
    assert rejected[1]["row"] == {"messages": [{"role": "robot", "content": "x"}]}


def test_skip_invalid_with_nothing_valid_writes_nothing(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    err = import_error(
        ws,
        lines(tmp_path / "f.jsonl", "nope", "[1]"),
        skip_invalid=True,
        quarantine=tmp_path / "q.jsonl",
    )
    assert "no valid records: all 2 rows were rejected" in str(err)


def test_unknown_format_missing_file_and_bad_name(ws: mentor.Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--format: unknown format 'xml'"):
        ws.datasets.import_file(lines(tmp_path / "f.jsonl", GOOD), "d", format="xml")
    with pytest.raises(InputError, match="no such file"):
        ws.datasets.import_file(tmp_path / "missing.jsonl", "d")
    with pytest.raises(InputError, match="not a usable dataset name"):
        ws.datasets.import_file(lines(tmp_path / "f.jsonl", GOOD), "bad name!")
    assert_nothing_written(ws)


def test_unknown_dataset_and_version(ws: mentor.Workspace, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no dataset named 'nope'; this workspace has none"):
        ws.datasets.version("nope@v1")
    ws.datasets.import_file(write_jsonl(tmp_path / "a.jsonl", [SFT]), "d")
    with pytest.raises(NotFoundError, match=r"d has no version 9; it has v1\.\.v1"):
        ws.datasets.version("d@v9")
    with pytest.raises(InputError, match="not a version reference"):
        ws.datasets.version("d@@1")
