"""Generations in the store: open one, find one to resume, keep its answers, close it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, select, update

from mentor.errors import NotFoundError
from mentor.providers.base import Completion
from mentor.providers.cache import CacheEntry, ResponseCache, insert_ignoring_duplicates
from mentor.store.audit import aware, now, record_event
from mentor.store.engine import write_transaction
from mentor.store.generation_tables import generation_answers, generations


@dataclass(frozen=True)
class GenerationInfo:
    """One ``mentor generate``: what it asked and how far it got."""

    id: int
    source_ref: str
    out: str
    shape: str
    providers: list[dict[str, Any]]
    params: dict[str, Any]
    samples: int
    seed: int
    prompt_count: int
    status: str
    failed: int
    error: str | None
    version_id: int | None
    created_by: str
    started_at: datetime


@dataclass(frozen=True)
class Answer:
    """One stored answer: sample `sample` of provider `provider` for the prompt at `prompt`."""

    prompt: int
    provider: int
    sample: int
    record_id: str
    seed: int | None
    completion: Completion
    attempts: int
    cached: bool
    latency_s: float | None


def _info(row: Any) -> GenerationInfo:
    m = row._mapping
    return GenerationInfo(
        **{k: m[k] for k in GenerationInfo.__dataclass_fields__ if k != "started_at"},
        started_at=aware(m["started_at"]),
    )


def open_generation(conn: Connection, values: dict[str, Any], actor: str) -> int:
    """Insert a running generation (in the caller's transaction) and audit it."""
    gid = conn.execute(
        generations.insert()
        .values(**values, status="running", failed=0, created_by=actor, started_at=now())
        .returning(generations.c.id)
    ).scalar_one()
    record_event(
        conn,
        actor=actor,
        action="generate.start",
        object_type="generation",
        object_id=str(gid),
        detail={"from": values["source_ref"], "out": values["out"]},
    )
    return int(gid)


def resumable(conn: Connection, key: str) -> GenerationInfo | None:
    """The newest unfinished generation of the request `key`, if any."""
    row = conn.execute(
        select(generations)
        .where(generations.c.request_key == key, generations.c.status != "completed")
        .order_by(generations.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None else _info(row)


def get_generation(conn: Connection, gid: int) -> GenerationInfo:
    """Generation `gid`; NotFoundError when there is none."""
    row = conn.execute(select(generations).where(generations.c.id == gid)).first()
    if row is None:
        raise NotFoundError(f"no generation {gid}")
    return _info(row)


def set_status(conn: Connection, gid: int, status: str, **values: Any) -> None:
    """Mark generation `gid` (finished unless it is running again)."""
    finished = None if status == "running" else now()
    conn.execute(
        update(generations)
        .where(generations.c.id == gid)
        .values(status=status, finished_at=finished, **values)
    )


def answered(conn: Connection, gid: int) -> set[tuple[int, int, int]]:
    """(prompt, provider, sample) of every answer generation `gid` has stored."""
    c = generation_answers.c
    rows = conn.execute(select(c.prompt, c.provider, c.sample).where(c.generation_id == gid))
    return {(r.prompt, r.provider, r.sample) for r in rows}


def load_answers(conn: Connection, gid: int) -> dict[tuple[int, int, int], Answer]:
    """Every stored answer of generation `gid`, by (prompt, provider, sample)."""
    rows = conn.execute(select(generation_answers).where(generation_answers.c.generation_id == gid))
    found = {}
    for r in rows:
        m = dict(r._mapping)
        m.pop("generation_id")
        answer = Answer(**{**m, "completion": Completion(**m["completion"])})
        found[(answer.prompt, answer.provider, answer.sample)] = answer
    return found


class AnswerWriter:
    """Stores answers in small batches as they arrive (a flush on stop keeps what came)."""

    def __init__(self, engine: Engine, gid: int, batch: int):
        self.engine = engine
        self.gid = gid
        self.batch = batch
        self.pending: list[Answer] = []
        self.cached: list[CacheEntry] = []

    def add(self, answer: Answer, entry: CacheEntry | None = None) -> None:
        """Queue one answer (and its cache entry); write the queue once it holds a batch."""
        self.pending.append(answer)
        if entry is not None:
            self.cached.append(entry)
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Write the queued answers."""
        if not self.pending:
            return
        rows = [
            {
                **asdict(a),
                "generation_id": self.gid,
                "completion": orjson.loads(orjson.dumps(asdict(a.completion))),
            }
            for a in self.pending
        ]
        with write_transaction(self.engine) as conn:
            insert_ignoring_duplicates(conn, generation_answers, rows)
            ResponseCache.put(conn, self.cached)
        self.pending, self.cached = [], []
