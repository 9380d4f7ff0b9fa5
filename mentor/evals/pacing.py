"""Pacing model calls: a requests-per-second limit, and how long to wait before a retry."""

from __future__ import annotations

import asyncio
import random


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
