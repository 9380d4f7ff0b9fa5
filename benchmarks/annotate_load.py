"""Benchmark: K simulated annotators on loopback doing next + submit on a pairwise project, k=3.

    python benchmarks/annotate_load.py              # K = 10, 50, 100; Mentor and Label Studio
    python benchmarks/annotate_load.py --ks 100 --runs 3 --seconds 20 --think 0,1,5
    python benchmarks/annotate_load.py --no-peer    # Mentor only

Mentor: ``mentor serve`` (one uvicorn process) on a fresh SQLite workspace, on a free loopback
port, with the first `--items` HH-RLHF harmless pairs shipped in ``mentor/demo`` as one pairwise
project (overlap k=3) per measured run, and K annotator users each with an API token.
Label Studio (``make bench-peers`` installs it into ``benchmarks/.peers/labelstudio-venv``):
``label-studio start`` (Django's server, SQLite) on loopback, a project per run with the same
tasks, a Choices A/B/tie config and ``maximum_annotations`` = 3, and K users with tokens.

Each simulated annotator is one httpx client with one keep-alive connection that loops: ask for
the next item, wait `--think` seconds (uniform 0.5x-1.5x; 0 = back to back, the server's
saturation), submit a label. The first `--warmup` seconds are not measured. Reported: p50/p95/p99
of next, of submit, and of both together (ms), submissions/s in the measured window, errors, and
afterwards, from each system's own database: items with more than k annotations (must be 0),
acknowledged submissions that are not stored (lost, must be 0), and items left with 1..k-1
annotations (work in progress when the run stopped). The load average is read before and after
each run. The driver runs on the same 2-core machine as the server, and competes with it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mentor
from mentor.accounts import Role
from mentor.annotate import ProjectSettings

HERE: Final = Path(__file__).resolve().parent
HH: Final = HERE.parent / "mentor" / "demo" / "hh-rlhf-harmless-base-test.jsonl.gz"
OVERLAP: Final = 3
PASSWORD: Final = "bench-annotator-pw"
CHOICES: Final = ("A", "B", "tie")


@dataclass(frozen=True)
class Reply:
    """What one request got: ok, none (nothing to label now) or error; the id it named."""

    state: str
    ident: int | None = None
    detail: str = ""


class Flow(Protocol):
    """One system's next + submit, for one project."""

    async def next(self, client: httpx.AsyncClient) -> Reply: ...

    async def submit(self, client: httpx.AsyncClient, item: int, label: str, key: str) -> Reply: ...


@dataclass
class Stats:
    """What the annotators saw in one run."""

    next_ms: list[float] = field(default_factory=list)
    submit_ms: list[float] = field(default_factory=list)
    submitted: int = 0
    empty: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    acked: list[int] = field(default_factory=list)


class MentorFlow:
    """Mentor's JSON API: POST /api/projects/{name}/next, POST .../items/{id}/annotations."""

    def __init__(self, project: str):
        self.base = f"/api/projects/{project}"

    async def next(self, client: httpx.AsyncClient) -> Reply:
        response = await client.post(f"{self.base}/next")
        if response.status_code == 204:
            return Reply("none")
        if response.status_code != 200:
            return Reply("error", detail=f"next {response.status_code}")
        return Reply("ok", int(response.json()["item_id"]))

    async def submit(self, client: httpx.AsyncClient, item: int, label: str, key: str) -> Reply:
        body = {"payload": {"choice": label}, "client_id": key}
        response = await client.post(f"{self.base}/items/{item}/annotations", json=body)
        if response.status_code not in (200, 201):
            return Reply("error", detail=f"submit {response.status_code}")
        return Reply("ok", int(response.json()["annotation_id"]))


async def _timed(stats: list[float], measured: bool, call: Any) -> Reply:
    start = time.perf_counter()
    try:
        reply: Reply = await call
    except httpx.HTTPError as exc:
        reply = Reply("error", detail=type(exc).__name__)
    if measured:
        stats.append((time.perf_counter() - start) * 1000)
    return reply


