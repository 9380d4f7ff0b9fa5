"""Gold items, review and adjudication, and what a release keeps of them."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

import mentor
from mentor.annotate import Task
from mentor.errors import ConflictError, InputError
from tests.annotate.project_world import (
    careful,
    dataset,
    pairs,
    pairwise,
    work_through,
    write_jsonl,
)


def _gold_file(tmp: Path) -> Path:
    answer = {"choice": "A", "rationale": "SECRET-RATIONALE"}
    rows = [{"record": r, "answer": answer} for r in pairs(4, prefix="x")]
    return write_jsonl(tmp / "gold.jsonl", rows)


def test_gold_items_look_like_any_item_and_score_the_annotator(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=20, overlap=1, gold_rate=0.3, gold=_gold_file(tmp_path))
    served = []
    while (task := ws.projects.next_item("prefs", "ana")) is not None:
        served.append(task)
        text = json.dumps(asdict(task), default=str)
        assert "SECRET" not in text and "gold" not in text
        assert set(task.view) == {"prompt", "responses", "strengths", "allow_tie"}
        # ana always picks the side shown first: right on gold only when it shows the true A
        ws.projects.submit(
            "prefs", task.item_id, {"choice": "A"}, client_id=str(task.item_id), annotator="ana"
        )
    gold_ids = {i.id for i in ws.projects.items("prefs") if i.gold}
    got_gold = [t for t in served if t.item_id in gold_ids]
    assert 1 <= len(got_gold) <= 4 and len(served) == 20 + len(got_gold)
    right = sum(t.shown["order"][0] == 0 for t in got_gold)
    [score] = ws.projects.gold_scores("prefs")
    assert (score.annotator, score.answered, score.exact) == ("ana", len(got_gold), right)
    assert score.mean_score == pytest.approx(right / len(got_gold))
    assert ws.projects.progress("prefs").annotators[0].gold_answered == len(got_gold)
    assert all(not a.gold for a in ws.projects.annotations("prefs"))
    assert len(ws.projects.annotations("prefs", include_gold=True)) == len(served)


def test_gold_from_a_version_takes_each_record_label(ws: mentor.Workspace, tmp_path: Path) -> None:
    gold = dataset(ws, tmp_path, "gold", pairs(3, prefix="g"))
    project = pairwise(ws, tmp_path, n=4, gold_rate=0.5, gold=gold)
    assert (project.items, project.gold_items) == (4, 3)
    with pytest.raises(InputError, match="gold rate needs gold items"):
        pairwise(ws, tmp_path, n=2, name="nogold", gold_rate=0.2)


def test_a_bad_gold_answer_is_named_by_line_and_field(ws: mentor.Workspace, tmp_path: Path) -> None:
    bad = write_jsonl(
        tmp_path / "bad.jsonl",
        [
            {"record": pairs(1)[0], "answer": {"choice": "A"}},
            {"record": pairs(1)[0], "answer": {"choice": "C"}},
        ],
    )
    with pytest.raises(InputError, match=r"bad.jsonl:2 answer: field 'choice'"):
        pairwise(ws, tmp_path, n=2, gold_rate=0.1, gold=bad)


def test_review_accept_reject_and_correct(ws: mentor.Workspace, tmp_path: Path) -> None:
    pairwise(ws, tmp_path, n=3, overlap=1, review_rate=1.0)
    work_through(ws, "prefs", "ana", careful)
    queue = ws.projects.review_queue("prefs", "rey")
    assert len(queue) == 3 and ws.projects.review_queue("prefs", "ana") == []
    assert queue[0].view["responses"][0]["messages"][0]["content"].startswith("A careful")
    first, second, third = (r.annotation for r in queue)
    ws.projects.review("prefs", first.id, "accept", reviewer="rey")
    with pytest.raises(InputError, match="field 'comment'"):
        ws.projects.review("prefs", second.id, "reject", reviewer="rey")
    ws.projects.review("prefs", second.id, "reject", comment="rushed", reviewer="rey")
    fixed = ws.projects.review(
        "prefs",
        third.id,
        "correct",
        comment="B is kinder",
        correction={"choice": "B"},
        reviewer="rey",
    )
    assert fixed.correction == {"choice": "B", "rationale": ""}
    with pytest.raises(ConflictError, match="already reviewed by rey"):
        ws.projects.review("prefs", first.id, "accept", reviewer="cleo")
    with pytest.raises(ConflictError, match="own annotation"):
        ws.projects.review("prefs", first.id, "accept", reviewer="ana")
    assert ws.projects.review_queue("prefs", "rey") == []
    done = ws.projects.progress("prefs")
    assert (done.done, done.in_progress, done.reviews) == (
        2,
        1,
        {"accept": 1, "reject": 1, "correct": 1},
    )
    # the rejected item goes back to the queue, for someone else
    assert ws.projects.next_item("prefs", "ana") is None
    again = ws.projects.next_item("prefs", "ben")
    assert again is not None and again.item_id == second.item_id
    released = ws.projects.release("prefs")
    records = {r["id"]: r for r in ws.datasets.records(released.version.ref)}
    corrected = records[third.record_id]
    assert corrected["chosen"][0]["content"].startswith("A careless")
    assert corrected["meta"]["annotation"]["annotations"][0]["review"]["verdict"] == "correct"
    assert released.left_out == {"open": 1}
    assert released.version.params["review"] == {
        "accept": 1,
        "reject": 1,
        "correct": 1,
        "pending": 0,
    }


def test_disagreement_goes_to_adjudication_and_the_decision_wins(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=3, overlap=3)
    first = ws.projects.items("prefs")[0].id
    for who in ("ana", "ben"):
        work_through(ws, "prefs", who, careful)

    def other(task: Task) -> dict[str, str]:
        choice = careful(task)["choice"]
        flipped = {"choice": "B" if choice == "A" else "A"}
        return flipped if task.item_id != first else careful(task)

    work_through(ws, "prefs", "cleo", other)
    disputes = ws.projects.adjudication_queue("prefs")
    assert len(disputes) == 2 and all(len(d.annotations) == 3 for d in disputes)
    target = disputes[0]
    with pytest.raises(ConflictError, match="cannot adjudicate"):
        ws.projects.adjudicate("prefs", target.item_id, {"choice": "B"}, adjudicator="cleo")
    ws.projects.adjudicate(
        "prefs", target.item_id, {"choice": "B"}, comment="B", adjudicator="tess"
    )
    with pytest.raises(ConflictError, match="already adjudicated by tess; that is final"):
        ws.projects.adjudicate("prefs", target.item_id, {"choice": "A"}, adjudicator="rey")
    with pytest.raises(ConflictError, match="is complete, not disputed"):
        ws.projects.adjudicate("prefs", first, {"choice": "A"}, adjudicator="rey")
    assert [d.item_id for d in ws.projects.adjudication_queue("prefs")] == [disputes[1].item_id]
    released = ws.projects.release("prefs", into="prefs-final")
    assert released.decided_by == {"adjudication": 1, "agreement": 1}
    assert released.left_out == {"disputed": 1}
    records = {r["id"]: r for r in ws.datasets.records(released.version.ref)}
    meta = records[target.record_id]["meta"]["annotation"]
    assert meta["decided_by"] == "adjudication" and meta["label"] == {
        "choice": "B",
        "rationale": "",
    }
    # the decision, not the 2-1 majority for the careful answer
    assert records[target.record_id]["chosen"][0]["content"].startswith("A careless")
    assert sorted(a["annotator"] for a in meta["annotations"]) == ["ana", "ben", "cleo"]


def test_release_keeps_every_annotation_and_its_lineage(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    project = pairwise(ws, tmp_path, n=4, overlap=2, review_rate=0.5)
    for who in ("ana", "ben"):
        work_through(ws, "prefs", who, careful)
    released = ws.projects.release("prefs", note="first batch")
    version = released.version
    assert (version.ref, version.transform, version.parents) == (
        "prefs-labels@v1",
        "annotate",
        [project.dataset],
    )
    assert version.guideline_version == "prefs@v1"
    assert version.params["annotators"] == ["ana", "ben"] and version.params["overlap"] == 2
    assert released.records == 4 and released.annotations == 8
    records = list(ws.datasets.records(version.ref))
    for record in records:
        meta = record["meta"]["annotation"]
        assert meta["project"] == "prefs" and meta["guideline"] == "prefs@v1"
        assert len(meta["annotations"]) == 2
        assert {a["label"]["choice"] for a in meta["annotations"]} == {"A"}  # mapped back to true A
        assert record["chosen"][0]["content"].startswith("A careful")
    graph = ws.datasets.lineage(version.ref)
    assert graph.parents_of(version.ref) == [project.dataset]
    assert ws.audit(object_id="prefs")[0].action == "project.release"


def test_releasing_nothing_finished_is_explained(ws: mentor.Workspace, tmp_path: Path) -> None:
    pairwise(ws, tmp_path, n=2, overlap=2)
    with pytest.raises(InputError, match=r"no finished items to release yet \(2 open\)"):
        ws.projects.release("prefs")
