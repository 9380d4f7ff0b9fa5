"""Users: a name, a role and an argon2 password hash; disabled users keep their history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, Row, select

from mentor.accounts.roles import Permission, Role, allowed
from mentor.errors import ConflictError, InputError, NotFoundError
from mentor.store import aware, now
from mentor.store.account_tables import users

NAME: Final = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


@dataclass(frozen=True)
class User:
    """A person who signs in to the workspace (never carries the password or its hash)."""

    id: int
    name: str
    role: Role
    created_by: str
    created_at: datetime
    disabled_at: datetime | None = None

    @property
    def disabled(self) -> bool:
        """Whether the user was disabled (cannot sign in or use tokens)."""
        return self.disabled_at is not None

    def may(self, permission: Permission) -> bool:
        """Whether this user may do `permission` now."""
        return not self.disabled and allowed(self.role, permission)


def normal_name(name: str) -> str:
    """`name` as typed into a sign-in form, the way user names are stored: `` Cleo`` is cleo."""
    return name.strip().lower()


def check_name(name: str, where: str = "user name") -> str:
    """`name` if it is a valid user name, else an error saying what one looks like."""
    if not NAME.fullmatch(name):
        raise InputError(
            f"'{name}' is not a usable user name; use 1-64 lowercase letters, digits, '.', '_' "
            "or '-', starting with a letter or digit",
            where=where,
        )
    return name


def from_row(row: Row[Any]) -> User:
    """A User from a row of ``users`` (or a join that carries its columns)."""
    m = row._mapping
    return User(
        id=m[users.c.id],
        name=m[users.c.name],
        role=Role(m[users.c.role]),
        created_by=m[users.c.created_by],
        created_at=aware(m[users.c.created_at]),
        disabled_at=aware(m[users.c.disabled_at]) if m[users.c.disabled_at] else None,
    )


def insert_user(conn: Connection, name: str, role: Role, password_hash: str, actor: str) -> User:
    """Add a user; a taken name is a conflict."""
    check_name(name)
    if conn.execute(select(users.c.id).where(users.c.name == name)).first():
        raise ConflictError(f"there is already a user named '{name}'")
    values = {
        "name": name,
        "role": role.value,
        "password_hash": password_hash,
        "created_by": actor,
        "created_at": now(),
    }
    conn.execute(users.insert().values(**values))
    return get_user(conn, name)


def get_user(conn: Connection, name: str) -> User:
    """The user called `name`, or an error naming the users there are."""
    row = conn.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        known = conn.execute(select(users.c.name).order_by(users.c.name).limit(20)).scalars()
        hint = ", ".join(known) or "none yet; add one with `mentor users add`"
        raise NotFoundError(f"no user named '{name}'; users here: {hint}")
    return from_row(row)


def password_hash_of(conn: Connection, name: str) -> tuple[User, str] | None:
    """The user and their stored hash, for signing in (None when there is no such user)."""
    row = conn.execute(select(users).where(users.c.name == name)).first()
    return None if row is None else (from_row(row), row.password_hash)


def name_of(conn: Connection, user_id: int) -> str:
    """The name of the user with id `user_id`."""
    return str(conn.execute(select(users.c.name).where(users.c.id == user_id)).scalar_one())


def list_users(conn: Connection) -> list[User]:
    """Every user, by name."""
    return [from_row(r) for r in conn.execute(select(users).order_by(users.c.name))]


def update_user(conn: Connection, name: str, **values: Any) -> User:
    """Change columns of user `name` (which must exist)."""
    get_user(conn, name)
    conn.execute(users.update().where(users.c.name == name).values(**values))
    return get_user(conn, name)