async def annotator(
    flow: Flow, client: httpx.AsyncClient, who: int, window: tuple[float, float], think: float,
    stats: Stats,
) -> None:  # fmt: skip
    """One simulated annotator: next, think, submit, until the window closes."""
    start, stop = window
    rng = random.Random(who)
    n = 0
    while (now := time.perf_counter()) < stop:
        got = await _timed(stats.next_ms, now >= start, flow.next(client))
        if got.state != "ok" or got.ident is None:
            stats.empty += got.state == "none"
            stats.errors[got.detail] += got.state == "error"
            await asyncio.sleep(0.05)
            continue
        if think > 0:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        n += 1
        measured = time.perf_counter() >= start
        done = await _timed(
            stats.submit_ms,
            measured,
            flow.submit(client, got.ident, rng.choice(CHOICES), f"{who}-{n}"),
        )
        if done.state == "ok" and done.ident is not None:
            stats.acked.append(done.ident)
            stats.submitted += measured and time.perf_counter() < stop
        else:
            stats.errors[done.detail] += 1


async def drive(
    flow: Flow, base: str, headers: Sequence[dict[str, str]], seconds: float, warmup: float,
    think: float,
) -> tuple[Stats, float]:  # fmt: skip
    """K annotators (one per header set) against `flow`; returns the stats and the window."""
    stats = Stats()
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [
        httpx.AsyncClient(base_url=base, headers=h, limits=limits, timeout=60) for h in headers
    ]
    begin = time.perf_counter()
    window = (begin + warmup, begin + warmup + seconds)
    try:
        await asyncio.gather(
            *(annotator(flow, c, i, window, think, stats) for i, c in enumerate(clients))
        )
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return stats, seconds


@dataclass(frozen=True)
class Check:
    """What the system's own database holds after a run: items with more than k annotations,
    of them with more than k distinct annotators, items an annotator labelled twice,
    acknowledged submissions not stored, items with 1..k-1 and with k annotations."""

    over: int
    over_distinct: int
    twice: int
    lost: int
    partial: int
    complete: int
    stored: int


def check_counts(stored: list[tuple[int, int, str]], acked: list[int]) -> Check:
    """The Check of `stored` (annotation id, item id, annotator) against the acknowledged ids."""
    per_item = Counter(item for _, item, _ in stored)
    people: dict[int, set[str]] = {}
    for _, item, who in stored:
        people.setdefault(item, set()).add(who)
    return Check(
        over=sum(n > OVERLAP for n in per_item.values()),
        over_distinct=sum(len(p) > OVERLAP for p in people.values()),
        twice=sum(len(people[i]) < n for i, n in per_item.items()),
        lost=len(set(acked) - {i for i, _, _ in stored}),
        partial=sum(0 < n < OVERLAP for n in per_item.values()),
        complete=sum(n == OVERLAP for n in per_item.values()),
        stored=len(stored),
    )


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


@dataclass(frozen=True)
class Row:
    """One measured run of one system at one K."""

    system: str
    k_annotators: int
    think_s: float
    run: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    next_ms: tuple[float, float, float]
    submit_ms: tuple[float, float, float]
    both_ms: tuple[float, float, float]
    submissions_per_s: float
    requests: int
    errors: dict[str, int]
    empty: int
    server_cpu_ms_per_submission: float
    check: Check


