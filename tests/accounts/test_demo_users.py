"""The demo's people: one or more per role, who sign in with the documented password."""

from __future__ import annotations

from pathlib import Path

import mentor
from mentor.accounts import Role
from mentor.demo import accounts


def test_the_demo_adds_a_user_per_role_who_can_sign_in(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    [step] = list(accounts.steps(sqlite_ws, tmp_path))
    roles = {u.name: u.role for u in sqlite_ws.accounts.users()}
    assert roles == {
        "admin": Role.ADMIN,
        "trina": Role.TRAINER,
        "rey": Role.REVIEWER,
        "ana": Role.ANNOTATOR,
        "ben": Role.ANNOTATOR,
        "cleo": Role.ANNOTATOR,
        "vic": Role.VIEWER,
    }
    assert "/login" in step.result and "mentor-demo" in step.result
    for name in roles:
        assert sqlite_ws.accounts.login(name, "mentor-demo").user.name == name
