"""API tokens for scripts, the SDK and CI: shown once, stored as SHA-256, revocable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import Connection, Row, bindparam, select

from mentor.accounts import keys
from mentor.accounts.users import User, from_row
from mentor.errors import NotFoundError
from mentor.store import aware, now
from mentor.store.account_tables import api_tokens, users

PREFIX: Final = "mentor_"
SHOWN: Final = 12  # characters of a token kept to recognise it in lists
USED_EVERY: Final = timedelta(minutes=1)


@dataclass(frozen=True)
class ApiToken:
    """What is known about a token after it was shown: never the token itself."""

    id: int
    user: str
    label: str
    prefix: str
    created_by: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def revoked(self) -> bool:
        """Whether the token was revoked."""
        return self.revoked_at is not None


@dataclass(frozen=True)
class NewToken:
    """A token just created: `token` is shown this once and cannot be recovered."""

    token: str
    info: ApiToken


@dataclass(frozen=True)
class TokenUser:
    """Who a presented token belongs to, and whether its last-used time is due a write."""

    user: User
    token_id: int
    stale: bool


def _when(value: datetime | None) -> datetime | None:
    return aware(value) if value else None


def _info(row: Row[Any]) -> ApiToken:
    return ApiToken(
        id=row.id,
        user=row.name,
        label=row.label,
        prefix=row.prefix,
        created_by=row.created_by,
        created_at=aware(row.created_at),
        last_used_at=_when(row.last_used_at),
        revoked_at=_when(row.revoked_at),
    )


def _listing() -> Any:
    return select(
        api_tokens.c.id,
        users.c.name,
        api_tokens.c.label,
        api_tokens.c.prefix,
        api_tokens.c.created_by,
        api_tokens.c.created_at,
        api_tokens.c.last_used_at,
        api_tokens.c.revoked_at,
    ).join(users, users.c.id == api_tokens.c.user_id)


def create(conn: Connection, user: User, label: str, actor: str) -> NewToken:
    """A new token for `user`."""
    token = keys.new_secret(PREFIX)
    new_id = conn.execute(
        api_tokens.insert().values(
            token_hash=keys.digest(token),
            user_id=user.id,
            label=label,
            prefix=token[:SHOWN],
            created_by=actor,
            created_at=now(),
        )
    ).inserted_primary_key
    assert new_id is not None
    return NewToken(token, get(conn, int(new_id[0])))


def get(conn: Connection, token_id: int) -> ApiToken:
    """One token by id."""
    row = conn.execute(_listing().where(api_tokens.c.id == token_id)).first()
    if row is None:
        raise NotFoundError(f"no API token with id {token_id}; see `mentor users token list`")
    return _info(row)


def list_tokens(conn: Connection, user: User | None = None) -> list[ApiToken]:
    """Every token (of `user`, if given), oldest first."""
    query = _listing().order_by(api_tokens.c.id)
    if user is not None:
        query = query.where(api_tokens.c.user_id == user.id)
    return [_info(r) for r in conn.execute(query)]


def revoke(conn: Connection, token_id: int) -> ApiToken:
    """Revoke a token for good (revoking twice keeps the first time)."""
    if get(conn, token_id).revoked_at is None:
        conn.execute(
            api_tokens.update().where(api_tokens.c.id == token_id).values(revoked_at=now())
        )
    return get(conn, token_id)


def revoke_all(conn: Connection, user: User) -> list[ApiToken]:
    """Revoke every live token of `user` (after a new password, say); the tokens revoked."""
    live = [t.id for t in list_tokens(conn, user) if not t.revoked]
    if live:
        conn.execute(api_tokens.update().where(api_tokens.c.id.in_(live)).values(revoked_at=now()))
    return [get(conn, token_id) for token_id in live]


# Built once: every API request resolves its token.
_LIVE: Final = (
    select(users, api_tokens.c.id.label("token_id"), api_tokens.c.last_used_at)
    .join(users, users.c.id == api_tokens.c.user_id)
    .where(api_tokens.c.token_hash == bindparam("digest"), api_tokens.c.revoked_at.is_(None))
)


def resolve(conn: Connection, token: str) -> TokenUser | None:
    """The user a live token belongs to (not revoked, user not disabled)."""
    row = conn.execute(_LIVE, {"digest": keys.digest(token)}).first()
    if row is None:
        return None
    user = from_row(row)
    if user.disabled:
        return None
    used = _when(row.last_used_at)
    return TokenUser(user, row.token_id, stale=used is None or used + USED_EVERY <= now())


def touch(conn: Connection, token_id: int) -> None:
    """Record that the token was used now."""
    conn.execute(api_tokens.update().where(api_tokens.c.id == token_id).values(last_used_at=now()))
