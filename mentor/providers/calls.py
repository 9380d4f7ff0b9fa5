"""Calling a provider the patient way: paced, with a timeout, retried with backoff.

Calls start at most `rate` per second; a failed call is retried with exponential backoff and
jitter, waiting as long as a ``Retry-After`` header asks (up to `max_wait_s`); a call that takes
longer than `timeout_s` is abandoned. A call that still fails comes back as an error message,
never as an exception, so one bad answer does not stop a run. The eval runner and ``generate``
both call models through a :class:`Caller`; judges and pre-labelers get a :class:`PatientProvider`
(see :func:`patient`), a provider whose calls go through one, and which raises the final error.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from mentor.errors import InputError
from mentor.providers.base import Completion, GenerationParams, Provider, ScoresChoices
from mentor.providers.errors import ProviderError
from mentor.providers.replay import CURRENT_CASE

T = TypeVar("T")


class RateLimiter:
    """Spaces call starts at least ``1 / rate`` seconds apart (no limit when `rate` is None).

    Each caller reserves the next free slot before sleeping, so concurrent callers queue in order
    instead of bursting together when a slot frees up.
    """

    def __init__(self, rate: float | None):
        if rate is not None and rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate if rate else 0.0
        self._next = 0.0

    async def wait(self) -> None:
        """Return when this caller may start its call."""
        if not self.interval:
            return
        loop = asyncio.get_running_loop()
        moment = loop.time()
        slot = max(moment, self._next)
        self._next = slot + self.interval
        if slot > moment:
            await asyncio.sleep(slot - moment)


def backoff(attempt: int, base_s: float, cap_s: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter for retry number `attempt` (1, 2, ...).

    Half the delay is fixed and half random ("equal jitter"), so retries from many concurrent
    calls spread out but never come back sooner than half the exponential step.
    """
    step = min(cap_s, base_s * 2.0 ** (attempt - 1))
    jitter = rng.uniform(0, step / 2) if rng is not None else random.uniform(0, step / 2)
    return step / 2 + jitter


@dataclass(frozen=True)
class CallPolicy:
    """How patiently to call: pacing, per-call timeout and retries."""

    rate: float | None = None  # requests per second; None: no limit
    timeout_s: float = 120.0
    retries: int = 3  # extra attempts after a retryable failure
    backoff_s: float = 1.0  # first backoff step, doubled each retry
    max_wait_s: float = 120.0  # longest backoff or Retry-After to wait
    timeout_flag: str = "--timeout"  # the setting a timed-out call's message points to ("": none)

    def check(self, concurrency: int, batch_size: int) -> None:
        """Raise InputError naming the flag of an option out of range (with the caller's
        concurrency and store batch size, which every caller of a policy also has)."""
        rules = [
            (concurrency >= 1, "--concurrency", "at least 1"),
            (self.rate is None or self.rate > 0, "--rate", "a positive number of requests/s"),
            (self.timeout_s > 0, "--timeout", "a positive number of seconds"),
            (self.retries >= 0, "--retries", "0 or more"),
            (self.backoff_s >= 0 and self.max_wait_s >= 0, "--backoff", "0 or more seconds"),
            (batch_size >= 1, "batch_size", "at least 1"),
        ]
        for ok, flag, expected in rules:
            if not ok:
                raise InputError(f"must be {expected}", where=flag)


@dataclass(frozen=True)
class Called:
    """What one call came to: the completion, or the error after `attempts` tries."""

    completion: Completion | None
    attempts: int
    error: str | None = None


@dataclass(frozen=True)
class Tried(Generic[T]):
    """What any call came to: its value, or the error (`error` is set) after `attempts` tries."""

    value: T | None
    attempts: int
    error: str | None = None


