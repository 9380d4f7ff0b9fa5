"""One plug-in mechanism: every group is listed and documented, and a factory registered in
this process is found the way an installed one is."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentor import plugins
from mentor.annotate.prelabels import prelabeler
from mentor.errors import ConfigError
from mentor.providers import build_provider, provider_names

DOCS = Path(__file__).parent.parent / "docs" / "architecture.md"


def test_every_plugin_group_is_documented() -> None:
    page = DOCS.read_text(encoding="utf-8")
    for group in plugins.GROUPS:
        assert f"| `{group}` |" in page, f"{group} is missing from docs/architecture.md"


def test_a_group_that_is_not_listed_is_refused() -> None:
    with pytest.raises(ValueError, match="not a plug-in group"):
        plugins.registered("mentor.widgets", [])


def test_a_provider_registered_in_process_is_built_from_its_spec(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(plugins, "_IN_PROCESS", {})
    made: list[tuple[str | None, dict[str, object]]] = []

    def echo(arg: str | None, options: dict[str, object], _engine: object) -> object:
        made.append((arg, options))
        return made

    plugins.register("mentor.providers", "echo", echo)
    assert "echo" in provider_names()
    assert build_provider({"type": "echo", "speed": 2}) is made
    assert made == [(None, {"speed": 2})]
    with pytest.raises(ConfigError, match="unknown provider 'echoes'"):
        build_provider("echoes:x")


def test_a_pre_labeler_registered_in_process_overrides_nothing_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(plugins, "_IN_PROCESS", {})
    with pytest.raises(ConfigError, match=r"expected one of model, record\b"):
        prelabeler("oracle")
    plugins.register("mentor.prelabelers", "oracle", lambda arg: prelabeler(f"record:{arg}"))
    assert prelabeler("oracle:meta.x").name == "record"
    assert prelabeler("record").name == "record"
