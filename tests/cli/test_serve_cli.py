"""`mentor serve` refuses several workers on SQLite, naming what to use instead."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def test_several_workers_on_sqlite_are_refused_before_serving(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    refused = run_cli("serve", "--workers", "2", "--port", "1", db=db)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "--workers 2 needs PostgreSQL" in refused.stderr
    assert "serving" not in refused.stdout
