"""Tables for annotation projects, guidelines, items, assignments, annotations, reviews."""

from __future__ import annotations

from mentor.store.tables import metadata

__all__ = ["metadata"]
