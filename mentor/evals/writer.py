"""Streaming results into the store as cases finish, a small batch per transaction.

The runner hands each finished case to :class:`ResultWriter` and forgets it; the writer keeps at
most one batch in memory, so a run's memory does not grow with its number of cases.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete

from mentor.evals.grades import Grade
from mentor.providers.base import Completion
from mentor.providers.cache import CacheEntry, ResponseCache
from mentor.providers.storable import storable_json, storable_text
from mentor.store.audit import now
from mentor.store.engine import write_transaction
from mentor.store.eval_tables import eval_grades, eval_results


@dataclass(frozen=True)
class FinishedCase:
    """What the runner learnt about one case, ready to be stored."""

    case_id: str
    position: int
    status: str
    completion: Completion | None
    grades: tuple[Grade, ...]
    error: str | None
    attempts: int
    cached: bool
    input_hash: str
    latency_s: float | None
    cache_entry: CacheEntry | None = None


def _score(grades: tuple[Grade, ...]) -> float | None:
    scores = [g.score for g in grades if g.state == "graded" and g.score is not None]
    return sum(scores) / len(scores) if scores else None


def result_row(run_id: int, done: FinishedCase) -> dict[str, Any]:
    """The eval_results row of one finished case."""
    c = done.completion
    return {
        "run_id": run_id,
        "case_id": done.case_id,
        "position": done.position,
        "state": done.status,
        "output": storable_text(c.text) if c is not None else None,
        "raw": storable_json(c.raw) if c is not None else {},
        "error": None if done.error is None else storable_text(done.error),
        "score": _score(done.grades),
        "latency_s": done.latency_s,
        "prompt_tokens": c.prompt_tokens if c is not None else None,
        "completion_tokens": c.completion_tokens if c is not None else None,
        "attempts": done.attempts,
        "cached": done.cached,
        "input_hash": done.input_hash,
        "finished_at": now(),
    }


def grade_rows(run_id: int, done: FinishedCase) -> list[dict[str, Any]]:
    """The eval_grades rows of one finished case."""
    return [
        {
            "run_id": run_id,
            "case_id": done.case_id,
            "grader": g.grader,
            "position": position,
            "state": g.state,
            "passed": g.passed,
            "score": g.score,
            "reason": storable_text(g.reason),
            "detail": storable_json(g.detail),
            "version": g.version,
        }
        for position, g in enumerate(done.grades)
    ]


class ResultWriter:
    """Buffers finished cases and writes them `batch_size` at a time, or after `max_delay_s`
    for slow models, so a result is in the store (and survives a crash) soon after it is done."""

    def __init__(self, engine: Engine, run_id: int, batch_size: int = 50, max_delay_s: float = 1.0):
        self.engine = engine
        self.run_id = run_id
        self.batch_size = max(1, batch_size)
        self.max_delay_s = max_delay_s
        self.written = 0
        self._pending: list[FinishedCase] = []
        self._lock = asyncio.Lock()
        self._last = time.monotonic()

    async def add(self, done: FinishedCase) -> None:
        """Queue one case; writes the batch when it is full or has waited long enough."""
        self._pending.append(done)
        due = time.monotonic() - self._last >= self.max_delay_s
        if len(self._pending) >= self.batch_size or (due and not self._lock.locked()):
            async with self._lock:
                batch, self._pending = self._pending, []
                self._last = time.monotonic()
                await asyncio.to_thread(self._write, batch)

    def flush(self) -> None:
        """Write whatever is queued, now (also used while the run is being cancelled)."""
        batch, self._pending = self._pending, []
        self._write(batch)

    def _write(self, batch: list[FinishedCase]) -> None:
        if not batch:
            return
        ids = [d.case_id for d in batch]
        with write_transaction(self.engine) as conn:
            self._replace(conn, ids)
            conn.execute(eval_results.insert(), [result_row(self.run_id, d) for d in batch])
            grades = [row for d in batch for row in grade_rows(self.run_id, d)]
            if grades:
                conn.execute(eval_grades.insert(), grades)
            ResponseCache.put(conn, [d.cache_entry for d in batch if d.cache_entry is not None])
        self.written += len(batch)

    def _replace(self, conn: Connection, case_ids: list[str]) -> None:
        # A resumed run overwrites the errored results it retries.
        for table in (eval_grades, eval_results):
            conn.execute(
                delete(table).where(table.c.run_id == self.run_id, table.c.case_id.in_(case_ids))
            )
