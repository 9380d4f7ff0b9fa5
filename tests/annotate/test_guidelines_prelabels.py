"""Guideline versions and clarifications; pre-labels and the agreement recorded with them."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

import mentor
from mentor import providers
from mentor.annotate import ModelPreLabeler
from mentor.errors import ConfigError, ConflictError
from mentor.providers.base import Completion, GenerationParams
from tests.annotate.project_world import careful, pairwise, work_through


def test_an_answered_question_becomes_a_clarification_in_guideline_v2(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=2)
    task = ws.projects.next_item("prefs", "cleo")
    assert task is not None and task.guideline == "prefs@v1"
    asked = ws.projects.ask(
        "prefs", "Is a lecture worse than a refusal?", item_id=task.item_id, annotator="cleo"
    )
    assert [q.id for q in ws.projects.questions("prefs", open_only=True)] == [asked.id]
    done = ws.projects.answer("prefs", asked.id, "Yes: prefer the short, kind refusal.")
    assert (done.answered_by, done.guideline_version) == ("tester", 2)
    v2 = ws.projects.guideline("prefs")
    assert v2.ref == "prefs@v2" and v2.body == ws.projects.guideline("prefs", 1).body
    assert "## Clarifications" in v2.text and "prefer the short, kind refusal" in v2.text
    assert "Is a lecture worse than a refusal?" in v2.text and "Asked by cleo" in v2.text
    assert ws.projects.get("prefs").guideline == "prefs@v2"
    with pytest.raises(ConflictError, match="was answered by tester"):
        ws.projects.answer("prefs", asked.id, "again")
    ws.projects.submit("prefs", task.item_id, careful(task), client_id="c", annotator="cleo")
    assert ws.projects.annotations("prefs")[0].guideline_version == 2
    v3 = ws.projects.update_guideline("prefs", "# Labels\nA, B or tie.\n", note="shorter")
    assert v3.number == 3 and [c.id for c in v3.clarifications] == [asked.id]
    assert v3.missing_sections == ["definitions", "examples", "counterexamples", "decision rules"]
    assert [v.number for v in ws.projects.guideline_versions("prefs")] == [1, 2, 3]


def test_record_prelabels_are_shown_in_the_order_shown_and_agreement_is_recorded(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=6, overlap=1, prelabel="record")
    assert ws.projects.get("prefs").settings.prelabel == "record"

    def half(task: Any) -> dict[str, str]:
        assert task.suggestion == careful(task)  # the record's chosen side, wherever it is shown
        return careful(task) if task.item_id % 2 else {"choice": "tie"}

    work_through(ws, "prefs", "ana", half)
    labels = ws.projects.annotations("prefs")
    assert [a.prelabel_agrees for a in labels] == [bool(a.item_id % 2) for a in labels]
    assert ws.projects.progress("prefs").prelabel_agreement == pytest.approx(0.5)


class Scripted:
    """A provider that answers from a script (stands in for a model in this test)."""

    name = "scripted"
    model = "scripted-1"

    def __init__(self, answers: list[str]):
        self.answers = answers
        self.seen: list[list[dict[str, Any]]] = []

    def fingerprint(self) -> dict[str, Any]:
        return {"name": self.name}

    async def complete(
        self, messages: list[dict[str, Any]], params: GenerationParams
    ) -> Completion:
        self.seen.append(messages)
        return Completion(text=self.answers[len(self.seen) - 1], model=self.model)

    async def aclose(self) -> None:
        return None


def test_a_model_prelabeler_parses_json_and_skips_what_does_not_validate(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=3, overlap=1)
    model = Scripted(['Sure! {"choice": "B"}', "no idea", '{"choice": "Z"}'])
    result = ws.projects.prelabel("prefs", ModelPreLabeler(model))
    assert (result.suggested, result.without) == (1, 2)
    assert "Pairwise preference" in model.seen[0][0]["content"]
    shown = []
    while (task := ws.projects.next_item("prefs", "ana")) is not None:
        shown.append(task.suggestion)
        ws.projects.submit(
            "prefs", task.item_id, {"choice": "tie"}, client_id=str(task.item_id), annotator="ana"
        )
    assert sum(s is not None for s in shown) == 1


def test_prelabels_work_from_inside_a_running_event_loop(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    # As in Jupyter, an async web handler or Playwright's sync API: a loop runs in this thread.
    pairwise(ws, tmp_path, n=2, overlap=1)

    async def inside() -> tuple[int, int]:
        asyncio.get_running_loop()
        first = ws.projects.prelabel("prefs", ModelPreLabeler(Scripted(['{"choice": "A"}'] * 2)))
        pairwise(ws, tmp_path, n=3, name="made", prelabel="record")  # create pre-labels too
        return first.suggested, len(_careful_suggestions(ws, "made"))

    assert asyncio.run(inside()) == (2, 3)
    assert sum(s is not None for s in _suggestions(ws, "prefs")) == 2


def test_prelabel_async_runs_the_labeler_on_the_callers_loop(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=3, overlap=1)
    loops: list[asyncio.AbstractEventLoop] = []

    class OnLoop(Scripted):
        async def complete(
            self, messages: list[dict[str, Any]], params: GenerationParams
        ) -> Completion:
            loops.append(asyncio.get_running_loop())
            return await super().complete(messages, params)

    async def main() -> tuple[int, int, bool]:
        labeler = ModelPreLabeler(OnLoop(['{"choice": "B"}', "no", '{"choice": "B"}']))
        result = await ws.projects.prelabel_async("prefs", labeler)
        return result.suggested, result.without, set(loops) == {asyncio.get_running_loop()}

    assert asyncio.run(main()) == (2, 1, True)


def _suggestions(ws: mentor.Workspace, name: str) -> list[Any]:
    """Each item's suggestion as a new annotator is shown it."""
    shown = []
    for i, _ in enumerate(ws.projects.items(name)):
        task = ws.projects.next_item(name, f"look{i}")
        assert task is not None
        shown.append(task.suggestion)
    return shown


def _careful_suggestions(ws: mentor.Workspace, name: str) -> list[Any]:
    """The items whose suggestion, as an annotator sees it, picks the careful (true A) side."""
    found = []
    for i, _ in enumerate(ws.projects.items(name)):
        task = ws.projects.next_item(name, f"peek{i}")
        assert task is not None
        if task.suggestion is not None and task.suggestion["choice"] == careful(task)["choice"]:
            found.append(task.item_id)
    return found


def test_model_prelabel_specs_build_providers_and_unknown_labelers_are_named(
    ws: mentor.Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigError, match="unknown pre-labeler 'oracle'"):
        pairwise(ws, tmp_path, n=1, name="p2", prelabel="oracle")
    built: list[Any] = []

    def build_provider(spec: Any, **_: Any) -> Scripted:
        built.append(spec)
        return Scripted(['{"choice": "A"}'] * 2)

    monkeypatch.setattr(providers, "build_provider", build_provider)
    pairwise(ws, tmp_path, n=2, name="p3", prelabel="model:smollm2")
    assert built == ["smollm2"]
    assert ws.projects.progress("p3").items == 2
    task = ws.projects.next_item("p3", "ana")
    assert task is not None and task.suggestion is not None
