"""When the store's data was last written, and what ``--since`` means.

A report says "generated from the store as of <time>": the newest time among the things it
rests on (eval runs, tags on results, judge calibrations, training runs), never the clock, so
regenerating it from the same store gives the same bytes. Judge calibrations' ages are judged
at that time too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final

from sqlalchemy import Connection, func, select

from mentor.errors import InputError
from mentor.evals.runs import get_run
from mentor.store.analysis_tables import analysis_tags
from mentor.store.audit import aware
from mentor.store.eval_tables import eval_runs
from mentor.store.judge_tables import judge_calibrations
from mentor.store.train_tables import training_runs

DEFAULT_DAYS: Final = 7


def store_time(conn: Connection) -> datetime | None:
    """The newest time in the tables reports read (None for a store with nothing in them)."""
    columns = (
        eval_runs.c.started_at,
        eval_runs.c.finished_at,
        analysis_tags.c.created_at,
        judge_calibrations.c.created_at,
        training_runs.c.started_at,
        training_runs.c.finished_at,
    )
    found = [conn.execute(select(func.max(c))).scalar() for c in columns]
    times = [aware(t) for t in found if t is not None]
    return max(times) if times else None


@dataclass(frozen=True)
class Since:
    """Where a quality update's period starts: a moment, or after a run."""

    label: str
    at: datetime | None = None
    after_run: int | None = None

    def includes(self, run_id: int, started_at: datetime) -> bool:
        """Whether a run falls inside the period."""
        if self.after_run is not None:
            return run_id > self.after_run
        return self.at is None or started_at >= self.at


def parse_since(conn: Connection, text: str | None, as_of: datetime | None) -> Since:
    """``--since``: a date (``2026-12-01``), a run id (``12``: the runs after it) or nothing
    (the last seven days of the store's own time)."""
    if text is None or not text.strip():
        if as_of is None:
            return Since("the beginning")
        start = datetime.combine((as_of - timedelta(days=DEFAULT_DAYS)).date(), datetime.min.time())
        start = start.replace(tzinfo=UTC)
        return Since(f"{start:%Y-%m-%d} ({DEFAULT_DAYS} days before the newest data)", at=start)
    value = text.strip().removeprefix("#")
    if value.isascii() and value.isdigit():
        run = get_run(conn, int(value))
        return Since(f"run #{run.id} ({run.suite_name}, {run.model})", after_run=run.id)
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(
            f"'{text}' is neither a date (YYYY-MM-DD) nor a run id", where="--since"
        ) from exc
    return Since(f"{day:%Y-%m-%d}", at=datetime.combine(day, datetime.min.time(), tzinfo=UTC))
