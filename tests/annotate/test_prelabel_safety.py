"""Pre-labels that cannot be turned against the server or the gold items: untrusted callers pick
named providers only, gold items never carry their answer as a suggestion, and a failed
pre-label leaves no project behind."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import mentor
from mentor.annotate import ModelPreLabeler, register_prelabeler
from mentor.annotate.tasks import TaskType
from mentor.errors import ConflictError, InputError, MentorError, NotFoundError
from mentor.records import Record
from tests.annotate.project_world import GUIDE, dataset, pairs, pairwise


def _answer_a(tmp: Path) -> str:
    """A command-line model that always answers that response A is better."""
    script = tmp / "model.py"
    script.write_text('import sys\nsys.stdin.read()\nprint(\'{"choice": "A"}\')\n')
    return f"command:{sys.executable} {script}"


@pytest.mark.parametrize(
    "spec",
    [
        "model:command:touch {tmp}/pwned",
        "model:openai:gpt-4o@http://127.0.0.1:9/v1",
        "model:hf:/etc/shadow",
        "model:smollm2",
        "record:../../etc/passwd",
        "oracle:anything",
    ],
)
def test_an_untrusted_caller_cannot_make_the_server_run_call_or_open_anything(
    ws: mentor.Workspace, tmp_path: Path, spec: str
) -> None:
    web = ws.untrusted().acting_as("trina")
    with pytest.raises(InputError) as refused:
        pairwise(web, tmp_path, n=3, prelabel=spec.format(tmp=tmp_path))
    assert refused.value.field == "prelabel"
    assert not (tmp_path / "pwned").exists()
    assert ws.projects.all() == []


def test_an_admin_names_a_provider_and_web_users_pick_it_by_name(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    named = ws.providers.add("judge-a", _answer_a(tmp_path), note="always A")
    assert (named.name, named.note, named.added_by) == ("judge-a", "always A", ws.actor)
    with pytest.raises(ConflictError, match="--replace"):
        ws.providers.add("judge-a", "smollm2")
    with pytest.raises(InputError, match="not a provider"):
        ws.providers.add("shell", "rm -rf /")
    with pytest.raises(InputError, match="not a usable provider name"):
        ws.providers.add("openai:gpt-4o", "smollm2")
    web = ws.untrusted().acting_as("trina")
    project = pairwise(web, tmp_path, n=4, prelabel="model:judge-a")
    assert project.settings.prelabel == "model:judge-a"
    task = ws.projects.next_item("prefs", "ana")
    assert task is not None and task.suggestion is not None
    assert [p.name for p in ws.providers.all()] == ["judge-a"]
    assert [e.action for e in ws.audit(limit=20) if e.object_type == "provider"] == [
        "provider.name"
    ]
    ws.providers.remove("judge-a")
    with pytest.raises(NotFoundError, match="no provider is named 'judge-a'"):
        ws.providers.remove("judge-a")
    with pytest.raises(InputError, match="none named yet"):
        pairwise(web, tmp_path, n=2, name="again", prelabel="model:judge-a")


def test_gold_items_carry_a_decoy_suggestion_that_does_not_give_the_answer_away(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    gold = dataset(ws, tmp_path, "gold", pairs(30, prefix="g"))
    pairwise(ws, tmp_path, n=40, overlap=1, gold_rate=0.4, gold=gold, prelabel="record")
    served = []
    while (task := ws.projects.next_item("prefs", "ana")) is not None:
        assert task.suggestion is not None  # every item, gold or not, comes with one
        served.append(task)
        ws.projects.submit(
            "prefs", task.item_id, task.suggestion, client_id=str(task.item_id), annotator="ana"
        )
    [score] = ws.projects.gold_scores("prefs")
    # Accepting every suggestion scores like a coin on gold, not 1.0 as when it was the answer.
    assert score.answered >= 10
    assert 0.2 <= score.mean_score <= 0.8


def test_a_model_sees_responses_in_a_shuffled_order_so_its_first_answer_bias_tells_nothing(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    ws.providers.add("always-a", _answer_a(tmp_path))
    gold = dataset(ws, tmp_path, "gold", pairs(10, prefix="g"))
    pairwise(ws, tmp_path, n=30, gold_rate=0.25, gold=gold, prelabel="model:always-a")
    true_choices = [
        ws.projects.next_item("prefs", f"peek{i}") for i in range(len(ws.projects.items("prefs")))
    ]
    picked_careful = [
        t.suggestion["choice"] == ("A" if t.shown["order"][0] == 0 else "B")
        for t in true_choices
        if t is not None and t.suggestion is not None
    ]
    assert len(picked_careful) >= 30
    # not always the record's first (chosen) side
    assert 6 <= sum(picked_careful) <= len(picked_careful) - 6


class _Failing:
    """A pre-labeler that fails on the third item it is asked about."""

    name = "failing"
    blind = True

    def __init__(self, _: str) -> None:
        self.asked = 0

    async def suggest(
        self, task: TaskType, record: Record, view: Any, config: dict[str, Any]
    ) -> Any:
        self.asked += 1
        if self.asked == 3:
            raise MentorError("the model server went away")
        return None


def test_a_failed_pre_label_leaves_no_project_behind_and_the_name_free(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    register_prelabeler("failing", _Failing)
    ref = dataset(ws, tmp_path, "data", pairs(5))
    with pytest.raises(MentorError, match="went away"):
        ws.projects.create(
            "prefs",
            dataset=ref,
            task="pairwise",
            guideline=GUIDE,
            settings=mentor.annotate.ProjectSettings(prelabel="failing"),
        )
    assert ws.projects.all() == []
    assert not [e for e in ws.audit(limit=50) if e.action == "project.create"]
    made = ws.projects.create("prefs", dataset=ref, task="pairwise", guideline=GUIDE)
    assert made.items == 5


def test_a_model_prelabeler_object_still_works_from_the_sdk(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=3, overlap=1)
    provider = ws.providers
    provider.add("a", _answer_a(tmp_path))
    result = ws.projects.prelabel("prefs", ModelPreLabeler(provider.build("a")))
    assert (result.suggested, result.without) == (3, 0)
