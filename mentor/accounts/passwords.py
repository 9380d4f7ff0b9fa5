"""Password hashes (argon2id), the rules a new password must meet, and what a change did."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from mentor.accounts.tokens import ApiToken
from mentor.accounts.users import User
from mentor.errors import InputError

MIN_LENGTH: Final = 8
MAX_LENGTH: Final = 1024
_HASHER: Final = PasswordHasher()


@cache
def _dummy() -> str:
    """Verified when the user name is unknown, so a wrong name costs as long as a wrong
    password (made on first use: hashing costs a fifth of a second at every start otherwise)."""
    return _HASHER.hash("mentor: no such user")


def prepare() -> None:
    """Make the unknown-user hash now, so that a server's first wrong name costs no more than
    a wrong password."""
    _dummy()


@dataclass(frozen=True)
class PasswordChange:
    """A new password was set: for whom, how many of their login sessions ended, and which of
    their API tokens were revoked with it (none unless asked: tokens are not passwords)."""

    user: User
    sessions_ended: int
    tokens_revoked: tuple[ApiToken, ...] = ()


def check_new(password: str, where: str = "password") -> None:
    """Refuse passwords too short (or absurdly long) to be a sensible choice."""
    if len(password) < MIN_LENGTH:
        raise InputError(f"a password needs at least {MIN_LENGTH} characters", where=where)
    if len(password) > MAX_LENGTH:
        raise InputError(f"a password may have at most {MAX_LENGTH} characters", where=where)


def hash_password(password: str) -> str:
    """The argon2id hash (PHC string, salt included) to store for `password`."""
    return _HASHER.hash(password)


def verify(stored: str | None, password: str) -> bool:
    """Whether `password` matches the `stored` hash; None (no such user) never matches but
    takes the same time."""
    try:
        return _HASHER.verify(stored or _dummy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether `stored` was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(stored)
