"""What a reviewer may review (the sample, never an adjudicated item's labels) and what an
annotator may ask about (an item they hold or labelled; anything else looks like no item)."""

from __future__ import annotations

from pathlib import Path

import pytest

import mentor
from mentor.annotate import Task
from mentor.errors import ConflictError, NotFoundError
from tests.annotate.project_world import (
    Clock,
    careful,
    pairs,
    pairwise,
    work_through,
    write_jsonl,
)


def test_only_annotations_the_review_rate_sampled_may_be_reviewed(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=12, overlap=1, review_rate=0.5)
    work_through(ws, "prefs", "ana", careful)
    labels = ws.projects.annotations("prefs")
    sampled = [a for a in labels if a.review_sampled]
    skipped = [a for a in labels if not a.review_sampled]
    assert sampled and skipped, "a review rate of 0.5 samples some of 12 labels, not all"
    waiting = ws.projects.review_queue("prefs", "rey", limit=100)
    assert [e.annotation.id for e in waiting] == [a.id for a in sampled]
    for label in skipped:
        with pytest.raises(ConflictError, match=r"was not sampled for review.*\(50%\)"):
            ws.projects.review("prefs", label.id, "accept", reviewer="rey")
        with pytest.raises(NotFoundError, match="not waiting for rey's review"):
            ws.projects.review_task("prefs", label.id, "rey")
    for label in sampled:
        ws.projects.review("prefs", label.id, "accept", reviewer="rey")
    reviewed = {a.id: a.review for a in ws.projects.annotations("prefs")}
    assert [reviewed[a.id] for a in skipped] == [None] * len(skipped)
    assert ws.projects.progress("prefs").reviews == {"accept": len(sampled)}
    with pytest.raises(NotFoundError, match="has no annotation 999999"):
        ws.projects.review("prefs", 999_999, "accept", reviewer="rey")


def test_gold_answers_are_never_reviewed(ws: mentor.Workspace, tmp_path: Path) -> None:
    gold = write_jsonl(
        tmp_path / "gold.jsonl",
        [{"record": r, "answer": {"choice": "A"}} for r in pairs(4, prefix="g")],
    )
    pairwise(ws, tmp_path, n=12, overlap=1, review_rate=1.0, gold_rate=0.5, gold=gold)
    work_through(ws, "prefs", "ana", careful)
    answered = [a for a in ws.projects.annotations("prefs", include_gold=True) if a.gold]
    assert answered, "ana was served gold items at a gold rate of 0.5"
    waiting = {e.annotation.id for e in ws.projects.review_queue("prefs", "rey", limit=100)}
    assert len(waiting) == 12 and not waiting & {a.id for a in answered}
    with pytest.raises(ConflictError, match="not sampled for review"):
        ws.projects.review("prefs", answered[0].id, "reject", comment="x", reviewer="rey")


def test_an_adjudicated_items_labels_leave_the_review_queue_and_are_refused(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=2, overlap=2, review_rate=1.0)
    work_through(ws, "prefs", "ana", careful)

    def careless(task: Task) -> dict[str, str]:
        return {"choice": "B" if careful(task)["choice"] == "A" else "A"}

    work_through(ws, "prefs", "ben", careless)
    decided, open_one = (d.item_id for d in ws.projects.adjudication_queue("prefs"))
    waiting = ws.projects.review_queue("prefs", "rey", limit=100)
    assert sorted({e.annotation.item_id for e in waiting}) == sorted([decided, open_one])
    ws.projects.adjudicate("prefs", decided, {"choice": "A"}, adjudicator="trina")
    after = ws.projects.review_queue("prefs", "rey", limit=100)
    assert {e.annotation.item_id for e in after} == {open_one} and len(after) == 2
    on_decided = [e.annotation for e in waiting if e.annotation.item_id == decided]
    for label in on_decided:
        with pytest.raises(ConflictError, match=f"item {decided} of 'prefs' was adjudicated"):
            ws.projects.review(
                "prefs", label.id, "correct", comment="x", correction={"choice": "B"},
                reviewer="rey",
            )  # fmt: skip
    # A disputed item not yet decided is still reviewed: a reject reopens it.
    ws.projects.review("prefs", after[1].annotation.id, "reject", comment="no", reviewer="rey")
    assert [i.status for i in ws.projects.items("prefs") if i.id == open_one] == ["open"]
    assert [a.review for a in ws.projects.annotations("prefs") if a.item_id == decided] == [
        None,
        None,
    ]


