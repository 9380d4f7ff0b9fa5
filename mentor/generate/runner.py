"""Asking the providers: every missing (prompt, provider, sample) answer, stored as it arrives.

Calls go through :class:`mentor.providers.calls.Caller` (pacing, timeouts, retries with backoff,
``Retry-After``) and the response cache, `concurrency` at a time. Answers already stored are
never asked again, so a stopped generation resumes where it was.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine

from mentor.generate.generations import Answer, AnswerWriter, answered
from mentor.generate.prompts import Prompt
from mentor.generate.request import GenerateRequest
from mentor.progress import Progress
from mentor.providers.base import Completion, Provider
from mentor.providers.cache import CacheEntry, ResponseCache, cache_key
from mentor.providers.calls import Caller
from mentor.providers.storable import storable_completion


@dataclass(frozen=True)
class Model:
    """A provider as the generation uses it: the spec it was given and its fingerprint."""

    spec: Any
    provider: Provider
    fingerprint: dict[str, Any]

    def describe(self) -> dict[str, Any]:
        """What the generation stores about this model."""
        p = self.provider
        return {
            "spec": self.spec,
            "provider": p.name,
            "model": p.model,
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True)
class Outcome:
    """How the asking went: answers stored in all, and the calls that failed."""

    total: int
    failed: int
    first_error: str | None


class _Asking:
    """Calls one answer at a time through the cache and each provider's caller."""

    def __init__(self, engine: Engine, models: list[Model], req: GenerateRequest):
        self.models = models
        self.req = req
        self.callers = [Caller(m.provider, req.options.policy()) for m in models]
        self.cache = ResponseCache(engine) if req.options.use_cache else None

    async def ask(self, prompt: Prompt, index: int, sample: int) -> tuple[Answer | None, Any]:
        """(answer, cache entry to store) or (None, error message)."""
        model, params = self.models[index], self.req.params_for(sample)
        cacheable = self.cache is not None and getattr(model.provider, "cacheable", True)
        key = cache_key(model.fingerprint, params, prompt.messages) if cacheable else None
        stored = self.cache.get(key) if self.cache is not None and key else None
        entry = None
        if stored is not None:
            completion, attempts, latency = stored, 0, stored.latency_s
        else:
            started = time.perf_counter()
            called = await self.callers[index].call(prompt.messages, params, prompt.record_id)
            if called.completion is None:
                return None, called.error
            completion, attempts = called.completion, called.attempts
            if not _has_text(completion):
                return None, (
                    "the model answered with no text (finish reason "
                    f"{completion.finish_reason or 'not given'}); an empty candidate is not kept"
                )
            completion = storable_completion(completion)
            latency = completion.latency_s or time.perf_counter() - started
            if key is not None:
                p = model.provider
                entry = CacheEntry(key, p.name, p.model, replace(completion, latency_s=latency))
        answer = Answer(
            prompt.position,
            index,
            sample,
            prompt.record_id,
            params.seed,
            completion,
            attempts,
            stored is not None,
            latency,
        )
        return answer, entry


def _has_text(completion: Completion) -> bool:
    return isinstance(completion.text, str) and bool(completion.text.strip())


def _todo(
    prompts: list[Prompt], models: int, samples: int, done: set[tuple[int, int, int]]
) -> Iterator[tuple[Prompt, int, int]]:
    for prompt in prompts:
        for index in range(models):
            for sample in range(samples):
                if (prompt.position, index, sample) not in done:
                    yield prompt, index, sample


async def ask_all(
    engine: Engine,
    gid: int,
    prompts: list[Prompt],
    models: list[Model],
    req: GenerateRequest,
    progress: Progress | None,
) -> Outcome:
    """Ask for every answer generation `gid` has not stored yet; store them as they come."""
    with engine.connect() as conn:
        stored = answered(conn, gid)
    total = len(prompts) * len(models) * req.samples
    todo = _todo(prompts, len(models), req.samples, stored)
    missing = total - len(stored)
    asking = _Asking(engine, models, req)
    writer = AnswerWriter(engine, gid, req.options.batch_size)
    errors: list[str] = []
    done = len(stored)
    if progress is not None:
        progress(done, total)

    async def worker() -> None:
        nonlocal done
        for prompt, index, sample in todo:
            answer, extra = await asking.ask(prompt, index, sample)
            if answer is None:
                errors.append(f"{prompt.record_id}, {models[index].provider.name}: {extra}")
            else:
                writer.add(answer, extra)
            done += 1
            if progress is not None:
                progress(done, total)

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(min(req.options.concurrency, missing)):
                group.create_task(worker())
    except BaseExceptionGroup as group:
        if len(group.exceptions) == 1:
            raise group.exceptions[0] from None
        raise
    finally:
        writer.flush()
    return Outcome(total, len(errors), errors[0] if errors else None)
