"""`mentor serve` refuses what it cannot serve (several workers on SQLite, an address or port
it cannot listen on) before announcing anything, naming what to use instead."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def test_several_workers_on_sqlite_are_refused_before_serving(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    refused = run_cli("serve", "--workers", "2", "--port", "1", db=db)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "--workers 2 needs PostgreSQL" in refused.stderr
    assert "serving" not in refused.stdout


def test_an_address_or_port_it_cannot_listen_on_is_named_before_anything_is_announced(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    host = run_cli("serve", "--host", "garbage!!host", "--port", "8000", db=db)
    assert host.returncode == 4 and "serving" not in host.stdout
    assert "--host: cannot listen on 'garbage!!host'" in host.stderr
    port = run_cli("serve", "--port", "70000", db=db)  # it had listened on 70000 % 65536
    assert port.returncode == 2 and "serving" not in port.stdout
    assert "--port" in port.stderr
