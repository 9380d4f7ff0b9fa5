"""Stored runs: their status and counts, and reading their results back.

Runs are numbered (``mentor eval show 12``); results are read back in suite order, one page at a
time, so a run with many cases never has to fit in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, select, update

from mentor.errors import InputError, NotFoundError
from mentor.evals.cases import Case
from mentor.evals.grades import Grade
from mentor.evals.specs import case_from_dict
from mentor.providers.params import INT64
from mentor.store.audit import aware, now
from mentor.store.eval_tables import eval_cases, eval_grades, eval_results, eval_runs
from mentor.store.ids import is_row_id

PAGE = 500
STATUS_ORDER = ("passed", "failed", "error", "unparsed", "ungraded")  # as in outcomes.py


@dataclass(frozen=True)
class RunInfo:
    """One evaluation run: what ran (suite version, provider, parameters) and how it went."""

    id: int
    suite_name: str
    suite_hash: str
    provider: str
    model: str
    provider_spec: Any
    fingerprint: dict[str, Any]
    params: dict[str, Any]
    options: dict[str, Any]
    graders: dict[str, str]
    judge: dict[str, Any] | None
    status: str
    case_count: int
    counts: dict[str, int]
    note: str
    created_by: str
    started_at: datetime
    finished_at: datetime | None

    @property
    def done(self) -> int:
        """Cases with a stored result."""
        return sum(self.counts.values())

    @property
    def pass_rate(self) -> float | None:
        """passed / (passed + failed); None when no case was judged."""
        judged = self.counts.get("passed", 0) + self.counts.get("failed", 0)
        return self.counts.get("passed", 0) / judged if judged else None


@dataclass(frozen=True)
class ResultRow:
    """One case's stored result: the case, the model's output (or error) and its grades."""

    run_id: int
    case: Case
    position: int
    status: str
    output: str | None
    raw: dict[str, Any]
    error: str | None
    score: float | None
    latency_s: float | None
    prompt_tokens: int | None
    completion_tokens: int | None
    attempts: int
    cached: bool
    grades: tuple[Grade, ...]
    finished_at: datetime

    @property
    def case_id(self) -> str:
        """The case's id."""
        return self.case.id


def run_id_of(ref: int | str) -> int:
    """A run id from ``12`` or ``"12"``."""
    text = str(ref).strip().removeprefix("#")
    if not (text.isascii() and text.isdigit()):
        raise InputError(f"'{ref}' is not a run id; expected a number such as 12", field="run")
    if not is_row_id(int(text)):  # past 64 bits the database cannot even be asked
        raise NotFoundError(f"no evaluation run {text}; `mentor eval runs` lists them")
    return int(text)


def _json_safe(value: Any) -> Any:
    """`value` with each integer past 64 bits as its text: such values were stored before
    parameters were checked, and JSON writers (orjson) refuse them."""
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]:
        return str(value)
    return value


def _info(row: Any) -> RunInfo:
    fields = dict(row._mapping)
    fields.pop("suite_id")
    fields["params"] = _json_safe(fields["params"])
    fields["options"] = _json_safe(fields["options"])
    fields["started_at"] = aware(row.started_at)
    fields["finished_at"] = aware(row.finished_at) if row.finished_at else None
    return RunInfo(**fields)


def get_run(conn: Connection, run_id: int) -> RunInfo:
    """One run; NotFoundError if there is none."""
    row = conn.execute(select(eval_runs).where(eval_runs.c.id == run_id)).first()
    if row is None:
        raise NotFoundError(f"no evaluation run {run_id}; `mentor eval runs` lists them")
    return _info(row)


def list_runs(conn: Connection, *, suite: str | None = None, limit: int = 100) -> list[RunInfo]:
    """The newest runs first, optionally of one suite."""
    query = select(eval_runs).order_by(eval_runs.c.id.desc()).limit(limit)
    if suite is not None:
        query = query.where(eval_runs.c.suite_name == suite)
    return [_info(row) for row in conn.execute(query)]


def suite_id_of_run(conn: Connection, run_id: int) -> int:
    """The stored suite version a run ran."""
    found = conn.execute(select(eval_runs.c.suite_id).where(eval_runs.c.id == run_id)).scalar()
    if found is None:
        raise NotFoundError(f"no evaluation run {run_id}; `mentor eval runs` lists them")
    return int(found)


def status_counts(conn: Connection, run_id: int) -> dict[str, int]:
    """How many of the run's results are in each status."""
    rows = conn.execute(
        select(eval_results.c.state, func.count())
        .where(eval_results.c.run_id == run_id)
        .group_by(eval_results.c.state)
    )
    found = {str(state): int(n) for state, n in rows}
    order = {status: rank for rank, status in enumerate(STATUS_ORDER)}
    return dict(sorted(found.items(), key=lambda item: (order.get(item[0], 99), item[0])))


def set_status(conn: Connection, run_id: int, status: str, *, finished: bool) -> None:
    """Record the run's status (and its counts; the finish time when it stopped)."""
    values: dict[str, Any] = {"status": status, "counts": status_counts(conn, run_id)}
    values["finished_at"] = now() if finished else None
    conn.execute(update(eval_runs).where(eval_runs.c.id == run_id).values(**values))


def _grades(conn: Connection, run_id: int, case_ids: list[str]) -> dict[str, list[Grade]]:
    found: dict[str, list[Grade]] = {c: [] for c in case_ids}
    rows = conn.execute(
        select(eval_grades)
        .where(eval_grades.c.run_id == run_id, eval_grades.c.case_id.in_(case_ids))
        .order_by(eval_grades.c.case_id, eval_grades.c.position)
    )
    for g in rows:
        found[g.case_id].append(
            Grade(g.grader, g.state, g.passed, g.score, g.reason, dict(g.detail), g.version)
        )
    return found


def _result_page(
    conn: Connection, run_id: int, after: int, statuses: tuple[str, ...] | None
) -> list[ResultRow]:
    run = eval_runs.alias("r")
    query = (
        select(eval_results, eval_cases.c.body)
        .join(run, run.c.id == eval_results.c.run_id)
        .join(
            eval_cases,
            and_(
                eval_cases.c.suite_id == run.c.suite_id,
                eval_cases.c.case_id == eval_results.c.case_id,
            ),
        )
        .where(eval_results.c.run_id == run_id, eval_results.c.position > after)
        .order_by(eval_results.c.position)
        .limit(PAGE)
    )
    if statuses:
        query = query.where(eval_results.c.state.in_(statuses))
    rows = conn.execute(query).all()
    grades = _grades(conn, run_id, [r.case_id for r in rows])
    return [
        ResultRow(
            run_id=run_id,
            case=case_from_dict(r.body),
            position=r.position,
            status=r.state,
            output=r.output,
            raw=dict(r.raw),
            error=r.error,
            score=r.score,
            latency_s=r.latency_s,
            prompt_tokens=r.prompt_tokens,
            completion_tokens=r.completion_tokens,
            attempts=r.attempts,
            cached=bool(r.cached),
            grades=tuple(grades[r.case_id]),
            finished_at=aware(r.finished_at),
        )
        for r in rows
    ]


def iter_results(
    engine: Engine, run_id: int, statuses: tuple[str, ...] | None = None
) -> Iterator[ResultRow]:
    """The run's results in suite order, read a page at a time."""
    with engine.connect() as conn:
        get_run(conn, run_id)
    after = 0
    while True:
        with engine.connect() as conn:
            page = _result_page(conn, run_id, after, statuses)
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1].position
