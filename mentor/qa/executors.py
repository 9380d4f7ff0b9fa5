"""Where a scan's per-batch work runs: in this process, on a local process pool, or on Ray.

An executor maps ``fn(shared, item)`` over a stream of items and yields the results in the
order of the items, whichever worker finished first. `shared` (the checks) goes to each worker
once; at most `in_flight` items are out at a time (and one more that this process works on
itself), so memory stays bounded however long the stream is. Every executor gives the same
results; only where and how fast differ.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain
from typing import Any, Final, Protocol, TypeVar

from mentor.errors import InputError, MentorError

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

EXECUTORS: Final = ("local", "serial", "ray")
RAY_HINT: Final = "the ray executor needs Ray: pip install 'mentor[ray]'"
PRELOAD: Final = ("mentor.qa.scan", "numpy")


class Executor(Protocol):
    """Runs ``fn(shared, item)`` for each item, possibly elsewhere; results come back in order."""

    name: str

    def map(self, fn: Callable[[S, T], R], shared: S, items: Iterable[T]) -> Iterator[R]:
        """Results of `fn` for each of `items`, in their order."""
        ...


class SerialExecutor:
    """Everything in this process, one item after another (for debugging and tiny inputs)."""

    name = "serial"

    def map(self, fn: Callable[[S, T], R], shared: S, items: Iterable[T]) -> Iterator[R]:
        """Results of `fn` for each of `items`, in their order."""
        for item in items:
            yield fn(shared, item)


# What each pool worker holds, installed once when the worker starts.
_worker: tuple[Callable[[Any, Any], Any], Any] | None = None


def _install(fn: Callable[[Any, Any], Any], shared: Any) -> None:
    global _worker
    _worker = (fn, shared)


def _call(item: Any) -> Any:
    assert _worker is not None, "worker used before it was installed"
    fn, shared = _worker
    return fn(shared, item)


def _default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


class _Done:
    """A result this process worked out itself, waiting its turn behind the workers'."""

    def __init__(self, value: Any):
        self.value = value

    def done(self) -> bool:
        return True

    def result(self) -> Any:
        return self.value


class _Starting:
    """Starts a pool's workers from a thread, so this process can work while they start
    (starting them means waiting for the forkserver to import the checks: about a second)."""

    def __init__(self, pool: ProcessPoolExecutor, workers: int):
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._start, args=(pool, workers), daemon=True)
        self._thread.start()

    def _start(self, pool: ProcessPoolExecutor, workers: int) -> None:
        try:
            for future in [pool.submit(_ready) for _ in range(workers)]:
                future.result()
        except BaseException as exc:  # handed to the main thread
            self.error = exc

    @property
    def ready(self) -> bool:
        """Whether the workers have started (or failed to: the pool then reports it)."""
        return not self._thread.is_alive()

    def join(self) -> None:
        self._thread.join()


def _ready() -> None:
    """A worker's first task: proof that it has started."""


class LocalExecutor:
    """A pool of worker processes on this machine (the default).

    Input of a single item is worked on in this process: starting a pool would cost more than it
    saves. Workers are started with ``forkserver`` so a running progress bar or database
    connection in this process is never copied into them. This process does not sit idle
    while they start, nor while every worker is busy and the oldest result is not back: it
    works on the next item itself (one at a time), so a small input is not slower than
    :class:`SerialExecutor` and a large one gets this process's spare time too.
    """

    name = "local"

    def __init__(
        self,
        workers: int | None = None,
        in_flight: int | None = None,
        preload: tuple[str, ...] = (),
    ):
        self.workers = workers or _default_workers()
        self.in_flight = in_flight or 2 * self.workers
        self.preload = preload

    def map(self, fn: Callable[[S, T], R], shared: S, items: Iterable[T]) -> Iterator[R]:
        """Results of `fn` for each of `items`, in their order."""
        stream = iter(items)
        head = [item for _, item in zip(range(2), stream, strict=False)]
        if len(head) < 2:
            yield from (fn(shared, item) for item in head)
            return
        pool = ProcessPoolExecutor(
            self.workers,
            mp_context=_context(self.preload),
            initializer=_install,
            initargs=(fn, shared),
        )
        starting = _Starting(pool, self.workers)
        pending: deque[Future[R] | _Done] = deque()
        try:
            for item in chain(head, stream):
                while pending and pending[0].done():
                    yield _result(pending.popleft())
                if not starting.ready and not pending:
                    yield fn(shared, item)  # the workers are not up yet: no need to wait
                    continue
                if starting.error is not None:
                    raise _broken(starting.error)
                remote = len(pending) - sum(isinstance(p, _Done) for p in pending)
                if remote < self.in_flight:
                    pending.append(pool.submit(_call, item))
                elif not isinstance(pending[-1], _Done):
                    pending.append(_Done(fn(shared, item)))  # rather than wait
                else:
                    yield _result(pending.popleft())
                    pending.append(pool.submit(_call, item))
            while pending:
                yield _result(pending.popleft())
        finally:
            starting.join()
            pool.shutdown(wait=True, cancel_futures=True)


