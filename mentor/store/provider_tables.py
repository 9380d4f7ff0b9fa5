"""The model providers an admin has named (owned by the provider registry).

The web app may only pick one of these names; what each runs (a command, a URL, a local path) is
set by whoever runs the ``mentor`` CLI or the SDK on the server.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, String, Table

from mentor.store.tables import metadata

__all__ = ["metadata", "named_providers"]

named_providers = Table(
    "named_providers",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("spec", JSON, nullable=False),
    Column("note", String(500), nullable=False, default=""),
    Column("added_by", String(200), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
)
