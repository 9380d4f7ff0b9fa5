"""Which runs evaluated a released model: a run whose newest release-gate verdict passed.

``mentor eval gate`` records each verdict in the audit log (``eval.gate`` on the run); a run
that passed its gate is the evidence a model was cleared for release, so a case that regressed
in such a run is a known regression that reached a released model.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from mentor.store.tables import audit_events


def released_runs(conn: Connection, run_ids: Sequence[int]) -> dict[int, str]:
    """Run id -> the gate it passed, for the runs of `run_ids` whose newest verdict passed."""
    rows = conn.execute(
        select(audit_events.c.object_id, audit_events.c.detail)
        .where(
            audit_events.c.action == "eval.gate",
            audit_events.c.object_id.in_([str(i) for i in run_ids]),
        )
        .order_by(audit_events.c.id)
    )
    newest: dict[int, tuple[bool, str]] = {}
    for object_id, detail in rows:
        newest[int(object_id)] = (bool(detail.get("passed")), str(detail.get("gate", "")))
    return {run: gate for run, (passed, gate) in newest.items() if passed}
