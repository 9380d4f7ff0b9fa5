"""A model pre-labeler that fails on some items: each call is timed out and retried, an item
whose call still fails (or whose reply cannot be read) gets no suggestion and is counted with
the reason, and only a model that fails on every item stops the project from being made."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

import mentor
from mentor.annotate import ModelPreLabeler
from mentor.annotate.prelabels import NoSuggestion
from mentor.providers import CallPolicy, build_provider
from tests.annotate.project_world import GUIDE, dataset, pairs, pairwise
from tests.conftest import run_cli
from tests.servers import InProcessModel, Reply, Stub, completion_body

ANSWER = completion_body('{"choice": "A"}')


def asks_about(prompt: str, n: int) -> bool:
    """Whether the stub's `prompt` (the view the model is shown) is record `n`'s."""
    return f"Question p{n}?" in prompt


def suggestions(ws: mentor.Workspace, name: str) -> dict[str, Any]:
    """Each item's suggestion as an annotator is shown it, by the item's question."""
    shown = {}
    for i, _ in enumerate(ws.projects.items(name)):
        task = ws.projects.next_item(name, f"look{i}")
        assert task is not None
        shown[json.dumps(task.view)] = task.suggestion
    return {next(f"p{n}" for n in range(10) if asks_about(view, n)): s for view, s in shown.items()}


def test_one_item_failing_after_its_retries_leaves_only_that_item_without_a_suggestion(
    ws: mentor.Workspace, tmp_path: Path, stub: Stub
) -> None:
    stub.reset(
        lambda p, n: (
            Reply(500, {"Retry-After": "0"}, {"error": {"message": "overloaded"}})
            if asks_about(p, 2)
            else Reply(body=ANSWER)
        )
    )
    project = pairwise(ws, tmp_path, n=5, prelabel=f"model:openai:stub@{stub.url}")
    assert project.items == 5
    assert project.prelabels is not None
    assert (project.prelabels.suggested, project.prelabels.failed) == (4, 1)
    assert "HTTP 500" in project.prelabels.reason
    shown = suggestions(ws, "prefs")
    assert shown["p2"] is None
    assert all(shown[f"p{n}"] is not None for n in (0, 1, 3, 4))
    assert sum(asks_about(p, 2) for p in stub.prompts()) == 4  # 3 retries + 1


def test_the_sdk_result_counts_the_items_without_a_suggestion_and_says_why(
    ws: mentor.Workspace, tmp_path: Path, stub: Stub
) -> None:
    pairwise(ws, tmp_path, n=4)
    stub.reset(
        lambda p, n: Reply(503, {"Retry-After": "0"}) if asks_about(p, 1) else Reply(body=ANSWER)
    )
    labeler = ModelPreLabeler(build_provider(f"openai:stub@{stub.url}"))
    result = ws.projects.prelabel("prefs", labeler)
    assert (result.suggested, result.without, result.failed) == (3, 1, 1)
    assert "HTTP 503" in result.reason and "after 4 attempts" in result.reason


def test_a_hanging_model_server_is_bounded_by_the_timeout(
    ws: mentor.Workspace, tmp_path: Path, stub: Stub
) -> None:
    pairwise(ws, tmp_path, n=3)
    stub.reset(lambda p, n: Reply(hang=True) if asks_about(p, 0) else Reply(body=ANSWER))
    policy = CallPolicy(timeout_s=0.5, retries=1, backoff_s=0.0)
    labeler = ModelPreLabeler(build_provider(f"openai:stub@{stub.url}"), policy=policy)
    started = time.monotonic()
    result = ws.projects.prelabel("prefs", labeler)
    assert time.monotonic() - started < 10
    assert (result.suggested, result.without) == (2, 1)
    assert "no answer within 0.5 s" in result.reason
    assert sum(asks_about(p, 0) for p in stub.prompts()) == 2


def test_a_reply_that_is_not_text_gives_that_item_no_suggestion(
    ws: mentor.Workspace, tmp_path: Path, stub: Stub
) -> None:
    odd = completion_body("")
    odd["choices"][0]["message"]["content"] = 42
    stub.reset(lambda p, n: Reply(body=odd) if asks_about(p, 1) else Reply(body=ANSWER))
    project = pairwise(ws, tmp_path, n=3, prelabel=f"model:openai:stub@{stub.url}")
    assert project.items == 3
    shown = suggestions(ws, "prefs")
    assert shown["p1"] is None and shown["p0"] is not None and shown["p2"] is not None


def list_replies() -> InProcessModel:
    """A provider plug-in that answers one question with a list instead of text."""
    return InProcessModel(
        lambda messages: (
            ["{", "}"] if asks_about(str(messages[-1]["content"]), 1) else '{"choice": "B"}'
        ),
        "lists-1",
    )


def test_a_provider_plugin_answering_with_a_list_gives_that_item_no_suggestion(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=3)
    result = ws.projects.prelabel("prefs", ModelPreLabeler(list_replies()))
    assert (result.suggested, result.without, result.failed) == (2, 1, 1)
    assert result.reason == "the model's reply is a list, not text"


def test_a_model_failing_on_every_item_is_an_error_naming_it_and_no_project_is_made(
    ws: mentor.Workspace, tmp_path: Path, stub: Stub
) -> None:
    stub.reset(lambda p, n: Reply(400, body={"error": {"message": "no such model"}}))
    with pytest.raises(NoSuggestion) as failed:
        pairwise(ws, tmp_path, n=3, prelabel=f"model:openai:stub@{stub.url}")
    message = str(failed.value)
    assert "model openai:stub" in message and "none of the 3 item(s)" in message
    assert "HTTP 400" in message and "no such model" in message
    assert ws.projects.all() == []


def test_the_command_warns_which_items_got_no_suggestion(tmp_path: Path, stub: Stub) -> None:
    stub.reset(lambda p, n: Reply(400) if asks_about(p, 1) else Reply(body=ANSWER))
    db = f"sqlite:///{tmp_path / 'm.db'}"
    ws = mentor.connect(db, home=tmp_path / "home", user="tester")
    ref = dataset(ws, tmp_path, "prefs-data", pairs(3))
    ws.close()
    guide = tmp_path / "guide.md"
    guide.write_text(GUIDE, encoding="utf-8")
    made = run_cli(
        "projects", "create", "prefs", "--task", "pairwise", "--from", ref,
        "--guideline", str(guide), "--prelabel", f"model:openai:stub@{stub.url}", db=db,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "1 items got no pre-label suggestion (first: " in made.stderr
    assert "HTTP 400" in made.stderr
