"""A text file people wrote: bad bytes, a folder or a missing file are named, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentor.errors import InputError
from mentor.textfile import read_text


def test_bad_utf8_is_named_by_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "suite.yaml"
    path.write_bytes(b"name: s\ncases:\n  - prompt: caf\xe9\n")
    with pytest.raises(InputError) as got:
        read_text(path, "eval suite")
    assert str(got.value) == (
        f"{path}:3:16: invalid UTF-8 byte 0xe9; expected a UTF-8 text eval suite"
    )


def test_a_byte_order_mark_is_dropped_and_text_kept(tmp_path: Path) -> None:
    path = tmp_path / "notes.yaml"
    path.write_bytes(b"\xef\xbb\xbfmotivation: caf\xc3\xa9\r\n")
    assert read_text(path) == "motivation: café\r\n"


def test_a_folder_or_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=f"^{tmp_path}: is a folder; expected a gate"):
        read_text(tmp_path, "gate")
    with pytest.raises(InputError, match=r"nope\.yaml: no such file; expected a map file"):
        read_text(tmp_path / "nope.yaml", "map file")


def test_a_nul_character_is_named_by_line_and_column(tmp_path: Path) -> None:
    """PostgreSQL text refuses a NUL (a guideline holding one crashed `projects create`)."""
    path = tmp_path / "guide.md"
    path.write_bytes(b"# Guide\n\nA or B\x00 here\n")
    with pytest.raises(InputError) as got:
        read_text(path, "guideline (Markdown file)")
    assert str(got.value) == (
        f"{path}:3:7: contains a NUL character; a text guideline (Markdown file) was expected"
    )
