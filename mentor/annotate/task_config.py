"""A project's task settings as people give them: a YAML file of settings (``--config``), a
rubric's criteria (``--criteria``) and flags, each value remembered with where it came from.

A setting the task type refuses is then named by its file and line (``criteria.yaml:4``),
not by "task config".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mentor import yamlfile
from mentor.annotate.tasks import TaskTypeBase
from mentor.errors import InputError
from mentor.textfile import read_text

Path_ = tuple[Any, ...]


@dataclass(frozen=True)
class TaskConfig:
    """Task settings (`values`) and the place each was given (`places`: by key path, a
    ``file:line`` or a flag)."""

    values: dict[str, Any]
    places: dict[Path_, str] = field(default_factory=dict)

    def place(self, loc: Sequence[Any]) -> str | None:
        """Where the value at `loc` (or the nearest value holding it) was given."""
        loc = tuple(loc)
        while loc not in self.places and loc:
            loc = loc[:-1]
        return self.places.get(loc)


def _read(path: Path, what: str) -> tuple[Any, dict[Path_, str]]:
    text = read_text(path, what)
    try:
        value = yamlfile.load(text, str(path))
        node = yamlfile.compose(text, str(path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', exc)}", where=where) from exc
    lines = yamlfile.node_lines(node) if node is not None else {}
    return value, {at: f"{path}:{line}" for at, line in lines.items()}


def _merge(
    values: dict[str, Any],
    places: dict[Path_, str],
    loaded: dict[str, Any],
    lines: dict[Path_, str],
) -> None:
    """Add one file's settings: a key it sets loses the places an earlier file gave it."""
    for key in list(places):
        if key[:1] and key[0] in loaded:
            del places[key]
    values.update(loaded)
    places.update(lines)


def read_task_config(
    config: Path | None = None,
    criteria: Path | None = None,
    labels: Sequence[str] | None = None,
    multi: bool = False,
) -> TaskConfig:
    """Settings from a YAML mapping (`config`), then a rubric's `criteria` (a YAML list, or
    ``criteria: [...]``), then `labels` and `multi` (each later one wins)."""
    values: dict[str, Any] = {}
    places: dict[Path_, str] = {}
    if config is not None:
        loaded, lines = _read(config, "YAML file of task settings (--config)")
        if not isinstance(loaded, dict):
            raise InputError("expected a mapping of task settings", where=f"{config}:1")
        _merge(values, places, loaded, lines)
    if criteria is not None:
        loaded, lines = _read(criteria, "YAML file of rubric criteria (--criteria)")
        if isinstance(loaded, list):
            loaded = {"criteria": loaded}
            lines = {("criteria", *k): v for k, v in lines.items()} | {(): f"{criteria}:1"}
        if not isinstance(loaded, dict) or "criteria" not in loaded:
            raise InputError(
                "expected a list of criteria (or criteria: [...])", where=f"{criteria}:1"
            )
        _merge(values, places, loaded, lines)
    if labels is not None:
        values["labels"] = list(labels)
        places[("labels",)] = "--labels"
    if multi:
        values["multi"] = True
        places[("multi",)] = "--multi"
    return TaskConfig(values, places)


def configure(
    kind: TaskTypeBase,
    config: Mapping[str, Any] | TaskConfig | None,
    defaults: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """`kind`'s settings from `config` over `defaults`, validated; a refused setting read from
    a file is named by its file and line."""
    given = config.values if isinstance(config, TaskConfig) else dict(config or {})
    try:
        return kind.configure({**(defaults or {}), **given})
    except InputError as exc:
        if not isinstance(config, TaskConfig):
            raise
        loc = [int(p) if p.isdigit() else p for p in (exc.field or "").split(".") if p]
        place = config.place(loc)
        if place is None:
            raise
        raise InputError(exc.reason, where=place, field=exc.field) from exc
