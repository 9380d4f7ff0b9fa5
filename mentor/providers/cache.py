"""The response cache: a completion stored under a hash of provider, model, parameters and input.

Asking the same model the same thing with the same parameters again returns the stored answer
without a call. The key includes the provider's whole fingerprint (endpoint, weights hash), so a
changed model or endpoint never hits an old entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, Table, delete, select

from mentor.providers.base import Completion, GenerationParams
from mentor.store.audit import now
from mentor.store.engine import write_transaction
from mentor.store.eval_tables import eval_cache


def _canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def input_hash(messages: Sequence[dict[str, Any]]) -> str:
    """SHA-256 of the input messages (key order does not matter)."""
    return hashlib.sha256(_canonical(list(messages))).hexdigest()


def cache_key(
    fingerprint: dict[str, Any], params: GenerationParams, messages: Sequence[dict[str, Any]]
) -> str:
    """The cache key of one call."""
    body = {"fingerprint": fingerprint, "params": asdict(params), "messages": list(messages)}
    return hashlib.sha256(_canonical(body)).hexdigest()


@dataclass(frozen=True)
class CacheEntry:
    """A completion to store under `key`."""

    key: str
    provider: str
    model: str
    completion: Completion


def insert_ignoring_duplicates(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows`, skipping those whose primary key is already there (both backends)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(table).on_conflict_do_nothing(), rows)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        conn.execute(sqlite_insert(table).on_conflict_do_nothing(), rows)


class ResponseCache:
    """Completions kept in the workspace database."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def get(self, key: str) -> Completion | None:
        """The stored completion for `key`, if any."""
        with self.engine.connect() as conn:
            stored = conn.execute(
                select(eval_cache.c.completion).where(eval_cache.c.key == key)
            ).scalar()
        return None if stored is None else Completion(**stored)

    @staticmethod
    def put(conn: Connection, entries: Sequence[CacheEntry]) -> None:
        """Store `entries` in the caller's transaction (an existing key is kept as it is)."""
        unique = {e.key: e for e in entries}
        insert_ignoring_duplicates(
            conn,
            eval_cache,
            [
                {
                    "key": e.key,
                    "provider": e.provider,
                    "model": e.model,
                    "completion": orjson.loads(orjson.dumps(asdict(e.completion))),
                    "created_at": now(),
                }
                for e in unique.values()
            ],
        )

    def clear(self, provider: str | None = None) -> int:
        """Forget cached completions (of one provider, or all); returns how many."""
        query = delete(eval_cache)
        if provider is not None:
            query = query.where(eval_cache.c.provider == provider)
        with write_transaction(self.engine) as conn:
            return int(conn.execute(query).rowcount or 0)
