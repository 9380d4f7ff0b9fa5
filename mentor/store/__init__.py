"""The workspace database: tables, engine, migrations and the audit log."""

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
