"""The append-only audit log: who changed what, when, with the ids before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from mentor.store.tables import audit_events


@dataclass(frozen=True)
class AuditEvent:
    """One change to the workspace."""

    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    before: Any
    after: Any
    detail: dict[str, Any]


def now() -> datetime:
    """The current time in UTC (the store keeps every timestamp in UTC)."""
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored timestamp as UTC-aware (SQLite hands them back without a zone)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def record_event(
    conn: Connection,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: Any = None,
    after: Any = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one event in the caller's transaction, so it lands exactly when the change does."""
    conn.execute(
        audit_events.insert().values(
            at=now(),
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=before,
            after=after,
            detail=detail or {},
        )
    )


def list_events(
    conn: Connection, *, limit: int = 100, object_id: str | None = None
) -> list[AuditEvent]:
    """The newest events first, optionally only those about one object."""
    query = select(audit_events).order_by(audit_events.c.id.desc()).limit(limit)
    if object_id is not None:
        query = query.where(audit_events.c.object_id == object_id)
    return [AuditEvent(**{**row._mapping, "at": aware(row.at)}) for row in conn.execute(query)]