def _context(preload: tuple[str, ...]) -> multiprocessing.context.BaseContext:
    """Forkserver where there is one: started once per process, it imports the modules the
    workers need (those named by the first pool) once, and every worker forked from it
    starts with them loaded."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(dict.fromkeys((*PRELOAD, *preload))))
    return context


def _broken(exc: BaseException) -> BaseException:
    if not isinstance(exc, BrokenProcessPool):
        return exc
    error = MentorError(
        "a scan worker process died: out of memory, or a script that starts a scan without "
        "`if __name__ == '__main__':` (workers import the main script); try fewer "
        "--workers or --executor serial"
    )
    error.__cause__ = exc
    return error


def _result(future: Future[R] | _Done) -> R:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise _broken(exc) from exc


def _ray_call(payload: tuple[Callable[[Any, Any], Any], Any], item: Any) -> Any:
    fn, shared = payload
    return fn(shared, item)


class RayExecutor:
    """Tasks on a Ray cluster: the one this process is connected to, the one at `address`
    (or ``RAY_ADDRESS``), or else a local Ray runtime started for the scan and stopped after it.
    """

    name = "ray"

    def __init__(
        self, workers: int | None = None, in_flight: int | None = None, address: str | None = None
    ):
        self.workers = workers
        self.in_flight = in_flight or 2 * (workers or _default_workers())
        self.address = address

    def map(self, fn: Callable[[S, T], R], shared: S, items: Iterable[T]) -> Iterator[R]:
        """Results of `fn` for each of `items`, in their order."""
        ray = _import_ray()
        started = not ray.is_initialized()
        if started:
            ray.init(
                address=self.address,
                num_cpus=None if self.address else self.workers,
                include_dashboard=False,
                log_to_driver=False,
            )
        task = ray.remote(_ray_call)
        payload = ray.put((fn, shared))
        pending: deque[Any] = deque()
        try:
            for item in items:
                pending.append(task.remote(payload, item))
                if len(pending) >= self.in_flight:
                    yield ray.get(pending.popleft())
            while pending:
                yield ray.get(pending.popleft())
        finally:
            for ref in pending:
                ray.cancel(ref)
            if started:
                ray.shutdown()


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise InputError(RAY_HINT, where="--executor") from exc
    return ray


def make_executor(
    name: str = "local", workers: int | None = None, preload: tuple[str, ...] = ()
) -> Executor:
    """The executor called `name` (local, serial or ray) with `workers` processes.

    `preload` names modules local workers import before their first task (the checks').
    """
    if workers is not None and workers < 1:
        raise InputError(f"expected at least 1 worker, got {workers}", where="--workers")
    if name == "local":
        return LocalExecutor(workers, preload=preload)
    if name == "serial":
        return SerialExecutor()
    if name == "ray":
        _import_ray()
        return RayExecutor(workers)
    raise InputError(
        f"unknown executor '{name}'; expected one of {', '.join(EXECUTORS)}", where="--executor"
    )
