"""Looking at a held task without leasing, what is left for an annotator, and reserved names."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

import mentor
from mentor.errors import InputError, NotFoundError
from tests.annotate.project_world import (
    GUIDE,
    Clock,
    careful,
    dataset,
    pairs,
    pairwise,
    work_through,
)


def test_task_shows_the_held_item_and_never_leases(ws: mentor.Workspace, tmp_path: Path) -> None:
    clock = Clock()
    ws.projects.clock = clock
    pairwise(ws, tmp_path, n=3, overlap=1, lease_seconds=60)
    held = ws.projects.next_item("prefs", "ana")
    assert held is not None
    again = ws.projects.task("prefs", held.assignment_id, "ana")
    assert again == held  # same item, same order shown, same lease
    # Someone else's assignment, an unknown one, another project's: not found, and nothing leased.
    pairwise(ws, tmp_path, n=1, name="other")
    for name, assignment, who in (
        ("prefs", held.assignment_id, "ben"),
        ("prefs", held.assignment_id + 999, "ana"),
        ("other", held.assignment_id, "ana"),
    ):
        with pytest.raises(NotFoundError, match=f"{who} holds no task"):
            ws.projects.task(name, assignment, who)
    assert ws.projects.progress("prefs").active_leases == 1
    assert ws.projects.my_progress("prefs", "ben").holding == 0
    assert ws.projects.my_progress("other", "ana").holding == 0
    # A lease that ended (submitted, or past its time) is no longer a task to show.
    ws.projects.submit("prefs", held.item_id, careful(held), client_id="a", annotator="ana")
    with pytest.raises(NotFoundError, match="ana holds no task"):
        ws.projects.task("prefs", held.assignment_id, "ana")
    late = ws.projects.next_item("prefs", "ana")
    assert late is not None
    clock.advance(61)
    with pytest.raises(NotFoundError):
        ws.projects.task("prefs", late.assignment_id, "ana")


def test_left_counts_what_the_annotator_may_still_take(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=3, overlap=2, review_rate=1.0)
    assert ws.projects.my_progress("prefs", "ana").left == 3
    first = ws.projects.next_item("prefs", "ana")
    assert first is not None
    mine = ws.projects.my_progress("prefs", "ana")
    assert (mine.left, mine.holding, mine.done) == (3, 1, 0)  # the held item is still left to do
    ws.projects.submit("prefs", first.item_id, careful(first), client_id="a1", annotator="ana")
    assert ws.projects.my_progress("prefs", "ana").left == 2
    taken = ws.projects.next_item("prefs", "ben")
    assert taken is not None and taken.item_id == first.item_id
    # ana labelled it and ben holds it: with k = 2 it is full for cleo.
    assert ws.projects.my_progress("prefs", "cleo").left == 2
    second = ws.projects.next_item("prefs", "ana")
    assert second is not None
    ws.projects.skip("prefs", second.item_id, "ana")
    mine = ws.projects.my_progress("prefs", "ana")
    assert (mine.left, mine.skipped, mine.done) == (1, 1, 1)
    # A rejected label frees a slot for others, never for its annotator.
    ws.projects.submit("prefs", taken.item_id, careful(taken), client_id="b1", annotator="ben")
    [ana_label] = [a for a in ws.projects.annotations("prefs") if a.annotator == "ana"]
    ws.projects.review("prefs", ana_label.id, "reject", comment="rushed", reviewer="rey")
    assert ws.projects.my_progress("prefs", "cleo").left == 3
    assert ws.projects.my_progress("prefs", "ana").left == 1
    status = ws.projects.my_progress("prefs", "dora")
    assert (status.items, status.finished, status.done, status.left) == (3, 0, 0, 3)


def test_left_is_zero_exactly_when_the_queue_has_nothing_more(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    gold = dataset(ws, tmp_path, "gold", pairs(3, prefix="g"))
    pairwise(ws, tmp_path, n=6, overlap=1, gold_rate=0.5, gold=gold)
    served = 0
    while True:
        left = ws.projects.my_progress("prefs", "ana").left
        task = ws.projects.next_item("prefs", "ana")
        assert (task is None) == (left == 0)
        if task is None:
            break
        # Handing out an item never moves the count: a rise would give a gold item away.
        assert ws.projects.my_progress("prefs", "ana").left == left
        served += 1
        label = careful(task)
        ws.projects.submit("prefs", task.item_id, label, client_id=str(served), annotator="ana")
    assert ws.projects.my_progress("prefs", "ben").done == 0  # ana's work is ana's alone
    ana = ws.projects.my_progress("prefs", "ana")
    full = next(a for a in ws.projects.progress("prefs").annotators if a.annotator == "ana")
    assert ana.done == served == full.submitted + full.gold_answered > 6  # gold came too
    assert (ana.left, ana.finished, ana.items) == (0, 6, 6)


@contextmanager
def statements(ws: mentor.Workspace) -> Iterator[list[str]]:
    """The SQL statements the workspace's engine runs inside the block."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(ws.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(ws.engine, "before_cursor_execute", record)


def test_my_progress_counts_without_loading_annotations(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=12, overlap=1)
    sizes = []
    for batch in range(2):
        with statements(ws) as seen:
            ws.projects.my_progress("prefs", "ana")
        sizes.append(len(seen))
        assert not any("payload" in s for s in seen), "annotations were loaded"
        if batch == 0:
            work_through(ws, "prefs", "ana", careful)
    assert sizes[0] == sizes[1] <= 10  # the same few counts, however much was labelled


def test_a_reserved_project_name_is_refused_naming_the_field(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    ref = dataset(ws, tmp_path, "data", pairs(1))
    with pytest.raises(InputError, match=r"field 'name': 'new' is reserved") as refused:
        ws.projects.create("new", dataset=ref, task="pairwise", guideline=GUIDE)
    assert refused.value.field == "name"
    assert ws.projects.all() == []
    made = ws.projects.create("new-prefs", dataset=ref, task="pairwise", guideline=GUIDE)
    assert made.name == "new-prefs"
