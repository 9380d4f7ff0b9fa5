"""Verdict files from judges run elsewhere: both shapes, JSONL and CSV, and every bad line."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import mentor
from mentor.errors import InputError
from mentor.judges import read_verdicts

from .verdict_world import pair_rows, write_csv, write_jsonl


def test_jsonl_and_csv_read_the_same_pairs_per_judge(tmp_path: Path) -> None:
    rows = pair_rows(judges=2, pairs=30)
    from_jsonl = read_verdicts(write_jsonl(tmp_path / "v.jsonl", rows), judge="x")
    from_csv = read_verdicts(write_csv(tmp_path / "v.csv", rows), judge="x")
    assert from_jsonl.kind == from_csv.kind == "pairwise"
    assert from_jsonl.judges == from_csv.judges == ("judge-0", "judge-1")
    assert from_jsonl.rows == 60 and len(from_jsonl.pairs["judge-1"]) == 30
    first = from_csv.pairs["judge-0"][0]
    assert first.line == 2 and first.len_a == len(rows[0]["a"])  # CSV line 1 is the header
    assert [p.forward for p in from_jsonl.pairs["judge-0"]] == [
        p.forward for p in from_csv.pairs["judge-0"]
    ]
    assert len(from_jsonl.sha256) == 64 and from_jsonl.sha256 != from_csv.sha256


def test_rows_without_a_judge_belong_to_the_named_judge_and_gzip_reads(tmp_path: Path) -> None:
    rows = [{k: v for k, v in r.items() if k != "judge"} for r in pair_rows(pairs=5)]
    path = tmp_path / "v.jsonl.gz"
    path.write_bytes(gzip.compress(write_jsonl(tmp_path / "plain.jsonl", rows).read_bytes()))
    found = read_verdicts(path, judge="gpt-judge")
    assert found.judges == ("gpt-judge",) and found.rows == 5


def test_swapped_order_and_unread_verdicts(tmp_path: Path) -> None:
    base = {"a": "x", "b": "yy", "human": "a", "verdict_ab": "a"}
    rows = [
        {**base, "item": "1", "verdict_ba": "b", "order_ba": "swapped"},  # b shown first won
        {**base, "item": "2", "verdict_ba": "b"},
        {**base, "item": "3", "verdict_ba": "", "verdict_ab": "unparsed"},
        {**base, "item": "4", "verdict_ba": None},
    ]
    found = read_verdicts(write_jsonl(tmp_path / "v.jsonl", rows), judge="j").pairs["j"]
    assert [p.backward for p in found] == ["a", "b", None, None]
    assert found[2].forward is None


def test_label_files_nominal_and_ordinal(tmp_path: Path) -> None:
    rows = [
        {"item": "1", "judge_label": 3, "human_label": "3"},
        {"item": "2", "judge_label": "", "human_label": 4},
        {"item": "3", "judge_label": 2.0, "human_label": 1},
    ]
    path = write_jsonl(tmp_path / "l.jsonl", rows)
    nominal = read_verdicts(path, judge="j")
    assert nominal.kind == "label"
    assert [(r.human, r.judge) for r in nominal.labels["j"]] == [
        ("3", "3"),
        ("4", None),
        ("1", "2"),
    ]
    ordinal = read_verdicts(path, judge="j", ordinal=True)
    assert ordinal.kind == "ordinal" and ordinal.labels["j"][2].judge == 2.0


BAD = [
    ('{"item": "1", "a": "x", "b": "y", "verdict_ab": "first", "verdict_ba": "a", "human": "a"}',
     "v.jsonl:2", "verdict_ab", "expected a, b or tie"),
    ('{"item": "1", "a": "x", "b": "y", "verdict_ab": "a", "verdict_ba": "a", "human": ""}',
     "v.jsonl:2", "human", "expected a, b or tie"),
    ('{"item": "1", "a": "x", "b": "y", "verdict_ab": "a", "human": "a"}',
     "v.jsonl:2", "verdict_ba", "missing"),
    ('{"item": "", "a": "x", "b": "y", "verdict_ab": "a", "verdict_ba": "a", "human": "a"}',
     "v.jsonl:2", "item", "empty"),
    ('{"item": "1", "a": "x", "b": "y", "verdict_ab": "a", "verdict_ba": "a", "human": "a", '
     '"verdict_AB": "b"}', "v.jsonl:2", "verdict_AB", "unknown field"),
    ('{"item": "ok", "a": "x", "b": "y", "verdict_ab": "a", "verdict_ba": "a", "human": "a"}',
     "v.jsonl:2", "item", "first on line 1"),
    ("{not json", "v.jsonl:2", None, "not valid JSON"),
    ("[1, 2]", "v.jsonl:2", None, "a JSON object per line"),
    ('{"item": "1", "a": ["x"], "b": "y", "verdict_ab": "a", "verdict_ba": "a", "human": "a"}',
     "v.jsonl:2", "a", "expected text"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "where", "field", "says"), BAD)
def test_a_bad_line_names_file_line_field_and_what_was_expected(
    tmp_path: Path, line: str, where: str, field: str | None, says: str
) -> None:
    good = '{"item": "ok", "a": "x", "b": "y", "verdict_ab": "a", "verdict_ba": "a", "human": "b"}'
    path = tmp_path / "v.jsonl"
    path.write_text(f"{good}\n{line}\n{good.replace('ok', 'ok2')}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_verdicts(path, judge="j")
    assert caught.value.where is not None and caught.value.where.endswith(where)
    assert caught.value.field == field and says in caught.value.reason


def test_bad_csv_and_label_lines(tmp_path: Path) -> None:
    ragged = tmp_path / "v.csv"
    ragged.write_text("item,judge_label,human_label\n1,a,a\n2,a,a,extra\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"v\.csv:3: .*number of cells"):
        read_verdicts(ragged, judge="j")
    words = write_csv(
        tmp_path / "o.csv",
        [{"item": "1", "judge_label": "3", "human_label": "4"},
         {"item": "2", "judge_label": "high", "human_label": "4"}],
    )  # fmt: skip
    with pytest.raises(InputError, match=r"o\.csv:3: field 'judge_label': 'high' is not a number"):
        read_verdicts(words, judge="j", ordinal=True)
    no_human = write_jsonl(tmp_path / "h.jsonl", [{"item": "1", "judge_label": "a"}])
    with pytest.raises(InputError, match=r"h\.jsonl:1: field 'human_label'"):
        read_verdicts(no_human, judge="j")
    no_judge = write_jsonl(
        tmp_path / "j.jsonl",
        [{"item": "1", "judge_label": "a", "human_label": "a"}, {"item": "2", "human_label": "a"}],
    )
    with pytest.raises(InputError, match=r"j\.jsonl:2: field 'judge_label': missing"):
        read_verdicts(no_judge, judge="j")
    shapeless = write_jsonl(tmp_path / "s.jsonl", [{"item": "1", "score": 3}])
    with pytest.raises(InputError, match="cannot tell the file's shape"):
        read_verdicts(shapeless, judge="j")
    (tmp_path / "e.jsonl").write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="no rows"):
        read_verdicts(tmp_path / "e.jsonl", judge="j")
    with pytest.raises(InputError, match=r"\.jsonl, \.ndjson or \.csv"):
        read_verdicts(tmp_path / "v.txt", judge="j")


def test_nothing_is_stored_when_any_line_or_judge_is_bad(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    rows = pair_rows(judges=2, pairs=20)
    rows[-1]["human"] = "both"
    bad = write_jsonl(tmp_path / "v.jsonl", rows)
    with pytest.raises(InputError, match=r"v\.jsonl:40: field 'human'"):
        ws.judges.calibrate_file(bad)
    good = write_jsonl(tmp_path / "g.jsonl", pair_rows(judges=2, pairs=20))
    with pytest.raises(InputError, match="no rows of judge 'judge-9'"):
        ws.judges.calibrate_file(good, ["judge-0", "judge-9"])
    assert ws.judges.calibrations() == []
    assert not [e for e in ws.audit() if e.action == "judge.calibrate"]
