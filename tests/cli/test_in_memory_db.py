"""A command never writes to an in-memory database that is gone when it ends."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli
from tests.datasets.test_import import SFT, write_jsonl


def test_an_import_into_an_in_memory_database_is_refused_not_lost(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "d.jsonl", SFT)
    done = run_cli("datasets", "import", str(data), "--name", "d", db="sqlite:///")
    assert done.returncode == 2
    assert "'sqlite:///' is an in-memory database, lost when the command ends" in done.stderr
    assert "imported" not in done.stdout
