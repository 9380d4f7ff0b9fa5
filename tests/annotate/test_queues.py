"""The queue: k distinct annotators per item under concurrency, leases, skips, retries."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

import mentor
from mentor.errors import ConflictError, InputError, NotFoundError
from tests.annotate.project_world import Clock, careful, pairwise, work_through


def test_exactly_k_distinct_annotators_per_item_under_many_threads(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=8, overlap=3, lease_seconds=600)
    errors: list[BaseException] = []

    def annotate(who: str) -> None:
        rng = random.Random(who)
        idle = 0
        try:
            # None means "nothing for you now": a leased item can still come back after a skip.
            while idle < 40 and ws.projects.progress("prefs").done < 8:
                task = ws.projects.next_item("prefs", who)
                if task is None:
                    idle += 1
                    time.sleep(0.05)
                elif rng.random() < 0.2:
                    ws.projects.skip("prefs", task.item_id, who)
                else:
                    ws.projects.submit(
                        "prefs",
                        task.item_id,
                        careful(task),
                        client_id=f"{who}:{task.item_id}",
                        annotator=who,
                    )
        except BaseException as exc:  # the main thread reports it
            errors.append(exc)

    threads = [threading.Thread(target=annotate, args=(f"user{i}",)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert not errors, errors
    labels = ws.projects.annotations("prefs")
    per_item = Counter(a.item_id for a in labels)
    assert len(per_item) == 8 and set(per_item.values()) == {3}
    for item in per_item:
        who = [a.annotator for a in labels if a.item_id == item]
        assert len(set(who)) == 3
    done = ws.projects.progress("prefs")
    assert (done.done, done.remaining, done.in_progress, done.active_leases) == (8, 0, 0, 0)


def test_a_lease_is_resumed_and_an_expired_lease_returns_the_item(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    clock = Clock()
    ws.projects.clock = clock
    pairwise(ws, tmp_path, n=1, overlap=1, lease_seconds=60)
    first = ws.projects.next_item("prefs", "ana")
    assert first is not None
    again = ws.projects.next_item("prefs", "ana")
    assert again is not None and again.assignment_id == first.assignment_id
    assert ws.projects.next_item("prefs", "ben") is None  # the only slot is leased
    clock.advance(61)
    taken = ws.projects.next_item("prefs", "ben")
    assert taken is not None and taken.item_id == first.item_id
    with pytest.raises(ConflictError, match=r"expired .* went to other annotators"):
        ws.projects.submit("prefs", first.item_id, {"choice": "A"}, client_id="a1", annotator="ana")
    ws.projects.submit("prefs", taken.item_id, {"choice": "B"}, client_id="b1", annotator="ben")
    assert ws.projects.progress("prefs").done == 1


def test_a_late_submission_counts_while_nobody_took_the_slot(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    clock = Clock()
    ws.projects.clock = clock
    pairwise(ws, tmp_path, n=2, overlap=1, lease_seconds=60)
    task = ws.projects.next_item("prefs", "ana")
    assert task is not None
    clock.advance(90)
    assert ws.projects.expire_leases("prefs") == 1
    done = ws.projects.submit(
        "prefs", task.item_id, {"choice": "A"}, client_id="c", annotator="ana"
    )
    assert done.time_spent_s == 90.0
    assert [a.item_id for a in ws.projects.annotations("prefs")] == [task.item_id]


def test_skip_gives_the_item_to_someone_else_never_back(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=2, overlap=1)
    task = ws.projects.next_item("prefs", "ana")
    assert task is not None
    ws.projects.skip("prefs", task.item_id, "ana", reason="not my language")
    other = ws.projects.next_item("prefs", "ana")
    assert other is not None and other.item_id != task.item_id
    ws.projects.submit("prefs", other.item_id, {"choice": "A"}, client_id="x", annotator="ana")
    assert ws.projects.next_item("prefs", "ana") is None
    ben = ws.projects.next_item("prefs", "ben")
    assert ben is not None and ben.item_id == task.item_id
    with pytest.raises(ConflictError, match="holds no lease"):
        ws.projects.skip("prefs", task.item_id, "ana")
    assert ws.projects.progress("prefs").annotators[0].skipped == 1


def test_a_retry_with_the_same_client_id_is_idempotent(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=2, overlap=1)
    task = ws.projects.next_item("prefs", "ana")
    assert task is not None
    label = {"choice": "B", "strength": 2, "rationale": "kinder"}
    first = ws.projects.submit("prefs", task.item_id, label, client_id="tab-1", annotator="ana")
    retry = ws.projects.submit("prefs", task.item_id, label, client_id="tab-1", annotator="ana")
    assert (first.replayed, retry.replayed) == (False, True)
    assert retry.annotation_id == first.annotation_id and retry.payload == first.payload
    assert len(ws.projects.annotations("prefs")) == 1
    assert ws.projects.progress("prefs").annotators[0].submitted == 1
    with pytest.raises(ConflictError, match="client id 'tab-1' was already used"):
        ws.projects.submit(
            "prefs", task.item_id, {"choice": "A"}, client_id="tab-1", annotator="ana"
        )
    with pytest.raises(ConflictError, match="already submitted"):
        ws.projects.submit("prefs", task.item_id, label, client_id="tab-2", annotator="ana")


def test_submitting_without_a_lease_or_a_client_id_is_refused(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=1)
    items = ws.projects.items("prefs")
    with pytest.raises(ConflictError, match="holds no lease on item"):
        ws.projects.submit("prefs", items[0].id, {"choice": "A"}, client_id="z", annotator="ana")
    task = ws.projects.next_item("prefs", "ana")
    assert task is not None
    with pytest.raises(InputError, match="client_id"):
        ws.projects.submit("prefs", task.item_id, {"choice": "A"}, client_id="", annotator="ana")
    with pytest.raises(NotFoundError, match="no item 999"):
        ws.projects.submit("prefs", 999, {"choice": "A"}, client_id="z", annotator="ana")
    with pytest.raises(NotFoundError, match="no project named 'nope' is open to ana") as refused:
        ws.projects.next_item("nope", "ana")
    assert "prefs" not in str(refused.value)  # an annotator is not told which projects exist


def test_time_spent_and_guideline_version_are_recorded(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=3, overlap=1)
    work_through(ws, "prefs", "ana", lambda t: {"choice": "A"})
    labels = ws.projects.annotations("prefs")
    assert {a.time_spent_s for a in labels} == {12.5}
    assert {a.guideline_version for a in labels} == {1}
    assert ws.projects.progress("prefs").annotators[0].mean_time_s == 12.5
