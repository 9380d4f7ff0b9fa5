"""A workspace with one small annotation project per task type (plus gold, disputes, images and
XSS payloads), its people, and a live server over it, for the annotation page tests."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any, Final

import httpx
import orjson

import mentor
from mentor.accounts import Role
from mentor.annotate.projects import ProjectSettings

from .conftest import sign_in
from .payloads import XSS_PAYLOADS

PASSWORD: Final = "mentor-demo"
PEOPLE: Final = (
    ("admin", Role.ADMIN),
    ("trina", Role.TRAINER),
    ("rey", Role.REVIEWER),
    ("ana", Role.ANNOTATOR),
    ("ben", Role.ANNOTATOR),
    ("cleo", Role.ANNOTATOR),
    ("dora", Role.ANNOTATOR),
    ("vic", Role.VIEWER),
)
GOLD_SECRET: Final = "GOLD-ANSWER-RATIONALE-never-shown"
# A 1x1 PNG.
PNG: Final = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
GUIDELINE: Final = """# Guideline

## Labels
Pick the better response.

## Definitions
Better means more helpful and harmless.

## Examples
`ok`

## Counterexamples
none

## Decision rules
When in doubt, ask.
"""
XSS_TEXT: Final = "\n\n".join(XSS_PAYLOADS)


def _chat(user: str, assistant: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]


def _records() -> dict[str, list[dict[str, Any]]]:
    image = "data:image/png;base64," + base64.b64encode(PNG).decode()
    return {
        "prefs": [
            {
                "id": f"p{i}",
                "prompt": f"Question {i}?",
                "chosen": f"Good answer {i}",
                "rejected": f"Poor answer {i}",
            }
            for i in range(3)
        ],
        "ranks": [
            {
                "id": f"k{i}",
                "prompt": f"Rank for {i}",
                "ranking": [0, 1, 2],
                "responses": [f"first {i}", f"second {i}", f"third {i}"],
            }
            for i in range(2)
        ],
        "ratings": [
            {
                "id": f"t{i}",
                "prompt": f"Explain {i}",
                "response": f"Because {i}.",
                "scores": {"helpfulness": 3, "safety": 2},
            }
            for i in range(2)
        ],
        "chats": [
            {
                "id": f"c{i}",
                "messages": _chat(
                    f"Tell me about item {i}", f"Paris is the capital of France. Item {i} is blue."
                ),
            }
            for i in range(2)
        ],
        "claims": [
            {
                "id": f"f{i}",
                "messages": _chat("Facts?", "Water boils at 100 C. The moon is cheese."),
                "meta": {"claims": ["Water boils at 100 C", "The moon is cheese"]},
            }
            for i in range(2)
        ],
        "multi": [
            {
                "id": f"m{i}",
                "messages": [
                    {"role": "user", "content": "Hi"},
                    {"role": "assistant", "content": "Hello!"},
                    {"role": "user", "content": "Help?"},
                    {"role": "assistant", "content": "Sure."},
                ],
            }
            for i in range(2)
        ],
        "images": [
            {
                "id": "img0",
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "text", "text": "What is in this picture?"},
                            {"type": "image_url", "image_url": {"url": image}},
                            {
                                "type": "image_url",
                                "image_url": {"url": "https://example.com/x.png"},
                            },
                            {
                                "type": "image_url",
                                "image_url": {
                                    "url": "data:image/png;base64,"
                                    + base64.b64encode(b"<svg/>").decode()
                                },
                            },
                        ],
                    },
                    {"role": "assistant", "content": "A single pixel."},
                ],
            },
        ],
        "emoji": [{"id": "e0", "messages": _chat("Where?", "\U0001f600 Paris is nice.")}],
        "xss": [
            {"id": f"x{i}", "prompt": p, "chosen": p, "rejected": p}
            for i, p in enumerate(XSS_PAYLOADS)
        ],
    }


def _gold_file(folder: Path) -> Path:
    line = {
        "record": {
            "id": "gold-1",
            "kind": "preference",
            "prompt": "Gold question?",
            "chosen": "Gold good",
            "rejected": "Gold bad",
        },
        "answer": {"choice": "A", "strength": 2, "rationale": GOLD_SECRET},
    }
    path = folder / "gold.jsonl"
    path.write_bytes(orjson.dumps(line) + b"\n")
    return path


CLASSES: Final = {
    "multi": True,
    "labels": [
        {"name": "safe", "description": "Nothing wrong", "group": "safety"},
        {"name": "harmful", "description": "Could hurt someone", "group": "safety"},
        {"name": "biased", "description": "Unfair to a group", "group": "bias"},
    ],
}
RUBRIC: Final = {
    "criteria": [
        {
            "name": "helpfulness",
            "description": "Does it **help**?",
            "min": 1,
            "max": 5,
            "labels": {"1": "useless", "5": "perfect"},
        },
        {"name": "safety", "description": "Is it safe?", "min": 1, "max": 3},
    ]
}
# name: (dataset, task, config, settings)
PROJECTS: Final[dict[str, tuple[str, str, dict[str, Any], ProjectSettings]]] = {
    "pw": ("prefs", "pairwise", {}, ProjectSettings(review_rate=1.0, prelabel="record")),
    "rank": ("ranks", "ranking", {}, ProjectSettings(review_rate=1.0)),
    "rub": ("ratings", "rubric", RUBRIC, ProjectSettings(review_rate=1.0)),
    "sft": ("chats", "sft", {}, ProjectSettings(review_rate=1.0)),
    "spans": ("chats", "spans", {}, ProjectSettings(review_rate=1.0)),
    "cls": ("chats", "classification", CLASSES, ProjectSettings(review_rate=1.0)),
    "fc": ("claims", "factcheck", {}, ProjectSettings(review_rate=1.0)),
    "turns": ("multi", "turns", {}, ProjectSettings(review_rate=1.0)),
    "emoji": ("emoji", "spans", {}, ProjectSettings()),
    "img": ("images", "classification", CLASSES, ProjectSettings(overlap=3)),
    "duo": ("prefs", "pairwise", {}, ProjectSettings(overlap=2)),
    "xss": ("xss", "pairwise", {}, ProjectSettings(review_rate=1.0)),
    "xss-spans": ("xss", "spans", {}, ProjectSettings(review_rate=1.0)),
    # Reviewed and disputed: the reviewer's and adjudicator's pages, images and paging.
    "imgrev": ("images", "classification", CLASSES, ProjectSettings(overlap=2, review_rate=1.0)),
    "split": ("prefs", "pairwise", {}, ProjectSettings(overlap=2, review_rate=1.0)),
    "quiet": ("prefs", "pairwise", {}, ProjectSettings()),  # only dora works here
}


def build_world(folder: Path) -> str:
    """Write the workspace under `folder`; returns its URL."""
    url = f"sqlite:///{folder / 'mentor.db'}"
    with mentor.connect(url, user="setup") as ws:
        for name, role in PEOPLE:
            ws.accounts.add_user(name, role, PASSWORD)
        for name, rows in _records().items():
            path = folder / f"{name}.jsonl"
            path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
            ws.datasets.import_file(path, name)
        for name, (dataset, task, config, settings) in PROJECTS.items():
            xss = name == "xss"
            ws.projects.create(
                name,
                dataset=f"{dataset}@v1",
                task=task,
                guideline=GUIDELINE + ("\n\n" + XSS_TEXT if xss else ""),
                settings=settings,
                config=config,
                description=XSS_PAYLOADS[1] if xss else f"The {task} project",
            )
        ws.projects.create(
            "gold",
            dataset="prefs@v1",
            task="pairwise",
            guideline=GUIDELINE,
            settings=ProjectSettings(gold_rate=0.99),
            gold=_gold_file(folder),
        )
    return url


def client_for(base: str, name: str) -> httpx.Client:
    """An httpx client signed in as `name` through the real sign-in form."""
    client = httpx.Client(base_url=base, timeout=60)
    response = sign_in(client, name, PASSWORD)
    assert response.status_code == 303, response.text
    return client
