"""Each task type: what an item shows, payload validation that names the field, aggregation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mentor
from mentor.annotate import ProjectSettings, task_types
from mentor.errors import InputError
from tests.annotate.project_world import GUIDE, dataset, pairwise

CRITERIA = {
    "criteria": [
        {"name": "helpfulness", "min": 1, "max": 5},
        {"name": "harmlessness", "min": 1, "max": 3, "labels": {1: "harmful", 3: "harmless"}},
    ]
}
CHAT = {
    "id": "chat-1",
    "kind": "sft",
    "messages": [
        {"role": "user", "content": "Hi, what is 2+2?"},
        {"role": "assistant", "content": "2+2 is 4. Paris is in Germany."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "And what is in this picture?"},
                {"type": "image_url", "image_url": {"url": "https://example.org/cat.png"}},
            ],
        },
        {"role": "assistant", "content": "A cat on a sofa."},
    ],
    "meta": {"claims": ["2+2 is 4", "Paris is in Germany"]},
}
RANKED = {
    "id": "rank-1",
    "kind": "ranking",
    "prompt": "Name a colour.",
    "responses": ["Blue.", "Dunno.", "Red, like a rose."],
    "ranking": [2, 0, 1],
}


def _project(
    ws: mentor.Workspace, tmp: Path, task: str, rows: list[dict[str, Any]], **config: Any
) -> str:
    ref = dataset(ws, tmp, f"{task}-data", rows)
    ws.projects.create(
        task,
        dataset=ref,
        task=task,
        guideline=GUIDE,
        config=config,
        settings=ProjectSettings(overlap=2),
    )
    return task


def _lease(ws: mentor.Workspace, project: str, who: str = "ana") -> Any:
    task = ws.projects.next_item(project, who)
    assert task is not None
    return task


def _refused(
    ws: mentor.Workspace, project: str, task: Any, payload: Any, field: str, what: str
) -> None:
    with pytest.raises(InputError, match=what) as caught:
        ws.projects.submit(
            project, task.item_id, payload, client_id="bad", annotator=task.annotator
        )
    assert caught.value.field == field


def test_every_task_type_is_listed() -> None:
    names = {t.name for t in task_types()}
    assert names == {
        "classification",
        "factcheck",
        "pairwise",
        "ranking",
        "rubric",
        "sft",
        "spans",
        "turns",
    }


def test_pairwise_stores_the_order_shown_and_maps_the_choice_back(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=12, overlap=1)
    orders = []
    for i in range(12):
        task = _lease(ws, "prefs")
        shown_first = task.view["responses"][0]["messages"][0]["content"]
        orders.append(task.shown["order"])
        assert shown_first.startswith(
            "A careful" if task.shown["order"] == [0, 1] else "A careless"
        )
        ws.projects.submit(
            "prefs", task.item_id, {"choice": "A", "strength": 3}, client_id=str(i), annotator="ana"
        )
    assert {tuple(o) for o in orders} == {(0, 1), (1, 0)}
    for a in ws.projects.annotations("prefs"):
        assert a.submitted["choice"] == "A"
        assert a.payload["choice"] == ("A" if a.shown["order"] == [0, 1] else "B")


def test_pairwise_payload_errors_name_the_field(ws: mentor.Workspace, tmp_path: Path) -> None:
    pairwise(ws, tmp_path, n=1)
    task = _lease(ws, "prefs")
    _refused(ws, "prefs", task, {"choice": "C"}, "choice", "Input should be 'A', 'B' or 'tie'")
    _refused(ws, "prefs", task, {"choice": "A", "strength": 9}, "strength", r"expected 1..3")
    _refused(ws, "prefs", task, {"choice": "A", "why": "x"}, "why", "Extra inputs")
    _refused(ws, "prefs", task, {}, "choice", "not given: choose or fill it in")


def test_ranking_maps_shown_labels_to_the_record_order(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    _project(ws, tmp_path, "ranking", [RANKED])
    task = _lease(ws, "ranking")
    shown = [r["messages"][0]["content"] for r in task.view["responses"]]
    best_first = sorted(
        range(3), key=lambda i: ["Red, like a rose.", "Blue.", "Dunno."].index(shown[i])
    )
    letters = [chr(65 + i) for i in best_first]
    _refused(ws, "ranking", task, {"ranking": ["A", "A", "B"]}, "ranking", "exactly once")
    ws.projects.submit(
        "ranking", task.item_id, {"ranking": letters}, client_id="r1", annotator="ana"
    )
    [label] = ws.projects.annotations("ranking")
    assert label.payload["ranking"] == ["C", "A", "B"]


def test_rubric_checks_each_criterion_scale(ws: mentor.Workspace, tmp_path: Path) -> None:
    rows = [
        {
            "id": "r1",
            "kind": "rating",
            "prompt": "2+2?",
            "response": "4",
            "scores": {"helpfulness": 5, "harmlessness": 3},
        }
    ]
    _project(ws, tmp_path, "rubric", rows, **CRITERIA)
    task = _lease(ws, "rubric")
    assert [c["name"] for c in task.view["criteria"]] == ["helpfulness", "harmlessness"]
    _refused(
        ws, "rubric", task, {"scores": {"helpfulness": 5}}, "scores.harmlessness", "needs a score"
    )
    _refused(
        ws,
        "rubric",
        task,
        {"scores": {"helpfulness": 5, "harmlessness": 4}},
        "scores.harmlessness",
        r"expected 1..3, got 4",
    )
    _refused(
        ws,
        "rubric",
        task,
        {"scores": {"helpfulness": 5, "harmlessness": 3, "tone": 2}},
        "scores.tone",
        "no such criterion",
    )
    ws.projects.submit(
        "rubric",
        task.item_id,
        {"scores": {"helpfulness": 4, "harmlessness": 3}},
        client_id="a",
        annotator="ana",
    )
    other = _lease(ws, "rubric", "ben")
    ws.projects.submit(
        "rubric",
        other.item_id,
        {"scores": {"helpfulness": 5, "harmlessness": 3}},
        client_id="b",
        annotator="ben",
    )
    assert ws.projects.progress("rubric").complete == 1  # within the tolerance of 1
    released = ws.projects.release("rubric")
    [record] = list(ws.datasets.records(released.version.ref))
    assert record["scores"] == {"helpfulness": 4, "harmlessness": 3}
    assert ws.projects.label_table("rubric", field="helpfulness").rows == [[4, 5]]


def test_a_rubric_without_criteria_is_refused() -> None:
    from mentor.annotate.tasks import task_type

    with pytest.raises(InputError, match="field 'criteria'"):
        task_type("rubric").configure({})


def test_sft_keeps_the_edit_diff(ws: mentor.Workspace, tmp_path: Path) -> None:
    _project(ws, tmp_path, "sft", [CHAT])
    task = _lease(ws, "sft")
    assert task.view["draft"] == "A cat on a sofa."
    assert task.view["prompt"][2]["content"][1]["type"] == "image_url"  # images reach the view
    _refused(ws, "sft", task, {"response": ""}, "response", "at least 1 character")
    ws.projects.submit(
        "sft",
        task.item_id,
        {"response": "A grey cat asleep on a sofa."},
        client_id="s",
        annotator="ana",
    )
    [label] = ws.projects.annotations("sft")
    assert label.payload["edited"] is True
    assert "-A cat on a sofa." in label.payload["diff"] and "+A grey cat" in label.payload["diff"]


def test_span_labels_check_offsets_labels_and_categories(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    labels = [{"name": "hallucination", "categories": ["factual", "citation"]}, {"name": "pii"}]
    rows = [{**CHAT, "messages": CHAT["messages"][:2]}]
    _project(ws, tmp_path, "spans", rows, labels=labels)
    task = _lease(ws, "spans")
    text = task.view["text"]
    start = text.index("Paris")
    span = {
        "start": start,
        "end": len(text),
        "label": "hallucination",
        "category": "factual",
        "correction": "Paris is in France.",
    }
    _refused(ws, "spans", task, {"spans": [{**span, "end": 999}]}, "spans.0.end", "response length")
    _refused(
        ws,
        "spans",
        task,
        {"spans": [{**span, "label": "rude"}]},
        "spans.0.label",
        "not a span label",
    )
    _refused(
        ws,
        "spans",
        task,
        {"spans": [{**span, "category": "x"}]},
        "spans.0.category",
        "not a category",
    )
    _refused(ws, "spans", task, {"spans": [span, span]}, "spans.1", "given twice")
    _refused(ws, "spans", task, {"spans": [span] * 100_000}, "spans", "at most 200")
    ws.projects.submit("spans", task.item_id, {"spans": [span]}, client_id="a", annotator="ana")
    ben = _lease(ws, "spans", "ben")
    ws.projects.submit(
        "spans",
        ben.item_id,
        {"spans": [{**span, "start": start + 1}]},
        client_id="b",
        annotator="ben",
    )
    assert ws.projects.progress("spans").complete == 1  # overlapping spans agree
    [label, _] = ws.projects.annotations("spans")
    assert label.payload["spans"][0]["quote"] == "Paris is in Germany."


def test_classification_takes_labels_from_the_taxonomy(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    _project(
        ws, tmp_path, "classification", [CHAT], labels=["safe", "unsafe", "biased"], multi=True
    )
    task = _lease(ws, "classification")
    assert [x["name"] for x in task.view["labels"]] == ["safe", "unsafe", "biased"]
    _refused(ws, "classification", task, {"labels": ["rude"]}, "labels.0", "not in the taxonomy")
    ws.projects.submit(
        "classification",
        task.item_id,
        {"labels": ["biased", "unsafe"]},
        client_id="a",
        annotator="ana",
    )
    ben = _lease(ws, "classification", "ben")
    ws.projects.submit(
        "classification", ben.item_id, {"labels": ["unsafe"]}, client_id="b", annotator="ben"
    )
    assert ws.projects.progress("classification").disputed == 1
    assert ws.projects.label_table("classification", field="unsafe").rows == [["yes", "yes"]]


def test_single_label_classification_wants_exactly_one(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    _project(ws, tmp_path, "classification", [CHAT], labels=["coding", "maths"])
    task = _lease(ws, "classification")
    _refused(ws, "classification", task, {"labels": ["coding", "maths"]}, "labels", "exactly one")


def test_factcheck_wants_a_verdict_per_given_claim(ws: mentor.Workspace, tmp_path: Path) -> None:
    rows = [{**CHAT, "messages": CHAT["messages"][:2]}]
    _project(ws, tmp_path, "factcheck", rows)
    task = _lease(ws, "factcheck")
    assert task.view["claims"] == ["2+2 is 4", "Paris is in Germany"]
    _refused(
        ws,
        "factcheck",
        task,
        {"claims": [{"verdict": "supported"}]},
        "claims",
        "each of the 2 claims",
    )
    _refused(
        ws,
        "factcheck",
        task,
        {"claims": [{"verdict": "true"}, {"verdict": "supported"}]},
        "claims.0.verdict",
        "supported",
    )
    verdicts = {
        "claims": [
            {"verdict": "supported"},
            {"verdict": "contradicted", "evidence": "Paris is in France"},
        ]
    }
    ws.projects.submit("factcheck", task.item_id, verdicts, client_id="a", annotator="ana")
    [label] = ws.projects.annotations("factcheck")
    assert label.payload["claims"][1] == {
        "claim": "Paris is in Germany",
        "verdict": "contradicted",
        "evidence": "Paris is in France",
    }


def test_turn_ratings_cover_every_assistant_turn(ws: mentor.Workspace, tmp_path: Path) -> None:
    _project(ws, tmp_path, "turns", [CHAT])
    task = _lease(ws, "turns")
    assert task.view["turns"] == [1, 3]
    _refused(
        ws,
        "turns",
        task,
        {"turns": [{"turn": 1, "rating": 2}], "overall": 2},
        "turns",
        "turns 3 have no rating",
    )
    _refused(
        ws,
        "turns",
        task,
        {"turns": [{"turn": 0, "rating": 2}, {"turn": 3, "rating": 5}], "overall": 2},
        "turns.0.turn",
        "not an assistant turn",
    )
    _refused(
        ws,
        "turns",
        task,
        {"turns": [{"turn": 1, "rating": 7}, {"turn": 3, "rating": 5}], "overall": 2},
        "turns.0.rating",
        r"expected 1..5",
    )
    _refused(
        ws,
        "turns",
        task,
        {"turns": [{"turn": 1, "rating": 2}, {"turn": 3, "rating": 5}]},
        "overall",
        "overall rating",
    )
    ws.projects.submit(
        "turns",
        task.item_id,
        {"turns": [{"turn": 1, "rating": 2}, {"turn": 3, "rating": 5}], "overall": 3},
        client_id="a",
        annotator="ana",
    )
    assert ws.projects.label_table("turns", field="overall").rows == [[3]]


def test_a_record_the_task_cannot_show_is_named(ws: mentor.Workspace, tmp_path: Path) -> None:
    ref = dataset(ws, tmp_path, "chats", [CHAT])
    with pytest.raises(
        InputError, match="record 'chat-1' is a sft record; a pairwise task takes preference"
    ):
        ws.projects.create("p", dataset=ref, task="pairwise", guideline=GUIDE)
    with pytest.raises(InputError, match="unknown task type 'poll'"):
        ws.projects.create("p", dataset=ref, task="poll", guideline=GUIDE)


def test_a_bad_release_name_is_blamed_on_into(ws: mentor.Workspace, tmp_path: Path) -> None:
    project = pairwise(ws, tmp_path)
    with pytest.raises(InputError) as got:
        ws.projects.release(project.name, into="bad name!")
    assert got.value.where == "--into"
