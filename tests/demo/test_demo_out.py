"""A --out the demo cannot use is named before any workspace is made."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def test_a_file_as_out_is_refused_and_no_workspace_is_left(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("mine")
    db = tmp_path / "demo.db"
    done = run_cli("demo", "--skip-evals", "--out", str(tmp_path / "afile"), db=f"sqlite:///{db}")
    assert done.returncode == 4, done.stderr
    assert "--out:" in done.stderr and "is a file; expected a folder" in done.stderr
    assert not db.exists() and (tmp_path / "afile").read_text() == "mine"
