"""Login sessions: a random cookie value for the browser, only its digest in the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import Connection, delete, select

from mentor.accounts import keys
from mentor.accounts.users import User, from_row
from mentor.store import aware, now
from mentor.store.account_tables import login_sessions, users

LIFETIME: Final = timedelta(days=7)
IDLE: Final = timedelta(days=2)
# last_seen_at is written at most this often, so reading pages rarely takes the write lock.
SEEN_EVERY: Final = timedelta(minutes=5)


@dataclass(frozen=True)
class LoginSession:
    """A signed-in browser: `token` goes in its cookie and is never stored."""

    token: str
    user: User
    expires_at: datetime

    @property
    def csrf_token(self) -> str:
        """The token the session's forms must carry (see :func:`csrf_token`)."""
        return csrf_token(self.token)


@dataclass(frozen=True)
class SessionUser:
    """Who a session cookie belongs to, and whether its last-seen time is due a write."""

    user: User
    session_id: int
    stale: bool


def csrf_token(session_token: str) -> str:
    """The CSRF token of a session: derived from its secret, so a form can be checked without
    storing anything, and useless to anyone who lacks the cookie."""
    return keys.derived(session_token, "mentor csrf")


def start(conn: Connection, user: User) -> LoginSession:
    """A new session for `user` (a new secret at every sign-in, so none can be planted)."""
    token = keys.new_secret()
    moment = now()
    conn.execute(
        login_sessions.insert().values(
            token_hash=keys.digest(token),
            user_id=user.id,
            created_at=moment,
            expires_at=moment + LIFETIME,
            last_seen_at=moment,
        )
    )
    return LoginSession(token, user, moment + LIFETIME)


def resolve(conn: Connection, token: str) -> SessionUser | None:
    """The user of a live session (not expired, not idle too long, user not disabled)."""
    query = (
        select(
            users,
            login_sessions.c.id.label("session_id"),
            login_sessions.c.expires_at,
            login_sessions.c.last_seen_at,
        )
        .join(users, users.c.id == login_sessions.c.user_id)
        .where(login_sessions.c.token_hash == keys.digest(token))
    )
    row = conn.execute(query).first()
    if row is None:
        return None
    moment, seen = now(), aware(row.last_seen_at)
    if aware(row.expires_at) <= moment or seen + IDLE <= moment:
        return None
    user = from_row(row)
    if user.disabled:
        return None
    return SessionUser(user, row.session_id, stale=seen + SEEN_EVERY <= moment)


def touch(conn: Connection, session_id: int) -> None:
    """Record that the session was used now (keeps it from going idle)."""
    conn.execute(
        login_sessions.update().where(login_sessions.c.id == session_id).values(last_seen_at=now())
    )


def end(conn: Connection, token: str) -> int | None:
    """Delete the session with this cookie value; the user id it belonged to, if any."""
    hashed = keys.digest(token)
    user_id = conn.execute(
        select(login_sessions.c.user_id).where(login_sessions.c.token_hash == hashed)
    ).scalar()
    conn.execute(delete(login_sessions).where(login_sessions.c.token_hash == hashed))
    return user_id


def end_all(conn: Connection, user_id: int, keep: str = "") -> int:
    """Delete every session of a user (when disabled or given a new password) but the one with
    cookie value `keep`, if any; the number deleted."""
    query = delete(login_sessions).where(login_sessions.c.user_id == user_id)
    if keep:
        query = query.where(login_sessions.c.token_hash != keys.digest(keep))
    return conn.execute(query).rowcount


def purge_expired(conn: Connection) -> None:
    """Drop sessions past their lifetime (run at sign-in, so the table stays small)."""
    conn.execute(delete(login_sessions).where(login_sessions.c.expires_at <= now()))
