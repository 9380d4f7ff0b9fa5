"""What the QA benchmarks share: the machine they ran on, CPU time of a process tree, and
rewriting one section of ``benchmarks/RESULTS.md`` in place (others' sections untouched).
"""

from __future__ import annotations

import os
import platform
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import psutil

RESULTS: Final = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    """Cores, CPU model, memory and Python of this machine, in words."""
    mem = psutil.virtual_memory().total / 2**30
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB RAM, {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def load() -> float:
    """The 1-minute load average (how many processes wanted a core, on average)."""
    return os.getloadavg()[0]


def rewrite_section(heading: str, text: str, results: Path = RESULTS) -> None:
    """Put `text` (starting with the line `heading`, a ``## `` heading) in place of the section
    of `results` with that heading, or at its end if it has none; other sections stay as
    they are."""
    assert text.startswith(heading), "the text must start with its heading"
    old = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    lines = old.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == heading), None)
    body = text.rstrip("\n") + "\n"
    if start is None:
        new = old.rstrip("\n") + "\n\n" + body
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        tail = "".join(lines[end:])
        new = "".join(lines[:start]) + body + ("\n" + tail if tail else "")
    results.write_text(new, encoding="utf-8")


@dataclass(frozen=True)
class Took:
    """Wall-clock seconds, and CPU seconds of this process and every process it started."""

    wall: float
    cpu: float


class TreeClock:
    """Times a piece of work done by this process and any processes it starts meanwhile
    (worker pools included), sampling the children's CPU time every 50 ms: a child that ends
    between two samples is counted up to its last sample."""

    def __init__(self) -> None:
        self._me = psutil.Process()
        self._seen: dict[tuple[int, float], float] = {}
        self._start: dict[tuple[int, float], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._wall = time.perf_counter()
        self._cpu = time.process_time()
        self._sample_once(self._start)
        self._thread.start()

    def _sample_once(self, into: dict[tuple[int, float], float]) -> None:
        try:
            children = self._me.children(recursive=True)
        except psutil.Error:
            return
        for child in children:
            try:
                with child.oneshot():
                    times = child.cpu_times()
                    into[(child.pid, child.create_time())] = times.user + times.system
            except psutil.Error:
                continue

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self._sample_once(self._seen)

    def stop(self) -> Took:
        """The time taken since this clock was made."""
        wall = time.perf_counter() - self._wall
        cpu = time.process_time() - self._cpu
        self._sample_once(self._seen)
        self._stop.set()
        self._thread.join()
        children = sum(v - self._start.get(k, 0.0) for k, v in self._seen.items())
        return Took(wall, cpu + children)
