"""Tables for user accounts, login sessions, API tokens and failed sign-ins (owned by
mentor.accounts).

No password or secret is stored: users keep an argon2 hash, sessions and tokens a SHA-256 digest.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table

from mentor.store.tables import metadata

__all__ = ["api_tokens", "login_sessions", "metadata", "sign_in_failures", "users"]

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True), nullable=True),
)

login_sessions = Table(
    "login_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("label", String(200), nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

# Failed sign-ins per client address (name "") and per client address and user name, so that
# guessing slows down the guesser and never locks the named user out elsewhere (see
# mentor.accounts.throttle). Rows are forgotten a day after their count started.
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("client", String(64), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("first_failed_at", DateTime(timezone=True), nullable=False, index=True),
    Column("last_failed_at", DateTime(timezone=True), nullable=False),
)
