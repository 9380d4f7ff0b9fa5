"""Alembic environment: runs on the engine Mentor hands over (no alembic.ini needed).

Commands started at once on a new workspace all find it unmigrated: each migration takes the
database's write lock before it reads the schema's revision (SQLite: BEGIN IMMEDIATE, which
waits its turn; PostgreSQL: a transaction-level advisory lock), so the first one migrates and
the others then find the schema at head, instead of failing with "database is locked".
"""

from __future__ import annotations

from typing import Final

from alembic import context
from sqlalchemy import text

from mentor.store import tables

MIGRATION_LOCK: Final = 0x6D656E746F72  # "mentor": one key for every Mentor database

metadata = tables.metadata

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    if connection.dialect.name == "sqlite":
        connection = connection.execution_options(sqlite_begin="IMMEDIATE")
    with connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        context.run_migrations()
