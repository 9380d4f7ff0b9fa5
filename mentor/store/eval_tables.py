"""Tables for evaluation suites, cases, runs, results and the response cache."""

from __future__ import annotations

from mentor.store.tables import metadata

__all__ = ["metadata"]
