"""Bad input to the report commands (and `mentor audit`, the log they draw on): one error
naming the file:line or the flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentor.errors import InputError
from mentor.reports.edits import kept_actions
from tests.conftest import run_cli


def test_an_edited_report_that_is_not_utf8_is_named_by_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "update.md"
    path.write_bytes(b"# Update\n<!-- next-actions -->\nr\xe9sum\xe9\n<!-- /next-actions -->\n")
    with pytest.raises(InputError, match=rf"{path}:3:2: invalid UTF-8 byte 0xe9.*--keep-edits"):
        kept_actions(path)


def test_audit_refuses_a_negative_limit(tmp_path: Path) -> None:
    done = run_cli("audit", "--limit", "-1", db=f"sqlite:///{tmp_path / 'm.db'}")
    assert done.returncode == 2 and "--limit" in done.stderr and "Traceback" not in done.stderr
