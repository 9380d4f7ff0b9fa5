"""Users, login sessions and API tokens in the store, on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select, text

import mentor
from mentor.accounts import Role, SignInError
from mentor.errors import ConflictError, InputError, NotFoundError
from mentor.store import now, write_transaction
from mentor.store.account_tables import api_tokens, login_sessions, users

PASSWORD = "correct horse battery"


def _everything_stored(ws: mentor.Workspace) -> str:
    """Every row of every table, as one string (to search for secrets)."""
    with ws.engine.connect() as conn:
        names = ("users", "login_sessions", "api_tokens", "audit_events")
        return "\n".join(
            repr(row) for name in names for row in conn.execute(text(f"SELECT * FROM {name}"))
        )


def test_a_password_is_stored_only_as_an_argon2id_hash(ws: mentor.Workspace) -> None:
    user = ws.accounts.add_user("ana", Role.ANNOTATOR, PASSWORD)
    assert (user.name, user.role, user.created_by, user.disabled) == (
        "ana",
        Role.ANNOTATOR,
        "tester",
        False,
    )
    with ws.engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    ws.accounts.login("ana", PASSWORD)
    assert PASSWORD not in _everything_stored(ws)
    assert "password" not in repr(user) and "argon2" not in repr(user)


def test_two_users_with_one_password_get_different_hashes(ws: mentor.Workspace) -> None:
    ws.accounts.add_user("ana", "annotator", PASSWORD)
    ws.accounts.add_user("ben", "annotator", PASSWORD)
    with ws.engine.connect() as conn:
        hashes = conn.execute(select(users.c.password_hash)).scalars().all()
    assert len(set(hashes)) == 2  # salted


def test_wrong_password_and_unknown_user_fail_alike_and_start_no_session(
    ws: mentor.Workspace,
) -> None:
    ws.accounts.add_user("ana", "annotator", PASSWORD)
    messages = []
    for name, password in (("ana", "wrong password"), ("nobody", PASSWORD), ("ana", "")):
        with pytest.raises(SignInError) as caught:
            ws.accounts.login(name, password)
        messages.append(str(caught.value))
    assert set(messages) == {"wrong user name or password"}
    with ws.engine.connect() as conn:
        assert conn.execute(select(login_sessions)).first() is None


def test_a_session_works_until_logout_ends_it_on_the_server(ws: mentor.Workspace) -> None:
    ws.accounts.add_user("rey", "reviewer", PASSWORD)
    session = ws.accounts.login("rey", PASSWORD)
    user = ws.accounts.session_user(session.token)
    assert user is not None and user.name == "rey" and user.role is Role.REVIEWER
    with ws.engine.connect() as conn:
        stored = conn.execute(select(login_sessions.c.token_hash)).scalar_one()
    assert stored == hashlib.sha256(session.token.encode()).hexdigest()
    assert session.token not in _everything_stored(ws)
    assert ws.accounts.logout(session.token) is True
    assert ws.accounts.session_user(session.token) is None
    assert ws.accounts.logout(session.token) is False
    assert [e.action for e in ws.audit()][:2] == ["user.logout", "user.login"]


def test_every_login_gets_its_own_session(ws: mentor.Workspace) -> None:
    ws.accounts.add_user("rey", "reviewer", PASSWORD)
    first, second = ws.accounts.login("rey", PASSWORD), ws.accounts.login("rey", PASSWORD)
    assert first.token != second.token and first.csrf_token != second.csrf_token
    ws.accounts.logout(first.token)
    assert ws.accounts.session_user(second.token) is not None


def test_expired_and_idle_sessions_are_refused(ws: mentor.Workspace) -> None:
    ws.accounts.add_user("rey", "reviewer", PASSWORD)
    expired, idle = ws.accounts.login("rey", PASSWORD), ws.accounts.login("rey", PASSWORD)
    with write_transaction(ws.engine) as conn:
        for session, column in ((expired, "expires_at"), (idle, "last_seen_at")):
            digest = hashlib.sha256(session.token.encode()).hexdigest()
            conn.execute(
                login_sessions.update()
                .where(login_sessions.c.token_hash == digest)
                .values({column: now() - timedelta(days=3)})
            )
    assert ws.accounts.session_user(expired.token) is None
    assert ws.accounts.session_user(idle.token) is None
    assert ws.accounts.session_user("made-up") is None


def test_a_disabled_user_cannot_log_in_and_their_sessions_and_tokens_stop(
    ws: mentor.Workspace,
) -> None:
    ws.accounts.add_user("admin", "admin", PASSWORD)
    ws.accounts.add_user("ben", "annotator", PASSWORD)
    session = ws.accounts.login("ben", PASSWORD)
    token = ws.accounts.create_token("ben", "laptop").token
    assert ws.accounts.disable("ben").disabled
    assert ws.accounts.session_user(session.token) is None
    assert ws.accounts.token_user(token) is None
    with pytest.raises(SignInError, match="'ben' is disabled; ask an admin"):
        ws.accounts.login("ben", PASSWORD)
    ws.accounts.enable("ben")
    assert ws.accounts.login("ben", PASSWORD).user.name == "ben"
    assert ws.accounts.token_user(token) is not None  # the token was never revoked


def test_a_role_change_applies_to_the_live_session(ws: mentor.Workspace) -> None:
    ws.accounts.add_user("ana", "annotator", PASSWORD)
    session = ws.accounts.login("ana", PASSWORD)
    ws.accounts.set_role("ana", "reviewer")
    user = ws.accounts.session_user(session.token)
    assert user is not None and user.role is Role.REVIEWER
    event = ws.audit(limit=1)[0]
    assert (event.action, event.actor, event.before, event.after) == (
        "user.role",
        "tester",
        {"role": "annotator"},
        {"role": "reviewer"},
    )


def test_a_new_password_ends_the_sessions(ws: mentor.Workspace) -> None:
    ws.accounts.add_user("ana", "annotator", PASSWORD)
    session = ws.accounts.login("ana", PASSWORD)
    ws.accounts.set_password("ana", "another good password")
    assert ws.accounts.session_user(session.token) is None
    with pytest.raises(SignInError):
        ws.accounts.login("ana", PASSWORD)
    assert ws.accounts.login("ana", "another good password").user.name == "ana"


def test_a_new_password_keeps_api_tokens_unless_asked_to_revoke_them(
    ws: mentor.Workspace,
) -> None:
    ws.accounts.add_user("ana", "annotator", PASSWORD)
    laptop = ws.accounts.create_token("ana", "laptop").token
    kept = ws.accounts.set_password("ana", "another good password")
    assert (kept.user.name, kept.tokens_revoked) == ("ana", ())
    assert ws.accounts.token_user(laptop) is not None
    ci = ws.accounts.create_token("ana", "CI").token
    ws.accounts.revoke_token(ws.accounts.tokens("ana")[0].id)  # laptop: revoked already
    change = ws.accounts.set_password("ana", "a third good password", revoke_tokens=True)
    assert [t.label for t in change.tokens_revoked] == ["CI"]
    assert ws.accounts.token_user(ci) is None and ws.accounts.token_user(laptop) is None
    events = [(e.action, e.actor, e.object_id, e.detail) for e in ws.audit(limit=2)]
    ci_id = change.tokens_revoked[0].id
    assert events[0] == (
        "user.password",
        "tester",
        "ana",
        {"sessions_ended": 0, "tokens_revoked": [ci_id]},
    )
    assert events[1][:3] == ("token.revoke", "tester", f"token:{ci_id}")
    assert events[1][3]["reason"] == "new password"


def test_changing_ones_own_password_ends_the_other_sessions_only(ws: mentor.Workspace) -> None:
    ws.accounts.add_user("ana", "annotator", PASSWORD)
    here, elsewhere = ws.accounts.login("ana", PASSWORD), ws.accounts.login("ana", PASSWORD)
    ws.accounts.add_user("ben", "annotator", PASSWORD)
    bens = ws.accounts.login("ben", PASSWORD)
    token = ws.accounts.create_token("ana").token
    with pytest.raises(SignInError, match="the current password is wrong"):
        ws.accounts.change_password("ana", "not it", "another good password")
    with pytest.raises(InputError, match="at least 8 characters"):
        ws.accounts.change_password("ana", PASSWORD, "short")
    change = ws.accounts.change_password(
        "ana", PASSWORD, "another good password", keep_session=here.token, revoke_tokens=True
    )
    assert change.sessions_ended == 1 and len(change.tokens_revoked) == 1
    assert ws.accounts.session_user(here.token) is not None
    assert ws.accounts.session_user(elsewhere.token) is None
    assert ws.accounts.session_user(bens.token) is not None
    assert ws.accounts.token_user(token) is None
    assert ws.accounts.login("ana", "another good password").user.name == "ana"


def test_tokens_are_shown_once_stored_hashed_tracked_and_revocable(ws: mentor.Workspace) -> None:
    ws.accounts.add_user("trina", "trainer", PASSWORD)
    new = ws.accounts.create_token("trina", "CI")
    assert new.token.startswith("mentor_") and len(new.token) > 40
    assert new.info.prefix == new.token[:12] and new.info.last_used_at is None
    with ws.engine.connect() as conn:
        stored = conn.execute(select(api_tokens.c.token_hash)).scalar_one()
    assert stored == hashlib.sha256(new.token.encode()).hexdigest()
    assert new.token not in _everything_stored(ws)
    user = ws.accounts.token_user(new.token)
    assert user is not None and user.name == "trina"
    listed = ws.accounts.tokens("trina")
    assert [(t.id, t.label, t.user) for t in listed] == [(new.info.id, "CI", "trina")]
    assert listed[0].last_used_at is not None
    revoked = ws.accounts.revoke_token(new.info.id)
    assert revoked.revoked and ws.accounts.token_user(new.token) is None
    assert [e.action for e in ws.audit(limit=2)] == ["token.revoke", "token.create"]
    with pytest.raises(NotFoundError, match="no API token with id 999"):
        ws.accounts.revoke_token(999)


def test_changes_are_audited_as_the_acting_user(ws: mentor.Workspace) -> None:
    ws.accounts.add_user("admin", "admin", PASSWORD)
    as_admin = ws.acting_as("admin")
    assert as_admin.engine is ws.engine and as_admin.actor == "admin" and ws.actor == "tester"
    as_admin.accounts.add_user("vic", "viewer", PASSWORD)
    event = ws.audit(limit=1)[0]
    assert (event.action, event.actor, event.object_id) == ("user.create", "admin", "vic")


def test_the_last_admin_cannot_be_demoted_or_disabled(ws: mentor.Workspace) -> None:
    ws.accounts.add_user("admin", "admin", PASSWORD)
    with pytest.raises(ConflictError, match="'admin' is the last admin"):
        ws.accounts.set_role("admin", "viewer")
    with pytest.raises(ConflictError, match="last admin"):
        ws.accounts.disable("admin")
    ws.accounts.add_user("root", "admin", PASSWORD)
    assert ws.accounts.set_role("admin", "viewer").role is Role.VIEWER


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("Ana Smith", "annotator", PASSWORD, "'Ana Smith' is not a usable user name"),
        ("ana", "wizard", PASSWORD, "'wizard' is not a role; use one of admin, trainer"),
        ("ana", "annotator", "short", "a password needs at least 8 characters"),
    ],
)
def test_bad_users_are_refused_with_the_reason(
    ws: mentor.Workspace, name: str, role: str, password: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        ws.accounts.add_user(name, role, password)
    assert ws.accounts.users() == []


def test_names_are_unique_and_unknown_names_are_explained(ws: mentor.Workspace) -> None:
    ws.accounts.add_user("ana", "annotator", PASSWORD)
    with pytest.raises(ConflictError, match="already a user named 'ana'"):
        ws.accounts.add_user("ana", "viewer", PASSWORD)
    with pytest.raises(NotFoundError, match="no user named 'anna'; users here: ana"):
        ws.accounts.user("anna")