def _asking(ws: mentor.Workspace, tmp_path: Path) -> tuple[Task, Task]:
    """ana holds one item; ben labelled one and holds another."""
    pairwise(ws, tmp_path, n=4, overlap=1)
    ws.projects.clock = clock = Clock()
    ben_done = ws.projects.next_item("prefs", "ben")
    assert ben_done is not None
    ws.projects.submit(
        "prefs", ben_done.item_id, careful(ben_done), client_id="b1", annotator="ben"
    )
    ana_holds = ws.projects.next_item("prefs", "ana")
    assert ana_holds is not None
    clock.advance(1)
    return ana_holds, ben_done


def test_an_annotator_asks_only_about_items_they_hold_or_labelled(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    ana_holds, ben_done = _asking(ws, tmp_path)
    held = ws.projects.ask("prefs", "Is a tie fine?", item_id=ana_holds.item_id, annotator="ana")
    labelled = ws.projects.ask("prefs", "Was I right?", item_id=ben_done.item_id, annotator="ben")
    anywhere = ws.projects.ask("prefs", "What counts as harm?", annotator="cleo")
    assert (held.item_id, labelled.item_id, anywhere.item_id) == (
        ana_holds.item_id,
        ben_done.item_id,
        None,
    )
    # Not theirs, never served, made up: one and the same "not found", naming nothing else.
    unseen = next(
        i.id
        for i in ws.projects.items("prefs")
        if i.id not in (ana_holds.item_id, ben_done.item_id)
    )
    refusals = []
    for who, item in (("cleo", ana_holds.item_id), ("ana", ben_done.item_id), ("ana", unseen),
                      ("ana", 999_999)):  # fmt: skip
        with pytest.raises(NotFoundError) as refused:
            ws.projects.ask("prefs", "Peek?", item_id=item, annotator=who)
        refusals.append(str(refused.value).replace(str(item), "N").replace(who, "WHO"))
    assert (
        refusals
        == [
            "WHO has no item N in project 'prefs' to ask about: ask about an item while you hold "
            "it or after you labelled it, or ask about the guideline"
        ]
        * 4
    )
    assert len(ws.projects.questions("prefs")) == 3


def test_a_lease_that_ran_out_or_was_skipped_no_longer_lets_one_ask(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    ana_holds, _ = _asking(ws, tmp_path)
    clock = ws.projects.clock
    assert isinstance(clock, Clock)
    clock.advance(ws.projects.get("prefs").settings.lease_seconds)
    with pytest.raises(NotFoundError, match="ana has no item"):
        ws.projects.ask("prefs", "Still mine?", item_id=ana_holds.item_id, annotator="ana")
    again = ws.projects.next_item("prefs", "ana")
    assert again is not None
    ws.projects.skip("prefs", again.item_id, "ana")
    with pytest.raises(NotFoundError, match="ana has no item"):
        ws.projects.ask("prefs", "And now?", item_id=again.item_id, annotator="ana")


def test_an_item_of_another_project_is_not_found_either(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    ana_holds, _ = _asking(ws, tmp_path)
    pairwise(ws, tmp_path, n=1, overlap=1, name="other")
    with pytest.raises(NotFoundError, match=f"no item {ana_holds.item_id} in project 'other'"):
        ws.projects.ask("other", "Here?", item_id=ana_holds.item_id, annotator="ana")
