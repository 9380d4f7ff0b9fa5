"""Label files `mentor agreement` cannot use are refused naming file:line or the flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentor.errors import InputError
from mentor.quality.agreement_report import agreement_report
from mentor.quality.label_files import LabelTable, read_label_table
from tests.conftest import run_cli


def _csv(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "labels.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (b"item,a,b\n1,x,y\n2,x,caf\xe9\n", "3:8", "invalid UTF-8 byte 0xe9"),
        ("item,a,b\n1,x,y\n2,x\n", "3", "2 cells but the header has 3"),
        ("item,a,b\n1,x,y,z\n", "2", "4 cells but the header has 3"),
        ("item,a,b\n1,1,2\n2,nan,2\n", "3", "label 'nan' is not a finite number"),
        ("item,a,b\n1,1,inf\n", "2", "label 'inf' is not a finite number"),
    ],
)
def test_a_bad_row_is_named_by_file_and_line(
    tmp_path: Path, text: str | bytes, line: str, message: str
) -> None:
    path = _csv(tmp_path, text)
    with pytest.raises(InputError, match=f"{path}:{line}: {message}"):
        read_label_table(path, annotators=["a", "b"], item="item")


def test_a_table_without_a_label_and_a_column_named_twice_are_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path, "item,a,b\n1,,\n2,,\n")
    with pytest.raises(InputError, match=f"{path}: the file holds no labels"):
        read_label_table(path, annotators=["a", "b"], item="item")
    path = _csv(tmp_path, "item,a,b\n1,x,y\n")
    with pytest.raises(InputError) as caught:
        read_label_table(path, annotators=["a", "a"], item="item")
    assert caught.value.where == "--annotators" and "'a' is named twice" in str(caught.value)


def test_the_report_refuses_negative_resamples_and_tables_no_statistic_can_use() -> None:
    table = LabelTable(["1", "2"], ["a", "b"], [["x", "y"], ["x", "x"]])
    with pytest.raises(InputError) as caught:
        agreement_report(table, n_boot=-1)
    assert caught.value.where == "--bootstrap"
    empty = LabelTable(["1"], ["a", "b"], [[None, None]])
    with pytest.raises(InputError, match="every cell of the table is missing"):
        agreement_report(empty, n_boot=0)


def test_the_command_line_gives_one_line_and_the_bad_input_code(tmp_path: Path) -> None:
    path = _csv(tmp_path, "item,a,b\n1,,\n")
    done = run_cli("agreement", str(path), "--annotators", "a,b")
    assert done.returncode == 4, done.stderr
    expected = f"error: {path}: the file holds no labels; every label cell is empty"
    assert done.stderr.strip() == expected
