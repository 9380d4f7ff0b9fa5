"""`mentor.connect` takes every setting as a typed keyword argument, and only those."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import mentor
from mentor.config import MACHINE_SETTINGS, Settings


def test_connect_takes_each_setting_by_name() -> None:
    params = inspect.signature(mentor.connect).parameters
    keywords = {n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert keywords == set(Settings.model_fields) - {"db"} - MACHINE_SETTINGS
    assert set(Settings.model_fields) >= MACHINE_SETTINGS
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def test_connect_keywords_win_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTOR_USER", "from-env")
    with mentor.connect(f"sqlite:///{tmp_path / 'm.db'}", home=tmp_path / "h") as ws:
        assert ws.actor == "from-env" and ws.settings.home == tmp_path / "h"
    with mentor.connect(f"sqlite:///{tmp_path / 'm.db'}", user="alice") as ws:
        assert ws.actor == "alice"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("MENTOR_DB_POOL_SIZE", "lots", "valid integer"),
        ("MENTOR_MAX_TEXT_CHARS", "-5", "greater than or equal to 1"),
    ],
)
def test_an_unusable_setting_in_the_environment_is_named_not_a_traceback(
    tmp_path: Path, variable: str, value: str, expected: str
) -> None:
    from tests.conftest import run_cli

    done = run_cli(
        "audit", "--limit", "1", db=f"sqlite:///{tmp_path / 'm.db'}", env={variable: value}
    )
    assert done.returncode == 2
    assert f"{variable}='{value}'" in done.stderr and expected in done.stderr
    assert "Traceback" not in done.stderr
