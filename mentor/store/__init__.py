"""The workspace database: tables, engine, migrations and the audit log."""

# The table modules register themselves on the shared metadata.
from mentor.store import (  # noqa: F401
    account_tables,
    analysis_tables,
    annotation_tables,
    eval_tables,
    feedback_tables,
    generation_tables,
    judge_tables,
    provider_tables,
    train_tables,
)
from mentor.store.audit import AuditEvent, aware, list_events, now, record_event
from mentor.store.engine import migrate, open_engine, write_transaction

__all__ = [
    "AuditEvent",
    "aware",
    "list_events",
    "migrate",
    "now",
    "open_engine",
    "record_event",
    "write_transaction",
]
