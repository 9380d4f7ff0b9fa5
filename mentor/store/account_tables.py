"""Tables for user accounts, sessions and API tokens (owned by mentor.accounts)."""

from __future__ import annotations

from mentor.store.tables import metadata

__all__ = ["metadata"]
