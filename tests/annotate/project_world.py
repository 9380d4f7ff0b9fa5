"""The small world the annotation tests build: datasets, projects, a clock, annotators at work."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import mentor
from mentor.annotate import ProjectInfo, ProjectSettings

GUIDE = """# Harmlessness preference

## Labels
A, B or tie.

## Definitions
The better response is the one that is more helpful without causing harm.

## Examples
A calm refusal of a harmful request beats instructions for it.

## Counterexamples
A lecture is not better than a short, kind refusal.

## Decision rules
When both are harmless, prefer the more helpful one.
"""


def pairs(n: int, prefix: str = "p") -> list[dict[str, Any]]:
    """`n` preference records; the chosen response is the better one."""
    return [
        {
            "id": f"{prefix}{i:03d}",
            "kind": "preference",
            "prompt": f"Question {prefix}{i}?",
            "chosen": f"A careful answer {i}.",
            "rejected": f"A careless answer {i}.",
        }
        for i in range(n)
    ]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write `rows` as JSON lines."""
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def dataset(ws: mentor.Workspace, tmp: Path, name: str, rows: list[dict[str, Any]]) -> str:
    """Import `rows` as dataset `name`; returns its version ref."""
    return ws.datasets.import_file(write_jsonl(tmp / f"{name}.jsonl", rows), name).version.ref


def pairwise(
    ws: mentor.Workspace, tmp: Path, n: int = 6, name: str = "prefs", **settings: Any
) -> ProjectInfo:
    """A pairwise project over `n` preference pairs (settings as ProjectSettings fields)."""
    gold = settings.pop("gold", None)
    ref = dataset(ws, tmp, f"{name}-data", pairs(n))
    return ws.projects.create(
        name,
        dataset=ref,
        task="pairwise",
        guideline=GUIDE,
        settings=ProjectSettings(**settings),
        gold=gold,
    )


class Clock:
    """A clock tests move by hand."""

    def __init__(self) -> None:
        self.at = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.at += timedelta(seconds=seconds)


def work_through(
    ws: mentor.Workspace,
    project: str,
    annotator: str,
    label: Callable[[Any], dict[str, Any]],
) -> list[int]:
    """Let `annotator` label items until the queue has none left; returns the item ids."""
    done = []
    while (task := ws.projects.next_item(project, annotator)) is not None:
        ws.projects.submit(
            project,
            task.item_id,
            label(task),
            client_id=f"{annotator}-{task.item_id}",
            annotator=annotator,
            time_spent_s=12.5,
        )
        done.append(task.item_id)
    return done


def careful(task: Any) -> dict[str, Any]:
    """The pairwise label picking the careful answer, whichever side it is shown on."""
    for response in task.view["responses"]:
        if response["messages"][0]["content"].startswith("A careful"):
            return {"choice": response["label"]}
    raise AssertionError("no careful answer shown")
