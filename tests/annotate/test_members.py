"""Project members: who may work on a project's queue, and what everyone else sees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mentor
from mentor.errors import InputError, NotFoundError
from tests.annotate.project_world import Clock, careful, pairwise, work_through
from tests.conftest import run_cli

PASSWORD = "members-password"


def _people(ws: mentor.Workspace, *names: str) -> None:
    for name in names:
        ws.accounts.add_user(name, "annotator", PASSWORD)


def test_only_members_are_served_once_a_project_has_members(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=3, overlap=2)
    _people(ws, "ana", "ben")
    assert ws.projects.members("prefs") == []
    shown = ws.projects.add_members("prefs", ["ana"])
    assert [(m.user, m.added_by, m.project) for m in shown] == [("ana", ws.actor, "prefs")]

    task = ws.projects.next_item("prefs", "ana")
    assert task is not None and task.annotator == "ana"
    with pytest.raises(NotFoundError) as refused:
        ws.projects.next_item("prefs", "ben")
    message = str(refused.value)
    assert "no project named 'prefs' is open to ben" in message
    assert "mentor projects members prefs --add ben" in message
    with pytest.raises(NotFoundError, match="is open to ben"):
        ws.projects.submit("prefs", task.item_id, {"choice": "A"}, client_id="b1", annotator="ben")
    with pytest.raises(NotFoundError, match="is open to ben"):
        ws.projects.my_progress("prefs", "ben")
    with pytest.raises(NotFoundError, match="is open to ben"):
        ws.projects.ask("prefs", "May I help?", annotator="ben")
    # Nothing was leased to ben: the refusal came before the queue was touched.
    assert [a.annotator for a in ws.projects.progress("prefs").annotators] == ["ana"]


def test_a_project_without_members_is_open_to_every_annotator(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=2)
    assert work_through(ws, "prefs", "anyone", careful) != []
    assert [p.name for p in ws.projects.all(annotator="anyone")] == ["prefs"]
    assert ws.projects.my_progress("prefs", "anyone").done == 2


def test_annotators_see_only_projects_open_to_them(ws: mentor.Workspace, tmp_path: Path) -> None:
    pairwise(ws, tmp_path, n=2, name="open")
    pairwise(ws, tmp_path, n=2, name="club")
    _people(ws, "ana", "ben")
    ws.projects.add_members("club", ["ana"])
    assert [p.name for p in ws.projects.all(annotator="ana")] == ["club", "open"]
    assert [p.name for p in ws.projects.all(annotator="ben")] == ["open"]
    # Trainers and dashboards still see every project.
    assert [p.name for p in ws.projects.all()] == ["club", "open"]
    assert ws.projects.get("club", annotator="ana").name == "club"
    with pytest.raises(NotFoundError, match="no project named 'club' is open to ben"):
        ws.projects.get("club", annotator="ben")


def test_removing_a_member_keeps_their_labels_and_lets_their_lease_run_out(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    pairwise(ws, tmp_path, n=3, lease_seconds=60)
    clock = Clock()
    ws.projects.clock = clock
    _people(ws, "ana", "ben")
    ws.projects.add_members("prefs", ["ana", "ben"])
    first = ws.projects.next_item("prefs", "ana")
    assert first is not None
    ws.projects.submit("prefs", first.item_id, careful(first), client_id="a1", annotator="ana")
    held = ws.projects.next_item("prefs", "ana")
    assert held is not None

    left = ws.projects.remove_members("prefs", ["ana"])
    assert [m.user for m in left] == ["ben"]
    assert [a.annotator for a in ws.projects.annotations("prefs")] == ["ana"]
    with pytest.raises(NotFoundError, match="is open to ana"):
        ws.projects.next_item("prefs", "ana")
    with pytest.raises(NotFoundError, match="is open to ana"):
        ws.projects.submit("prefs", held.item_id, careful(held), client_id="a2", annotator="ana")
    # Ana's lease still holds the item until it runs out; then it goes to ben.
    served = [t.item_id for t in (ws.projects.next_item("prefs", "ben"),) if t is not None]
    assert held.item_id not in served
    clock.advance(61)
    ws.projects.submit("prefs", served[0], {"choice": "A"}, client_id="b1", annotator="ben")
    again = ws.projects.next_item("prefs", "ben")
    assert again is not None and again.item_id == held.item_id

    # The last member removed: the project is open to every annotator again (nothing is left
    # for ana now: she labelled one item, ben holds and labelled the others).
    assert ws.projects.remove_members("prefs", ["ben"]) == []
    assert ws.projects.next_item("prefs", "ana") is None
    assert ws.projects.my_progress("prefs", "ana").done == 1


def test_unknown_disabled_and_non_members_are_named(ws: mentor.Workspace, tmp_path: Path) -> None:
    pairwise(ws, tmp_path, n=1)
    _people(ws, "ana", "gone")
    ws.accounts.disable("gone")
    with pytest.raises(NotFoundError, match="no user named 'zed'"):
        ws.projects.add_members("prefs", ["ana", "zed"])
    assert ws.projects.members("prefs") == []  # all or nothing
    with pytest.raises(InputError, match="user 'gone' is disabled"):
        ws.projects.add_members("prefs", ["gone"])
    ws.accounts.add_user("vic", "viewer", PASSWORD)
    with pytest.raises(InputError, match="user 'vic' is a viewer and may not annotate"):
        ws.projects.add_members("prefs", ["vic"])
    with pytest.raises(NotFoundError, match="ana is not a member of project 'prefs'"):
        ws.projects.remove_members("prefs", ["ana"])
    with pytest.raises(InputError, match="at least one user name"):
        ws.projects.add_members("prefs", [" "])
    with pytest.raises(NotFoundError, match="no project named 'nope'"):
        ws.projects.add_members("nope", ["ana"])


def test_every_change_is_in_the_audit_log(ws: mentor.Workspace, tmp_path: Path) -> None:
    pairwise(ws, tmp_path, n=1)
    _people(ws, "ana", "ben")
    trainer = ws.acting_as("trina")
    trainer.projects.add_members("prefs", ["ana", "ben"])
    trainer.projects.add_members("prefs", ["ana"])  # already one: no change, no event
    trainer.projects.remove_members("prefs", ["ben"])
    events = [e for e in ws.audit(object_id="prefs") if e.action.startswith("project.member")]
    assert [(e.actor, e.action, e.after, e.before) for e in reversed(events)] == [
        ("trina", "project.member.add", {"member": "ana"}, None),
        ("trina", "project.member.add", {"member": "ben"}, None),
        ("trina", "project.member.remove", None, {"member": "ben"}),
    ]
    assert [m.user for m in ws.projects.members("prefs")] == ["ana"]


def test_reviewers_and_adjudicators_are_not_held_back(ws: mentor.Workspace, tmp_path: Path) -> None:
    pairwise(ws, tmp_path, n=2, overlap=2, review_rate=1.0)
    _people(ws, "ana", "ben")
    ws.projects.add_members("prefs", ["ana", "ben"])
    work_through(ws, "prefs", "ana", careful)
    work_through(
        ws, "prefs", "ben", lambda t: {"choice": "B" if careful(t)["choice"] == "A" else "A"}
    )
    waiting = ws.projects.review_queue("prefs", "rey")
    assert len(waiting) == 4
    ws.projects.review("prefs", waiting[0].annotation.id, "accept", reviewer="rey")
    disputes = ws.projects.adjudication_queue("prefs")
    assert disputes
    decided = ws.projects.adjudicate(
        "prefs", disputes[0].item_id, {"choice": "A"}, adjudicator="judy"
    )
    assert decided.adjudicator == "judy"


def test_the_cli_adds_lists_and_removes_members(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    with mentor.connect(db) as ws:
        pairwise(ws, tmp_path, n=2)
        _people(ws, "ana", "ben")
    empty = run_cli("projects", "members", "prefs", db=db)
    assert empty.returncode == 0, empty.stderr
    assert "prefs has no members: every annotator may work on its queue" in empty.stdout
    added = run_cli("projects", "members", "prefs", "--add", "ana", "--add", "ben", db=db)
    assert added.returncode == 0, added.stderr
    assert "added ana, ben to prefs" in added.stdout and "tester" in added.stdout
    removed = run_cli("projects", "members", "prefs", "--remove", "ben", "--json", db=db)
    assert [(m["user"], m["added_by"]) for m in json.loads(removed.stdout)] == [("ana", "tester")]
    unknown = run_cli("projects", "members", "prefs", "--add", "zed", db=db)
    assert unknown.returncode == 3 and "no user named 'zed'" in unknown.stderr
    refused = pytest.raises(NotFoundError, match="mentor projects members prefs --add ben")
    with mentor.connect(db) as ws, refused:
        ws.projects.next_item("prefs", "ben")
