"""Hostile records and files: refused naming the file, line and field, or kept exactly."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import mentor
from mentor.errors import InputError
from tests.conftest import run_cli
from tests.datasets.test_bad_input import import_error, lines
from tests.datasets.test_import import RATE, SFT

GOOD = json.dumps(SFT)


def sft(**fields: object) -> str:
    return json.dumps({"prompt": "hi", "completion": "there", **fields})


def test_nul_in_an_id_is_refused_alike_on_both_databases(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    err = import_error(ws, lines(tmp_path / "f.jsonl", GOOD, sft(id="a\u0000b")))
    assert str(err) == (
        f"{tmp_path / 'f.jsonl'}:2: field 'id': contains a control character (U+0000) at "
        "character 2; ids and labels are one line of plain text: remove it"
    )


def test_nul_in_message_content_is_kept_on_both_databases(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    ws.datasets.import_file(lines(tmp_path / "f.jsonl", sft(id="c", prompt="a\u0000b")), "c")
    [rec] = ws.datasets.records("c@v1")
    assert rec["messages"][0]["content"] == "a\u0000b"


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"intent": "coding\n| injected |"}, "intent", "U+000A"),
        ({"source": "crawl\u0001"}, "source", "U+0001"),
        ({"language": "en\r"}, "language", "U+000D"),
        ({"tags": ["ok", "bad\ttag"]}, "tags[1]", "U+0009"),
        ({"tags": "ok, bad\u0002"}, "tags[1]", "U+0002"),
        ({"id": "line\nbreak"}, "id", "U+000A"),
    ],
)
def test_control_characters_in_labels_are_refused(
    sqlite_ws: mentor.Workspace, tmp_path: Path, fields: dict[str, object], field: str, code: str
) -> None:
    err = import_error(sqlite_ws, lines(tmp_path / "f.jsonl", GOOD, sft(**fields)))
    assert (err.where, err.field) == (f"{tmp_path / 'f.jsonl'}:2", field)
    assert f"contains a control character ({code})" in str(err)


def test_empty_id_is_refused_not_replaced(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    err = import_error(sqlite_ws, lines(tmp_path / "f.jsonl", sft(id="")))
    assert str(err) == (
        f"{tmp_path / 'f.jsonl'}:1: field 'id': empty; leave the field out to have an id derived"
    )


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({**RATE, "scores": {"x": 1e20}}, "scores.x"),
        ({**RATE, "scores": {"x": -(2**60)}}, "scores.x"),
        ({"prompt": "q", "chosen": "a", "rejected": "b", "margin": 1.8e19}, "margin"),
    ],
)
def test_numbers_too_large_to_store_exactly_are_refused(
    sqlite_ws: mentor.Workspace, tmp_path: Path, row: dict[str, object], field: str
) -> None:
    err = import_error(sqlite_ws, lines(tmp_path / "f.jsonl", GOOD, json.dumps(row)))
    assert (err.where, err.field) == (f"{tmp_path / 'f.jsonl'}:2", field)
    assert "number out of range (at most 2**53" in str(err)


def test_cli_refuses_a_huge_csv_score(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("prompt,response,scores.q\nhi,ok,3\nhi,ok,100000000000000000000000\n")
    done = run_cli("datasets", "import", str(path), "--name", "s", db=f"sqlite:///{tmp_path}/m.db")
    assert done.returncode == 4, done.stderr
    assert done.stderr.startswith(
        f"error: {path}:3: field 'scores.q': number out of range (at most 2**53"
    )
    assert "Traceback" not in done.stderr


def test_csv_whole_numbers_are_read_exactly(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("prompt,response,scores.q,scores.r\nhi,ok,9007199254740992,-2.5\n")
    sqlite_ws.datasets.import_file(path, "s")
    [rec] = sqlite_ws.datasets.records("s@v1")
    assert rec["scores"] == {"q": 9007199254740992, "r": -2.5}
    path.write_text("prompt,response,scores.q\nhi,ok,9007199254740993\n")
    with pytest.raises(InputError) as info:  # float() made it ...992 without a word
        sqlite_ws.datasets.import_file(path, "s")
    assert (info.value.where, info.value.field) == (f"{path}:2", "scores.q")
    assert len(sqlite_ws.datasets.versions("s")) == 1


@pytest.mark.parametrize(
    "header", ["prompt,response,scores,scores.q", "prompt,response,scores.q,scores"]
)
def test_csv_scores_given_twice_is_refused_by_header(
    sqlite_ws: mentor.Workspace, tmp_path: Path, header: str
) -> None:
    path = tmp_path / "s.csv"
    cells = '"{""q"": 4}",3' if header.endswith("q") else '3,"{""q"": 4}"'
    path.write_text(f"{header}\nhi,ok,{cells}\n")
    err = import_error(sqlite_ws, path)
    assert err.where == f"{path}:1 (header)"
    assert "'scores' (column" in str(err) and "'scores.q' (column" in str(err)


def test_cli_csv_header_with_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "hdr.csv"
    path.write_bytes(b"id,prompt,response,scores.q,m\xffx\nc1,hi,ok,3,z\n")
    done = run_cli("datasets", "import", str(path), "--name", "h", db=f"sqlite:///{tmp_path}/m.db")
    assert done.returncode == 4
    assert done.stderr.startswith(f"error: {path}:1:column 5: not valid UTF-8 (byte 0xff")


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [(b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"), (b"\xff\xfe\x00\x00", "UTF-32")],
)
@pytest.mark.parametrize("name", ["f.csv", "f.jsonl", "f.json", "f.jsonl.gz"])
def test_utf16_and_utf32_files_are_named_as_such(
    sqlite_ws: mentor.Workspace, tmp_path: Path, bom: bytes, encoding: str, name: str
) -> None:
    text = "prompt,completion\nhi,there\n" if name.endswith("csv") else sft() + "\n"
    codec = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}.get(bom, "utf-32-le")
    data = bom + text.encode(codec)
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    err = import_error(sqlite_ws, path)
    assert str(err) == (
        f"{path}:1: the file is encoded as {encoding} (it starts with a {encoding} byte-order "
        "mark); save it as UTF-8"
    )


def test_cli_ragged_row_with_invalid_utf8_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "rag.csv"
    path.write_bytes(b"id,prompt,response,scores.q\nc1,hi,ok,3\nc2,h\xffi,ok\n")
    env = {"MENTOR_HOME": str(tmp_path / "home")}
    done = run_cli(
        *("datasets", "import", str(path), "--name", "rag", "--skip-invalid", "--json"),
        db=f"sqlite:///{tmp_path}/m.db",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    [quarantine] = (tmp_path / "home" / "quarantine").iterdir()
    [entry] = [orjson.loads(line) for line in quarantine.read_bytes().splitlines()]
    assert entry["where"] == f"{path}:3" and entry["row"] == "c2,h\ufffdi,ok"
    assert entry["error"] == "expected 4 columns, got 3"


def test_all_rows_refused_leaves_a_quarantine_that_is_not_empty(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "rag.csv"
    path.write_bytes(b"id,prompt,response\nc2,h\xffi\nc3,ok,\xfe\n")
    err = import_error(sqlite_ws, path, skip_invalid=True, quarantine=tmp_path / "q.jsonl")
    assert "no valid records: all 2 rows were rejected" in str(err)
    rows = [orjson.loads(line)["row"] for line in (tmp_path / "q.jsonl").read_bytes().splitlines()]
    assert rows == ["c2,h\ufffdi", "c3,ok,\ufffd"]


def _parquet(path: Path, table: pa.Table) -> Path:
    pq.write_table(table, path)
    return path


def test_parquet_binary_column_is_refused_naming_it(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    table = pa.table({"prompt": ["a", "b"], "completion": ["x", "y"], "blob": [None, b"\x00\xff"]})
    path = _parquet(tmp_path / "f.parquet", table)
    err = import_error(sqlite_ws, path)
    assert (err.where, err.field) == (f"{path}:2", "blob")
    assert str(err).startswith(f"{path}:2: field 'blob': binary values are not supported;")
    assert "--ignore-field blob" in str(err)
    result = sqlite_ws.datasets.import_file(path, "ok", ignore_fields=["blob"])
    assert result.imported == 2


def test_parquet_binary_inside_a_meta_struct_is_refused(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    kind = pa.struct([("who", pa.string()), ("blob", pa.binary())])
    meta = pa.array([{"who": "a", "blob": None}, {"who": "b", "blob": b"\x01"}], kind)
    table = pa.table({"prompt": ["a", "b"], "completion": ["x", "y"], "meta": meta})
    path = _parquet(tmp_path / "f.parquet", table)
    err = import_error(sqlite_ws, path)
    assert (err.where, err.field) == (f"{path}:2", "meta.blob")
    result = sqlite_ws.datasets.import_file(
        path, "q", skip_invalid=True, quarantine=tmp_path / "q.jsonl"
    )
    assert (result.imported, result.rejected) == (1, 1)
    [entry] = [orjson.loads(line) for line in (tmp_path / "q.jsonl").read_bytes().splitlines()]
    assert entry["field"] == "meta.blob" and entry["row"]["meta"]["who"] == "b"


def test_recorded_size_is_the_bytes_hashed_when_the_file_grows(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    path = lines(tmp_path / "f.jsonl", GOOD, sft())
    original = path.read_bytes()

    def grow(done: int, total: int) -> None:
        if done == total:  # the reader is through: another program appends meanwhile
            with path.open("ab") as fh:
                fh.write(b"\n" * 100)

    result = sqlite_ws.datasets.import_file(path, "g", progress=grow)
    [source] = result.version.sources
    assert source.sha256 == hashlib.sha256(original).hexdigest()
    assert source.size_bytes == len(original)


def test_old_mac_line_endings_get_a_hint(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    path = tmp_path / "mac.jsonl"
    path.write_bytes(f"{sft()}\r{sft(prompt='b')}\r".encode())
    err = import_error(sqlite_ws, path)
    assert err.where == f"{path}:1"
    assert str(err).endswith("; lines end with CR only (old Mac); save it with LF line endings")


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"prompt": "a", "completion": "b", "meta": "{not json"}, "meta"),
        ({"prompt": "a", "completion": "b", "tools": "[not json"}, "tools"),
        (
            {
                "messages": [
                    {"role": "user", "content": "a"},
                    {"role": "assistant", "content": None, "tool_calls": "[nope"},
                ]
            },
            "messages[1].tool_calls",
        ),
    ],
)
def test_json_text_that_is_not_json_names_the_field(
    sqlite_ws: mentor.Workspace, tmp_path: Path, row: dict[str, object], field: str
) -> None:
    err = import_error(sqlite_ws, lines(tmp_path / "f.jsonl", json.dumps(row)))
    assert (err.where, err.field) == (f"{tmp_path / 'f.jsonl'}:1", field)
    assert "not valid JSON" in str(err)


def test_id_zero_is_given_not_derived(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    err = import_error(sqlite_ws, lines(tmp_path / "f.jsonl", sft(id=0), sft(id=0, prompt="b")))
    assert (err.where, err.field) == (f"{tmp_path / 'f.jsonl'}:2", "id")
    assert "duplicate id '0'" in str(err)