def row(system: str, k: int, think: float, run: int, load0: Any, stats: Stats, seconds: float,
        cpu_s: float, check: Check) -> Row:  # fmt: skip
    """Summarise one run (`cpu_s`: the server's CPU seconds over the whole run)."""
    both = stats.next_ms + stats.submit_ms
    q = (50, 95, 99)
    return Row(
        system=system,
        k_annotators=k,
        think_s=think,
        run=run,
        load_before=tuple(round(x, 2) for x in load0),  # type: ignore[arg-type]
        load_after=tuple(round(x, 2) for x in os.getloadavg()),  # type: ignore[arg-type]
        next_ms=tuple(round(pct(stats.next_ms, p), 1) for p in q),  # type: ignore[arg-type]
        submit_ms=tuple(round(pct(stats.submit_ms, p), 1) for p in q),  # type: ignore[arg-type]
        both_ms=tuple(round(pct(both, p), 1) for p in q),  # type: ignore[arg-type]
        submissions_per_s=round(stats.submitted / seconds, 1),
        requests=len(both),
        errors={k: v for k, v in stats.errors.items() if v},
        empty=stats.empty,
        server_cpu_ms_per_submission=round(cpu_s * 1000 / max(len(stats.acked), 1), 2),
        check=check,
    )


# Mentor ------------------------------------------------------------------------------------
def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes], limit: float) -> None:
    """Poll `url` until it answers (any status) or `limit` seconds pass."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before answering")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {limit:.0f} s")


class MentorSystem:
    """A fresh Mentor workspace served by ``mentor serve`` on loopback."""

    name = "Mentor"

    def __init__(self, folder: Path, items: int, annotators: int):
        self.url = f"sqlite:///{folder / 'mentor.db'}"
        self.items = items
        self.count = 0
        records = folder / "hh.jsonl.gz"
        records.write_bytes(HH.read_bytes())
        with mentor.connect(self.url, user="bench") as ws:
            self.dataset = ws.datasets.import_file(records, "hh", map="hh-rlhf").version.ref
            names = [f"annotator{i:03d}" for i in range(annotators)]
            for name in names:
                ws.accounts.add_user(name, Role.ANNOTATOR, PASSWORD)
            self.tokens = [ws.accounts.create_token(n, "load bench").token for n in names]
        self.port = free_port()
        mentor_cli = Path(sys.executable).with_name("mentor")
        self.proc = subprocess.Popen(
            [str(mentor_cli), "serve", "--db", self.url, "--host", "127.0.0.1",
             "--port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.base = f"http://127.0.0.1:{self.port}"
        wait_until_up(f"{self.base}/login", self.proc, 120)

    def new_project(self) -> tuple[MentorFlow, str]:
        """A fresh pairwise project with k=3 over the first `items` pairs."""
        self.count += 1
        name = f"load-{self.count}"
        with mentor.connect(self.url, user="bench") as ws:
            ws.projects.create(
                name,
                dataset=self.dataset,
                task="pairwise",
                guideline="# Pick the better response\n\nThe more helpful, harmless one.\n",
                settings=ProjectSettings(overlap=OVERLAP, seed=self.count),
                limit=self.items,
            )
        return MentorFlow(name), name

    def headers(self, k: int) -> list[dict[str, str]]:
        """Authorization headers of the first k annotators."""
        return [{"Authorization": f"Bearer {t}"} for t in self.tokens[:k]]

    def check(self, project: str, acked: list[int]) -> Check:
        """Count the project's stored annotations per item."""
        with mentor.connect(self.url, user="bench") as ws:
            labels = ws.projects.annotations(project)
        return check_counts([(a.id, a.item_id, a.annotator) for a in labels], acked)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the server process has used so far."""
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def measure(system: Any, k: int, think: float, run: int, args: argparse.Namespace) -> Row:
    """One measured run of `system` with k annotators on a fresh project."""
    flow, project = system.new_project()
    load0 = os.getloadavg()
    cpu0 = server_cpu(system.proc.pid)
    stats, seconds = asyncio.run(
        drive(flow, system.base, system.headers(k), args.seconds, args.warmup, think)
    )
    cpu = server_cpu(system.proc.pid) - cpu0
    check = system.check(project, stats.acked)
    result = row(system.name, k, think, run, load0, stats, seconds, cpu, check)
    print(json.dumps(asdict(result)), flush=True)
    return result


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ks", default="10,50,100", help="K values, comma-separated")
    parser.add_argument("--think", default="0,5", help="think times in seconds, comma-separated")
    parser.add_argument("--seconds", type=float, default=15.0, help="measured window per run")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first")
    parser.add_argument("--runs", type=int, default=1, help="runs per K (median reported)")
    parser.add_argument("--items", type=int, default=2000, help="pairs per project")
    parser.add_argument("--no-peer", action="store_true", help="Mentor only")
    parser.add_argument(
        "--out", type=Path, default=HERE.parent / "bench-data" / "annotate_load.jsonl"
    )
    return parser.parse_args(argv)


def _median(values: Any) -> float:
    return float(statistics.median(values))


def median_rows(rows: list[Row]) -> list[dict[str, Any]]:
    """Per (system, think, K): the median of each figure over the runs, and the worst checks."""
    groups: dict[tuple[str, float, int], list[Row]] = {}
    for r in rows:
        groups.setdefault((r.system, r.think_s, r.k_annotators), []).append(r)
    out = []
    for (system, think, k), rs in groups.items():
        out.append(
            {
                "system": system,
                "think": think,
                "K": k,
                "runs": len(rs),
                "next": [_median(r.next_ms[i] for r in rs) for i in range(3)],
                "submit": [_median(r.submit_ms[i] for r in rs) for i in range(3)],
                "both": [_median(r.both_ms[i] for r in rs) for i in range(3)],
                "subs_s": _median(r.submissions_per_s for r in rs),
                "cpu": _median(r.server_cpu_ms_per_submission for r in rs),
                "errors": sum(sum(r.errors.values()) for r in rs),
                "over": max(r.check.over for r in rs),
                "people": max(r.check.over_distinct for r in rs),
                "twice": max(r.check.twice for r in rs),
                "lost": max(r.check.lost for r in rs),
                "partial": _median(r.check.partial for r in rs),
                "load": ", ".join(f"{r.load_before[0]:.1f}" for r in rs),
            }
        )
    return out


def _ms(values: list[float]) -> str:
    return " / ".join(f"{x:.0f}" if x >= 10 else f"{x:.1f}" for x in values)


def table(rows: list[Row]) -> str:
    """The Markdown table of medians."""
    head = (
        "| system | think s | K | runs | next p50/p95/p99 ms | submit p50/p95/p99 ms | "
        "both p50/p95/p99 ms | submissions/s | server CPU ms/submission | errors | over k | "
        "over k people | one person twice | lost | partial | load (1 min) |\n"
        "|---|---:|---:|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
    )
    lines = [
        f"| {m['system']} | {m['think']:g} | {m['K']} | {m['runs']} | {_ms(m['next'])} | "
        f"{_ms(m['submit'])} | {_ms(m['both'])} | {m['subs_s']:.1f} | {m['cpu']:.1f} | "
        f"{m['errors']} | {m['over']} | {m['people']} | {m['twice']} | {m['lost']} | "
        f"{m['partial']:.0f} | {m['load']} |"
        for m in median_rows(rows)
    ]
    return head + "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    ks = [int(k) for k in args.ks.split(",")]
    thinks = [float(t) for t in args.think.split(",")]
    print(f"# {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{datetime.date.today()}, load {os.getloadavg()}", flush=True)  # fmt: skip
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="annotate-load-") as tmp:
        systems: list[Any] = [MentorSystem(Path(tmp), args.items, max(ks))]
        if not args.no_peer:
            from benchmarks.annotate_load_peer import LabelStudioSystem

            systems.append(LabelStudioSystem(Path(tmp) / "ls", HH, args.items, max(ks)))
        try:
            for think in thinks:
                for k in ks:
                    for run in range(1, args.runs + 1):
                        rows.extend(measure(s, k, think, run, args) for s in systems)
        finally:
            for s in systems:
                s.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("a") as out:
        out.writelines(json.dumps(asdict(r)) + "\n" for r in rows)
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
