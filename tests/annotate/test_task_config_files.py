"""Task settings and guidelines read from files: a bad one is named by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

import mentor
from mentor.annotate import read_task_config
from mentor.errors import InputError


def _write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _create(ws: mentor.Workspace, guideline: str | Path = "# Rate it", **files: Path) -> None:
    ws.projects.create(
        "p", dataset="d@v1", task="rubric", guideline=guideline, config=read_task_config(**files)
    )


def test_a_bad_criterion_is_named_by_its_file_and_line(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    criteria = _write(
        tmp_path / "criteria.yaml",
        "- name: helpfulness\n  min: 1\n  max: 5\n- name: harm\n  min: 5\n  max: 1\n",
    )
    with pytest.raises(InputError) as caught:
        _create(sqlite_ws, criteria=criteria)
    assert caught.value.where == f"{criteria}:4" and caught.value.field == "criteria.1"
    assert "max (1) must be above min (5)" in str(caught.value)


def test_a_bad_setting_in_the_config_file_is_named_by_its_line(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    config = _write(
        tmp_path / "task.yaml", "criteria:\n  - name: ok\n  - name: 'bad name!'\ntolerance: 1\n"
    )
    with pytest.raises(InputError) as caught:
        _create(sqlite_ws, config=config)
    assert caught.value.where == f"{config}:3" and caught.value.field == "criteria.1.name"
    config = _write(tmp_path / "task.yaml", "tolerance: -1\n")
    criteria = _write(tmp_path / "criteria.yaml", "- name: ok\n")
    with pytest.raises(InputError) as caught:
        _create(sqlite_ws, config=config, criteria=criteria)
    assert caught.value.where == f"{config}:1" and caught.value.field == "tolerance"


@pytest.mark.parametrize("flag", ["config", "criteria"])
def test_settings_that_are_not_utf8_are_named_by_line_and_column(tmp_path: Path, flag: str) -> None:
    path = _write(tmp_path / "bad.yaml", b"# caf\xe9\n- name: ok\n")
    with pytest.raises(InputError, match=rf"{path}:1:6: invalid UTF-8 byte 0xe9.*--{flag}"):
        read_task_config(**{flag: path})


def test_a_guideline_that_is_not_utf8_is_named_by_line_and_column(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    criteria = _write(tmp_path / "criteria.yaml", "- name: ok\n")
    guide = _write(tmp_path / "guide.md", b"# Guide\n\nna\xefve\n")
    with pytest.raises(InputError, match=rf"{guide}:3:3: invalid UTF-8 byte 0xef"):
        _create(sqlite_ws, guideline=guide, criteria=criteria)
