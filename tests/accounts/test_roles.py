"""Who may do what: the permission table, and the docs page that shows it."""

from __future__ import annotations

import re
from pathlib import Path

from mentor.accounts import Permission, Role, allowed
from mentor.accounts.roles import DESCRIPTIONS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "accounts.md"


def test_annotators_work_their_queue_and_see_nothing_else() -> None:
    granted = {p for p in Permission if allowed(Role.ANNOTATOR, p)}
    assert granted == {Permission.ANNOTATE, Permission.OWN_ACCOUNT}


def test_viewers_only_read() -> None:
    granted = {p for p in Permission if allowed(Role.VIEWER, p)}
    assert granted == {Permission.VIEW_DATA, Permission.OWN_ACCOUNT}


def test_only_admins_manage_users_and_admins_may_do_everything() -> None:
    assert [r for r in Role if allowed(r, Permission.MANAGE_USERS)] == [Role.ADMIN]
    assert all(allowed(Role.ADMIN, p) for p in Permission)


def test_reviewers_review_and_adjudicate_but_do_not_run_projects() -> None:
    assert allowed("reviewer", "review") and allowed("reviewer", "adjudicate")
    assert not allowed(Role.REVIEWER, Permission.MANAGE_PROJECTS)
    assert not allowed(Role.REVIEWER, Permission.RUN_EVALS)


def test_every_permission_is_described() -> None:
    assert set(DESCRIPTIONS) == set(Permission)


def test_the_docs_table_matches_the_permission_table() -> None:
    rows = re.findall(r"^\| `([A-Z_]+)` \|(.+)\|\s*$", DOCS.read_text(encoding="utf-8"), re.M)
    header = re.search(r"^\| Permission \|(.+)\|\s*$", DOCS.read_text(encoding="utf-8"), re.M)
    assert header is not None
    roles = [Role(c.strip()) for c in header.group(1).split("|")[1:]]
    documented = {
        (Permission[name], role): cell.strip() == "✓"
        for name, cells in rows
        for role, cell in zip(roles, cells.split("|")[1:], strict=True)
    }
    assert documented == {(p, r): allowed(r, p) for p in Permission for r in Role}