class Caller:
    """Calls one provider under a :class:`CallPolicy` (one limiter shared by every call)."""

    def __init__(self, provider: Provider, policy: CallPolicy):
        self.provider = provider
        self.policy = policy
        self.limiter = RateLimiter(policy.rate)

    async def call(
        self,
        messages: list[dict[str, Any]],
        params: GenerationParams,
        case_id: str | None = None,
    ) -> Called:
        """Ask the model; retry retryable failures, honouring Retry-After. `case_id` tells a
        replay provider which recorded case is being asked."""
        tried = await self.retried(lambda: self.provider.complete(messages, params), case_id)
        return Called(tried.value, tried.attempts, tried.error)

    async def retried(
        self, ask: Callable[[], Awaitable[T]], case_id: str | None = None
    ) -> Tried[T]:
        """Run `ask()` (one call to the provider) under the policy: paced, timed out, retried
        with backoff while it fails retryably. A failure comes back in the result, never
        raised."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return Tried(await self._attempt(ask, case_id), attempt)
            except ProviderError as exc:
                failure = exc
            except Exception as exc:  # a provider bug must not stop the whole run
                failure = ProviderError(f"{type(exc).__name__}: {exc}")
            if not failure.retryable or attempt > self.policy.retries:
                tries = f" (after {attempt} attempts)" if attempt > 1 else ""
                return Tried(None, attempt, f"{failure}{tries}")
            delay = self._delay(failure, attempt)
            if delay is None:
                return Tried(
                    None,
                    attempt,
                    f"{failure} — the server asked to retry after {failure.retry_after:g} s, "
                    f"longer than the {self.policy.max_wait_s:g} s allowed",
                )
            await asyncio.sleep(delay)

    async def _attempt(self, ask: Callable[[], Awaitable[T]], case_id: str | None) -> T:
        await self.limiter.wait()
        token = CURRENT_CASE.set(case_id)
        try:
            async with asyncio.timeout(self.policy.timeout_s):
                return await ask()
        except TimeoutError as exc:
            flag = f" ({self.policy.timeout_flag})" if self.policy.timeout_flag else ""
            raise ProviderError(
                f"no answer within {self.policy.timeout_s:g} s{flag}", retryable=True
            ) from exc
        finally:
            CURRENT_CASE.reset(token)

    def _delay(self, failure: ProviderError, attempt: int) -> float | None:
        """Seconds to wait before the next attempt; None when Retry-After asks too long."""
        if failure.retry_after is None:
            return backoff(attempt, self.policy.backoff_s, self.policy.max_wait_s)
        return failure.retry_after if failure.retry_after <= self.policy.max_wait_s else None


def _value(tried: Tried[T]) -> T:
    if tried.error is not None or tried.value is None:
        raise ProviderError(tried.error or "the call gave nothing back")
    return tried.value


class PatientProvider:
    """A provider whose every call goes through one :class:`Caller` (paced, timed out, retried
    under `policy`); a call that still fails raises :class:`ProviderError` with the final
    message. Name, model and fingerprint are the wrapped provider's, so runs and resumes see
    the same model. Build one with :func:`patient`."""

    def __init__(self, provider: Provider, policy: CallPolicy):
        self.inner = provider
        self.name = provider.name
        self.model = provider.model
        self.caller = Caller(provider, policy)

    def fingerprint(self) -> dict[str, Any]:
        """The wrapped provider's fingerprint (how it is called is not part of it)."""
        return self.inner.fingerprint()

    async def complete(
        self, messages: list[dict[str, Any]], params: GenerationParams
    ) -> Completion:
        """The wrapped provider's completion, asked patiently."""
        tried = await self.caller.retried(
            lambda: self.inner.complete(messages, params), CURRENT_CASE.get()
        )
        return _value(tried)

    async def aclose(self) -> None:
        """Close the wrapped provider."""
        await self.inner.aclose()


class PatientScorer(PatientProvider):
    """A :class:`PatientProvider` over a provider that scores choices
    (:class:`~mentor.providers.base.ScoresChoices`), whose scoring calls are patient too."""

    def __init__(self, provider: Provider, policy: CallPolicy):
        if not isinstance(provider, ScoresChoices):
            raise TypeError(f"{provider.name}:{provider.model} cannot score choices")
        super().__init__(provider, policy)
        self.scorer: ScoresChoices = provider

    async def choice_probabilities(
        self, messages: list[dict[str, Any]], choices: Sequence[str], params: GenerationParams
    ) -> dict[str, float]:
        """The wrapped provider's choice probabilities, asked patiently."""
        tried = await self.caller.retried(
            lambda: self.scorer.choice_probabilities(messages, choices, params), CURRENT_CASE.get()
        )
        return _value(tried)


def patient(provider: Provider, policy: CallPolicy) -> PatientProvider:
    """`provider` with its calls made under `policy`; it scores choices only if `provider`
    does, so code that checks for :class:`~mentor.providers.base.ScoresChoices` sees the same.
    A provider that is already patient gets the new policy instead of retries within retries."""
    if isinstance(provider, PatientProvider):
        provider = provider.inner
    if isinstance(provider, ScoresChoices):
        return PatientScorer(provider, policy)
    return PatientProvider(provider, policy)
