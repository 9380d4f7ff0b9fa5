"""Paging the review and adjudication queues, and opening one entry of each by its id."""

from __future__ import annotations

from pathlib import Path

import pytest

import mentor
from mentor.annotate import Task
from mentor.errors import NotFoundError
from tests.annotate.project_world import careful, pairwise, work_through


def test_the_review_queue_pages_on_from_the_last_id_shown(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=5, overlap=1, review_rate=1.0)
    work_through(ws, "prefs", "ana", careful)
    everything = [e.annotation.id for e in ws.projects.review_queue("prefs", "rey")]
    assert len(everything) == 5
    first = ws.projects.review_queue("prefs", "rey", limit=2)
    assert [e.annotation.id for e in first] == everything[:2]
    # Reviewing what the first page showed does not shift the next page (a cursor, not an offset).
    for entry in first:
        ws.projects.review("prefs", entry.annotation.id, "accept", reviewer="rey")
    second = ws.projects.review_queue("prefs", "rey", limit=2, after=first[-1].annotation.id)
    assert [e.annotation.id for e in second] == everything[2:4]
    last = ws.projects.review_queue("prefs", "rey", limit=2, after=second[-1].annotation.id)
    assert [e.annotation.id for e in last] == everything[4:]
    assert ws.projects.review_queue("prefs", "rey", after=everything[-1]) == []


def test_one_review_entry_is_found_only_while_it_waits_for_this_reviewer(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=2, overlap=1, review_rate=1.0)
    work_through(ws, "prefs", "ana", careful)
    waiting = ws.projects.review_queue("prefs", "rey")
    entry = ws.projects.review_task("prefs", waiting[0].annotation.id, "rey")
    assert entry == waiting[0]
    assert entry.view["responses"][0]["messages"][0]["content"].startswith("A careful")
    with pytest.raises(NotFoundError, match="not waiting for ana's review"):
        ws.projects.review_task("prefs", entry.annotation.id, "ana")  # her own work
    ws.projects.review("prefs", entry.annotation.id, "accept", reviewer="rey")
    with pytest.raises(NotFoundError, match="not waiting for rey's review"):
        ws.projects.review_task("prefs", entry.annotation.id, "rey")  # already reviewed
    with pytest.raises(NotFoundError):
        ws.projects.review_task("prefs", 10_000, "rey")
    pairwise(ws, tmp_path, n=1, overlap=1, name="unsampled")
    work_through(ws, "unsampled", "ana", careful)
    [label] = ws.projects.annotations("unsampled")
    with pytest.raises(NotFoundError):
        ws.projects.review_task("unsampled", label.id, "rey")


def _disputed(ws: mentor.Workspace, tmp_path: Path, n: int) -> None:
    """A project whose `n` items are all disputed (ana picks the careful side, ben the other)."""
    pairwise(ws, tmp_path, n=n, overlap=2)
    work_through(ws, "prefs", "ana", careful)

    def other(task: Task) -> dict[str, str]:
        return {"choice": "B" if careful(task)["choice"] == "A" else "A"}

    work_through(ws, "prefs", "ben", other)


def test_the_adjudication_queue_pages_in_queue_order(ws: mentor.Workspace, tmp_path: Path) -> None:
    _disputed(ws, tmp_path, n=5)
    order = [i.id for i in ws.projects.items("prefs")]
    first = ws.projects.adjudication_queue("prefs", limit=2)
    assert [d.item_id for d in first] == order[:2]
    ws.projects.adjudicate("prefs", first[0].item_id, {"choice": "A"}, adjudicator="tess")
    second = ws.projects.adjudication_queue("prefs", limit=2, after=first[-1].item_id)
    assert [d.item_id for d in second] == order[2:4]
    last = ws.projects.adjudication_queue("prefs", limit=2, after=second[-1].item_id)
    assert [d.item_id for d in last] == order[4:]
    assert all(len(d.annotations) == 2 for d in first + second + last)


def test_one_dispute_is_found_only_while_it_waits_for_a_decision(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    _disputed(ws, tmp_path, n=2)
    waiting = ws.projects.adjudication_queue("prefs")
    found = ws.projects.dispute("prefs", waiting[0].item_id)
    assert found == waiting[0]
    ws.projects.adjudicate("prefs", found.item_id, {"choice": "A"}, adjudicator="tess")
    with pytest.raises(NotFoundError, match="is adjudicated, not waiting for adjudication"):
        ws.projects.dispute("prefs", found.item_id)
    with pytest.raises(NotFoundError, match="has no item 10000"):
        ws.projects.dispute("prefs", 10_000)
