"""The evaluation runner: ask a model every case of a suite, grade the answers, store the results.

One async core (:func:`run_suite_async`) with a sync front door (:func:`run_suite`). Calls run
`concurrency` at a time, paced to `rate` requests per second; a failed call is retried with
exponential backoff and jitter, waiting as long as a ``Retry-After`` header asks; a call that
takes longer than `timeout_s` is abandoned. A case whose call still fails is stored as an
``error`` result, never as a fail. Results go to the store in small batches as they finish, and a
stopped run can be resumed: cases already answered are not asked again.

A run whose first :func:`stop_after` cases all fail to get an answer (a wrong URL, key or model
name) stops there, ``interrupted``, instead of spending retries on every remaining case.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sqlalchemy import Engine, update

from mentor.errors import ConflictError, InputError
from mentor.evals.cases import Case, CaseSource
from mentor.evals.grades import Grade, Grader
from mentor.evals.outcomes import CaseOutcome
from mentor.evals.runs import get_run, set_status, suite_id_of_run
from mentor.evals.suite_store import StoredSuite, answered_count, iter_stored_cases, save_suite
from mentor.evals.suites import SuiteFile
from mentor.evals.writer import FinishedCase, ResultWriter
from mentor.progress import Progress
from mentor.providers.base import Completion, GenerationParams, Provider
from mentor.providers.cache import CacheEntry, ResponseCache, cache_key, input_hash
from mentor.providers.calls import Caller, CallPolicy
from mentor.providers.params import generation_params
from mentor.providers.storable import storable_completion, storable_text
from mentor.store.audit import now, record_event
from mentor.store.engine import write_transaction
from mentor.store.eval_tables import eval_runs


@dataclass(frozen=True)
class RunOptions:
    """How a run calls the model (stored with the run)."""

    concurrency: int = 8
    rate: float | None = None  # requests per second to the provider; None: no limit
    timeout_s: float = 120.0  # per call
    retries: int = 3  # extra attempts after a retryable failure
    backoff_s: float = 1.0  # first backoff step, doubled each retry
    max_wait_s: float = 120.0  # longest backoff or Retry-After the runner will wait
    use_cache: bool = True
    batch_size: int = 50  # results per store transaction

    def check(self) -> None:
        """Raise InputError naming the flag of an option out of range."""
        self.policy().check(self.concurrency, self.batch_size)

    def policy(self) -> CallPolicy:
        """How each call is paced, timed out and retried."""
        return CallPolicy(self.rate, self.timeout_s, self.retries, self.backoff_s, self.max_wait_s)

    def grade_timeout_s(self) -> float:
        """How long one grader may take: a judge makes up to two calls (a pairwise one asks in
        both orders), each with its own timeout, retries and waits between them."""
        per_call = self.timeout_s * (self.retries + 1) + self.max_wait_s * self.retries
        return 2 * per_call


@dataclass(frozen=True)
class RunPlan:
    """Everything a new run needs: the suite, the model and how to call it."""

    suite: CaseSource  # a Suite in memory, a checked suite file or a stored suite
    provider: Provider
    params: GenerationParams = field(default_factory=GenerationParams)
    options: RunOptions = field(default_factory=RunOptions)
    provider_spec: Any = None  # how to rebuild the provider on resume (a spec string or dict)
    judge: Provider | None = None  # the model LLM-judge graders call
    judge_spec: Any = None  # how to rebuild the judge on resume
    actor: str = "unknown"
    note: str = ""
    source: str | None = None  # the suite's file, if it came from one


def build_graders(
    suite: CaseSource, judge: Provider | None, engine: Engine | None = None
) -> dict[bytes, Grader]:
    """One grader per distinct spec in the suite, built before any call (bad specs fail fast)."""
    from mentor.evals.graders import build_grader

    built: dict[bytes, Grader] = {}
    for spec, case_id in suite.grader_uses():
        try:
            built[spec.key] = build_grader(spec, judge_provider=judge, engine=engine)
        except InputError as exc:
            raise InputError(
                f"case '{case_id}', grader '{spec.label}': {exc.reason}",
                where=suite.place_of(case_id) if isinstance(suite, SuiteFile) else suite.name,
                field=exc.field,
            ) from exc
    return built


class _Execution:
    """The state of one run while it executes: provider, graders, pacing, cache, writer."""

    def __init__(self, engine: Engine, plan: RunPlan, graders: dict[bytes, Grader], fp: Any):
        self.plan = plan
        self.options = plan.options
        self.graders = graders
        self.fingerprint = fp
        self.caller = Caller(plan.provider, plan.options.policy())
        cacheable = getattr(plan.provider, "cacheable", True)
        self.cache = ResponseCache(engine) if plan.options.use_cache and cacheable else None

    async def case(self, position: int, case: Case) -> FinishedCase:
        messages = [dict(m) for m in case.messages]
        key = cache_key(self.fingerprint, self.plan.params, messages) if self.cache else None
        stored = self.cache.get(key) if self.cache and key else None
        entry = None
        completion: Completion | None = stored
        if stored is not None:
            attempts, error, latency = 0, None, stored.latency_s
        else:
            started = time.perf_counter()
            called = await self.caller.call(messages, self.plan.params, case.id)
            attempts, latency = called.attempts, time.perf_counter() - started
            completion, error = _storable(called.completion, called.error)
            if completion is not None:
                latency = completion.latency_s if completion.latency_s is not None else latency
                if key is not None:
                    p = self.plan.provider
                    entry = CacheEntry(key, p.name, p.model, replace(completion, latency_s=latency))
        grades = await self.grade(case, completion) if completion is not None else ()
        return FinishedCase(
            case_id=case.id,
            position=position,
            status=CaseOutcome(case=case, grades=grades, error=error).status,
            completion=completion,
            grades=grades,
            error=error,
            attempts=attempts,
            cached=stored is not None,
            input_hash=input_hash(messages),
            latency_s=latency,
            cache_entry=entry,
        )

    async def grade(self, case: Case, completion: Completion) -> tuple[Grade, ...]:
        """Every grader of the case on `completion`; a grader that breaks gives an error grade."""
        grades: list[Grade] = []
        labels: set[str] = set()
        for spec in case.graders:
            grader = self.graders[spec.key]
            label = spec.label if spec.label not in labels else f"{spec.label}#{len(grades) + 1}"
            labels.add(label)
            version = str(getattr(grader, "version", "1"))
            try:
                async with asyncio.timeout(self.options.grade_timeout_s()):
                    grade = await grader.grade(case, completion)
            except Exception as exc:
                grade = Grade(
                    label, "error", None, None, f"{type(exc).__name__}: {exc}", {}, version
                )
            grades.append(replace(grade, grader=label))
        return tuple(grades)


def _storable(
    completion: Completion | None, error: str | None
) -> tuple[Completion | None, str | None]:
    """The call's answer or error as the store can hold them; an answer that is not text is an
    error (a provider plug-in's bug must not break the batch it is written with)."""
    if completion is not None and not isinstance(completion.text, str):
        kind = type(completion.text).__name__
        return None, f"the provider answered with {kind}, not text"
    if completion is not None:
        return storable_completion(completion), None
    return None, None if error is None else storable_text(error)


def _samples(provider: Provider) -> bool:
    return bool(getattr(provider, "samples", True))


def _open_run(engine: Engine, plan: RunPlan, fp: Any, graders: dict[bytes, Grader]) -> int:
    judge = None
    if plan.judge is not None:
        judge = {"spec": plan.judge_spec, "fingerprint": plan.judge.fingerprint()}
    with write_transaction(engine) as conn:
        suite_id = save_suite(conn, plan.suite, plan.actor, plan.source)
        inserted = conn.execute(
            eval_runs.insert().values(
                suite_id=suite_id,
                suite_name=plan.suite.name,
                suite_hash=plan.suite.content_hash,
                provider=plan.provider.name,
                model=plan.provider.model,
                provider_spec=plan.provider_spec,
                fingerprint=fp,
                # A replay calls no model: parameters it never used are not recorded as used.
                params=asdict(plan.params) if _samples(plan.provider) else {},
                options=asdict(plan.options),
                graders={str(g.name): str(getattr(g, "version", "1")) for g in graders.values()},
                judge=judge,
                status="running",
                case_count=plan.suite.case_count,
                counts={},
                note=plan.note,
                created_by=plan.actor,
                started_at=now(),
            )
        ).inserted_primary_key
        assert inserted is not None
        run_id = int(inserted[0])
        record_event(
            conn,
            actor=plan.actor,
            action="eval.run",
            object_type="eval_run",
            object_id=str(run_id),
            detail={"suite": plan.suite.name, "suite_hash": plan.suite.content_hash, "model": fp},
        )
    return int(run_id)


async def _execute(
    engine: Engine, plan: RunPlan, run_id: int, ex: _Execution, progress: Progress | None
) -> None:
    # The cases come back from the stored suite version a page at a time: the run asks exactly
    # what it recorded, and never holds the whole suite.
    with engine.connect() as conn:
        suite_id = suite_id_of_run(conn, run_id)
        done = answered_count(conn, suite_id, run_id)
    total = plan.suite.case_count
    writer = ResultWriter(engine, run_id, plan.options.batch_size)
    todo = iter_stored_cases(engine, suite_id, unanswered_in=run_id)
    if progress is not None:
        progress(done, total)

    failed = 0  # cases whose call failed
    answered = False  # whether any call of this run got an answer
    limit = stop_after(plan.options.concurrency)
    stopped = False

    async def worker() -> None:
        nonlocal done, failed, answered, stopped
        for position, case in todo:
            if failed >= limit and not answered:
                stopped = True  # this case and the rest stay unasked, for --resume
                return
            finished = await ex.case(position, case)
            await writer.add(finished)
            answered = answered or finished.completion is not None
            failed += finished.completion is None
            done += 1
            if progress is not None:
                progress(done, total)

    status = "interrupted"
    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(min(plan.options.concurrency, max(1, total - done))):
                group.create_task(worker())
        status = "interrupted" if stopped else "completed"
    finally:
        try:
            writer.flush()
        except BaseException:
            status = "interrupted"  # what was queued is lost: --resume asks it again
            raise
        finally:
            with write_transaction(engine) as conn:
                set_status(conn, run_id, status, finished=True)
            await plan.provider.aclose()
            if plan.judge is not None:
                await plan.judge.aclose()


def stop_after(concurrency: int) -> int:
    """How many calls in a row may fail, with none answered yet, before a run stops: two
    rounds of concurrent calls, and at least 10."""
    return max(10, 2 * concurrency)


async def run_suite_async(
    engine: Engine, plan: RunPlan, *, progress: Progress | None = None, resume: int | None = None
) -> int:
    """Run `plan` (or finish run `resume` with it) and return the run id."""
    plan.options.check()
    from mentor.providers.calls import patient

    # Judge calls are paced, timed out and retried like the model's (the fingerprint stays).
    judge = patient(plan.judge, plan.options.policy()) if plan.judge is not None else None
    graders = build_graders(plan.suite, judge, engine)
    if not _samples(plan.provider) and plan.params != GenerationParams():
        raise InputError(
            f"{plan.provider.name} calls no model, so generation parameters have no effect; "
            "leave them out",
            where="--param",
        )
    fp = await asyncio.to_thread(plan.provider.fingerprint)
    if resume is None:
        run_id = _open_run(engine, plan, fp, graders)
    else:
        run_id = resume
        with write_transaction(engine) as conn:
            run = get_run(conn, run_id)
            if run.fingerprint != fp:
                raise ConflictError(
                    f"run {run_id} was made with {run.fingerprint}; resuming it needs the same "
                    f"provider, not {fp}"
                )
            conn.execute(
                update(eval_runs)
                .where(eval_runs.c.id == run_id)
                .values(status="running", finished_at=None)
            )
    await _execute(engine, plan, run_id, _Execution(engine, plan, graders, fp), progress)
    return run_id


def run_suite(
    engine: Engine, plan: RunPlan, *, progress: Progress | None = None, resume: int | None = None
) -> int:
    """Sync front door of :func:`run_suite_async` (not for use inside a running event loop)."""
    return asyncio.run(run_suite_async(engine, plan, progress=progress, resume=resume))


def resume_plan(
    engine: Engine, run_id: int, base: RunPlan, options: RunOptions | None = None
) -> RunPlan:
    """`base` with the suite and parameters run `run_id` was started with, and its options
    unless `options` overrides them."""
    with engine.connect() as conn:
        run = get_run(conn, run_id)
        suite_id = suite_id_of_run(conn, run_id)
    return replace(
        base,
        suite=StoredSuite.load(engine, suite_id),
        params=generation_params(run.params, where=f"run {run_id}'s parameters"),
        options=options or RunOptions(**run.options),
        provider_spec=run.provider_spec,
    )
