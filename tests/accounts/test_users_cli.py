"""`mentor users ...`: add users, change roles, disable, and make and revoke API tokens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import mentor
from tests.conftest import run_cli

PASSWORD = "a long enough password"


def _with_stdin(db: str, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`run_cli` with text on standard input."""
    env = {**os.environ, "MENTOR_USER": "tester", "MENTOR_DB": db}
    env.pop("MENTOR_DEBUG", None)
    argv = [sys.executable, "-m", "mentor", *args]
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, env=env, timeout=120)


def test_add_list_role_and_disable(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    added = _with_stdin(
        db, PASSWORD + "\n", "users", "add", "ana", "--role", "annotator", "--password-stdin"
    )
    assert added.returncode == 0, added.stderr
    assert "added ana (annotator)" in added.stdout
    made = _with_stdin(
        db, PASSWORD + "\n", "users", "add", "root", "--role", "admin", "--password-stdin", "--json"
    )
    assert json.loads(made.stdout)["role"] == "admin"
    table = run_cli("users", "list", db=db).stdout
    assert "ana" in table and "annotator" in table and "root" in table
    assert (
        json.loads(run_cli("users", "role", "ana", "reviewer", "--json", db=db).stdout)["role"]
        == "reviewer"
    )
    assert "ana is disabled" in run_cli("users", "disable", "ana", db=db).stdout
    listed = {u["name"]: u for u in json.loads(run_cli("users", "list", "--json", db=db).stdout)}
    assert listed["ana"]["disabled_at"] and listed["ana"]["role"] == "reviewer"
    assert "password" not in json.dumps(listed) and PASSWORD not in json.dumps(listed)
    with mentor.connect(db) as ws:
        assert [e.actor for e in ws.audit(limit=1)] == ["tester"]


def test_the_password_prompt_asks_twice(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    typo = _with_stdin(
        db,
        f"{PASSWORD}\n{PASSWORD}x\n{PASSWORD}\n{PASSWORD}\n",
        "users",
        "add",
        "vic",
        "--role",
        "viewer",
    )
    assert typo.returncode == 0, typo.stderr
    assert "do not match" in typo.stdout + typo.stderr
    with mentor.connect(db) as ws:
        assert ws.accounts.login("vic", PASSWORD).user.name == "vic"


def test_tokens_are_printed_once_listed_without_the_secret_and_revoked(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    _with_stdin(db, PASSWORD, "users", "add", "trina", "--role", "trainer", "--password-stdin")
    created = run_cli("users", "token", "create", "trina", "--label", "CI", db=db)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("mentor_") and "not shown again" in created.stdout
    listing = run_cli("users", "token", "list", db=db).stdout
    assert "CI" in listing and token[:12] in listing and token not in listing
    listed = json.loads(run_cli("users", "token", "list", "--json", db=db).stdout)
    assert [(t["user"], t["label"], t["revoked_at"]) for t in listed] == [("trina", "CI", None)]
    with mentor.connect(db) as ws:
        assert ws.accounts.token_user(token) is not None
    revoked = run_cli("users", "token", "revoke", str(listed[0]["id"]), db=db)
    assert f"token {listed[0]['id']} of trina is revoked" in revoked.stdout
    with mentor.connect(db) as ws:
        assert ws.accounts.token_user(token) is None


def test_mistakes_are_one_clear_line_and_an_exit_code(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    empty = _with_stdin(db, "", "users", "add", "ana", "--role", "annotator", "--password-stdin")
    assert empty.returncode == 4 and "--password-stdin: standard input held no password" in (
        empty.stderr
    )
    short = _with_stdin(
        db, "short\n", "users", "add", "ana", "--role", "annotator", "--password-stdin"
    )
    assert short.returncode == 4 and "at least 8 characters" in short.stderr
    unknown = run_cli("users", "token", "create", "nobody", db=db)
    assert unknown.returncode == 3 and "no user named 'nobody'" in unknown.stderr
    assert "Traceback" not in unknown.stderr + short.stderr


def test_a_new_password_revokes_the_users_tokens_only_when_asked(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    _with_stdin(db, PASSWORD, "users", "add", "trina", "--role", "trainer", "--password-stdin")
    token = run_cli("users", "token", "create", "trina", db=db).stdout.strip().splitlines()[-1]
    kept = _with_stdin(db, "a second password\n", "users", "password", "trina", "--password-stdin")
    assert kept.returncode == 0, kept.stderr
    assert "API tokens keep working (--revoke-tokens revokes them)" in kept.stdout
    with mentor.connect(db) as ws:
        assert ws.accounts.token_user(token) is not None
    revoked = _with_stdin(
        db,
        "a third password\n",
        "users",
        "password",
        "trina",
        "--password-stdin",
        "--revoke-tokens",
    )
    assert revoked.returncode == 0, revoked.stderr
    assert "new password set for trina; 0 sessions ended; 1 API token revoked" in revoked.stdout
    with mentor.connect(db) as ws:
        assert ws.accounts.token_user(token) is None
        assert [e.action for e in ws.audit(limit=2)] == ["user.password", "token.revoke"]
        assert ws.accounts.login("trina", "a third password").user.name == "trina"
