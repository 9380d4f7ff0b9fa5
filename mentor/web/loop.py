"""Workspace calls from async views: on the event loop when the database answers at once.

A trip through the thread pool costs a busy server more CPU than a short SQLite transaction
takes (waking a worker thread, handing the GIL over and back). So a view may run a call on the
loop itself, on SQLite, as long as nothing makes it wait there:

- A write whose lock another request of this process holds gives up before doing anything; the
  loop serves other requests for a moment and tries again. (Sending it to the pool instead would
  keep the lock busy for the next one, and soon every call would take the slow way.)
- A write whose lock another process holds (the CLI, another server) may wait for long: the call
  runs in the pool, where waiting blocks no one.

PostgreSQL answers over the network: its calls always go to the pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Final, TypeVar

from starlette.concurrency import run_in_threadpool

from mentor.store.engine import WouldWait, without_waiting
from mentor.workspace import Workspace

T = TypeVar("T")
# Seconds to let other work run before trying again when this process's writer lock is taken
# (about 0.2 s in all; writes of one request take a millisecond or two).
PAUSES: Final = (0, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1)


async def run(ws: Workspace, call: Callable[[], T]) -> T:
    """`call()`, on the loop when `ws` is on SQLite and its write lock is free (or soon free),
    else in the thread pool. Only for calls safe to start again after WouldWait, which comes
    before a write transaction begins: calls that write in one transaction, or whose earlier
    transactions a second run finds and reuses (the lease an annotator already holds)."""
    if ws.engine.dialect.name == "sqlite":
        for pause in PAUSES:
            try:
                with without_waiting():
                    return call()
            except WouldWait as busy:
                if not busy.here:
                    break
            await asyncio.sleep(pause)
    return await run_in_threadpool(call)
