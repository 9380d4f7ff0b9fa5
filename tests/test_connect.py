"""`mentor.connect` takes every setting as a typed keyword argument, and only those."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import mentor
from mentor.config import Settings


def test_connect_takes_each_setting_by_name() -> None:
    params = inspect.signature(mentor.connect).parameters
    keywords = {n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert keywords == set(Settings.model_fields) - {"db"}
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def test_connect_keywords_win_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTOR_USER", "from-env")
    with mentor.connect(f"sqlite:///{tmp_path / 'm.db'}", home=tmp_path / "h") as ws:
        assert ws.actor == "from-env" and ws.settings.home == tmp_path / "h"
    with mentor.connect(f"sqlite:///{tmp_path / 'm.db'}", user="alice") as ws:
        assert ws.actor == "alice"
