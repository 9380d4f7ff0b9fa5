"""Benchmark: K simulated annotators on loopback doing next + submit on a pairwise project, k=3.

    python benchmarks/annotate_load.py              # K = 10, 50, 100; Mentor and Label Studio
    python benchmarks/annotate_load.py --ks 100 --runs 3 --seconds 20 --think 0,1,5
    python benchmarks/annotate_load.py --no-peer    # Mentor only
    python benchmarks/annotate_load.py --db postgres --workers 2 --no-peer
    python benchmarks/annotate_load.py --configs sqlite:1,postgres:1,postgres:2 --think 0
    python benchmarks/annotate_load.py --configs postgres:2 --kill-every 10 --ks 100 --think 0
    python benchmarks/annotate_load.py --configs sqlite:1,postgres:2 --compare-with b9620bd --runs 3

Mentor: ``mentor serve`` on a fresh workspace, on a free loopback port, with the first `--items`
HH-RLHF harmless pairs shipped in ``mentor/demo`` as one pairwise project (overlap k=3) per
measured run, and K annotator users each with an API token. Each server configuration of
`--configs` (``DB:WORKERS``, DB = sqlite or postgres; default ``--db``:``--workers``) gets its own
fresh workspace and server, all in the one invocation, so their ratios come from one run. On
PostgreSQL the benchmark starts a throwaway cluster (``benchmarks/pg_cluster.py``: Debian's
initdb/pg_ctl, a temp folder, ``synchronous_commit=off`` like Mentor's SQLite
``synchronous=NORMAL``) and a database per server, and stops it at exit. `--compare-with REV`
also serves every configuration from ``git archive REV`` (same venv, ``PYTHONPATH`` at that
tree; it seeds its own workspace), and runs before and after in turn, so before/after CPU comes
from the same run.
Label Studio (``make bench-peers`` installs it into ``benchmarks/.peers/labelstudio-venv``):
``label-studio start`` (Django's server, SQLite) on loopback, a project per run with the same
tasks, a Choices A/B/tie config and ``maximum_annotations`` = 3, and K users with tokens.

Each simulated annotator is one httpx client with one keep-alive connection that loops: ask for
the next item, wait `--think` seconds (uniform 0.5x-1.5x; 0 = back to back, the server's
saturation), submit a label. Like a real client it retries a request that got no answer (a
connection error) or a 5xx, up to 5 times 0.1 s apart (a submission keeps its client id, which
the server makes idempotent); each failed try counts as an error and each try after it as a
retry. `--kill-every S` kills (SIGKILL) one worker process every S seconds of the measured window,
the oldest first (round robin), and lets uvicorn's supervisor replace it (configurations with
more than one worker only). The first `--warmup` seconds are not measured.

Reported: p50/p95/p99 of next, of submit, and of both together (ms, retries included),
submissions/s in the measured window and its ratio to the first configuration, server CPU per
acknowledged submission (the uvicorn supervisor and all its workers, those killed included) and,
on PostgreSQL, the cluster's own CPU (postmaster and backends) per submission, errors, retries,
kills, and afterwards, from each system's own database: items with more than k annotations (must
be 0), of them with more than k people, items one person labelled twice (must be 0), acknowledged
submissions that are not stored (lost, must be 0), and items left with 1..k-1 annotations (work
in progress when the run stopped). The load average is read before and after each run. The
driver runs on the same 2-core machine as the servers, and competes with them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import functools
import io
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

import httpx
import psutil
import sqlalchemy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.pg_cluster import PgCluster, TreeCpu, exit_on_term

HERE: Final = Path(__file__).resolve().parent
REPO: Final = HERE.parent
HH: Final = REPO / "mentor" / "demo" / "hh-rlhf-harmless-base-test.jsonl.gz"
OVERLAP: Final = 3
PASSWORD: Final = "bench-annotator-pw"
CHOICES: Final = ("A", "B", "tie")
TRIES: Final = 6  # the first and 5 retries
PAUSE: Final = 0.1  # seconds between tries


@dataclass(frozen=True)
class Reply:
    """What one request got: ok, none (nothing to label now) or error; the id it named, and the
    HTTP status (0 when no answer came)."""

    state: str
    ident: int | None = None
    detail: str = ""
    status: int = 0


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
    retries: int = 0
    replays: int = 0
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
            code = response.status_code
            return Reply("error", detail=f"next {code}", status=code)
        return Reply("ok", int(response.json()["item_id"]), status=200)

    async def submit(self, client: httpx.AsyncClient, item: int, label: str, key: str) -> Reply:
        body = {"payload": {"choice": label}, "client_id": key}
        response = await client.post(f"{self.base}/items/{item}/annotations", json=body)
        code = response.status_code
        if code not in (200, 201):
            return Reply("error", detail=f"submit {code}", status=code)
        return Reply("ok", int(response.json()["annotation_id"]), status=code)


async def _tried(stats: Stats, times: list[float], measured: bool,
                 call: Callable[[], Awaitable[Reply]]) -> Reply:  # fmt: skip
    """`call`, tried again after a broken connection or a 5xx (not after a timeout), up to TRIES
    times; the time of all tries. Every failed try counts as an error. A reply's status is 0 for
    a broken connection, -1 for a timeout."""
    start = time.perf_counter()
    for attempt in range(TRIES):
        if attempt:
            stats.retries += 1
            await asyncio.sleep(PAUSE)
        try:
            reply = await call()
        except httpx.TimeoutException as exc:  # no answer in 60 s: the request may still run
            reply = Reply("error", detail=type(exc).__name__, status=-1)
        except httpx.TransportError as exc:  # the connection broke (e.g. a killed worker)
            reply = Reply("error", detail=type(exc).__name__)
        if reply.state != "error":
            break
        stats.errors[reply.detail] += 1
        if not (reply.status == 0 or reply.status >= 500):
            break
    if measured:
        times.append((time.perf_counter() - start) * 1000)
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
        got = await _tried(stats, stats.next_ms, now >= start, lambda: flow.next(client))
        if got.state != "ok" or got.ident is None:
            stats.empty += got.state == "none"
            await asyncio.sleep(0.05)
            continue
        if think > 0:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        n += 1
        measured = time.perf_counter() >= start
        submit = functools.partial(
            flow.submit, client, got.ident, rng.choice(CHOICES), f"{who}-{n}"
        )
        done = await _tried(stats, stats.submit_ms, measured, submit)
        if done.state == "ok" and done.ident is not None:
            stats.acked.append(done.ident)
            stats.replays += done.status == 200  # Mentor: an earlier try was stored
            stats.submitted += measured and time.perf_counter() < stop


async def drive(
    flow: Flow, base: str, headers: Sequence[dict[str, str]], window: tuple[float, float],
    think: float,
) -> Stats:  # fmt: skip
    """K annotators (one per header set) against `flow` until the window closes."""
    stats = Stats()
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [
        httpx.AsyncClient(base_url=base, headers=h, limits=limits, timeout=60) for h in headers
    ]
    try:
        await asyncio.gather(
            *(annotator(flow, c, i, window, think, stats) for i, c in enumerate(clients))
        )
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return stats


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
    """One measured run of one system (and server configuration) at one K."""

    system: str
    config: str
    db: str
    workers: int
    source: str
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
    retries: int
    replays: int
    empty: int
    kills: int
    workers_after: int
    server_cpu_ms_per_submission: float
    pg_cpu_ms_per_submission: float | None
    check: Check


@dataclass(frozen=True)
class Usage:
    """What one run cost: server and database CPU seconds, kills, workers alive afterwards."""

    cpu_s: float
    pg_cpu_s: float | None
    kills: int
    workers_after: int


def row(system: Any, k: int, think: float, run: int, load0: Any, stats: Stats, seconds: float,
        usage: Usage, check: Check) -> Row:  # fmt: skip
    """Summarise one run (CPU over the whole run, warm-up included, per acknowledged submission)."""
    both = stats.next_ms + stats.submit_ms
    q = (50, 95, 99)
    per = 1000 / max(len(stats.acked), 1)
    config: Config = system.config
    return Row(
        system=system.name,
        config=config.label,
        db=config.db,
        workers=config.workers,
        source=system.source,
        k_annotators=k,
        think_s=think,
        run=run,
        load_before=tuple(round(x, 2) for x in load0),
        load_after=tuple(round(x, 2) for x in os.getloadavg()),  # type: ignore[arg-type]
        next_ms=tuple(round(pct(stats.next_ms, p), 1) for p in q),  # type: ignore[arg-type]
        submit_ms=tuple(round(pct(stats.submit_ms, p), 1) for p in q),  # type: ignore[arg-type]
        both_ms=tuple(round(pct(both, p), 1) for p in q),  # type: ignore[arg-type]
        submissions_per_s=round(stats.submitted / seconds, 1),
        requests=len(both),
        errors={k: v for k, v in stats.errors.items() if v},
        retries=stats.retries,
        replays=stats.replays,
        empty=stats.empty,
        kills=usage.kills,
        workers_after=usage.workers_after,
        server_cpu_ms_per_submission=round(usage.cpu_s * per, 2),
        pg_cpu_ms_per_submission=None if usage.pg_cpu_s is None else round(usage.pg_cpu_s * per, 2),
        check=check,
    )


# Mentor ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Config:
    """One server configuration: database, uvicorn workers, and the source revision ('' = this
    working tree)."""

    db: str
    workers: int
    source: str = ""

    @property
    def label(self) -> str:
        return f"{self.db}:{self.workers}" + (f"@{self.source}" if self.source else "")


def parse_configs(text: str) -> list[Config]:
    """``sqlite:1,postgres:2`` as Configs; a bare ``postgres`` means 1 worker."""
    configs = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        db, _, workers = part.partition(":")
        if db not in ("sqlite", "postgres") or not (workers or "1").isdigit():
            raise SystemExit(f"--configs: {part!r} is not DB:WORKERS (DB = sqlite or postgres)")
        configs.append(Config(db, int(workers or "1")))
        if configs[-1].workers < 1 or (db == "sqlite" and configs[-1].workers > 1):
            raise SystemExit(f"--configs: {part!r}: more than 1 worker needs postgres")
    return configs


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


def extract(rev: str, into: Path) -> tuple[Path, str]:
    """``git archive REV`` unpacked under `into`; the folder and the short revision."""
    short = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", rev],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", rev], check=True, capture_output=True
    ).stdout
    folder = into / f"src-{short}"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder, short


# Run with PYTHONPATH at one source tree: seed a workspace, or add a project to it.
WORKSPACE: Final = """
import json, sys
import mentor
from mentor.accounts import Role
from mentor.annotate import ProjectSettings
url, what, args = sys.argv[1], sys.argv[2], sys.argv[3:]
with mentor.connect(url, user="bench") as ws:
    if what == "seed":
        ref = ws.datasets.import_file(args[0], "hh", map="hh-rlhf").version.ref
        names = [f"annotator{i:03d}" for i in range(int(args[1]))]
        for name in names:
            ws.accounts.add_user(name, Role.ANNOTATOR, args[2])
        tokens = [ws.accounts.create_token(n, "load bench").token for n in names]
        print("SEEDED " + json.dumps({"dataset": ref, "tokens": tokens}))
    else:
        name, dataset, items, seed, overlap = args[:5]
        guideline = "# Pick the better response\\n\\nThe more helpful, harmless one.\\n"
        settings = ProjectSettings(overlap=int(overlap), seed=int(seed))
        ws.projects.create(name, dataset=dataset, task="pairwise", guideline=guideline,
                           settings=settings, limit=int(items))
"""
STORED: Final = sqlalchemy.text(
    "SELECT a.id, a.item_id, a.annotator FROM annotations a "
    "JOIN projects p ON p.id = a.project_id WHERE p.name = :name"
)


class MentorSystem:
    """A fresh Mentor workspace (SQLite file or PostgreSQL database) served by ``mentor serve``
    from one source tree on loopback."""

    def __init__(self, folder: Path, config: Config, tree: Path, pg: PgCluster | None,
                 items: int, annotators: int):  # fmt: skip
        self.config, self.tree, self.items, self.count = config, tree, items, 0
        self.name = "Mentor" + (f"@{config.source}" if config.source else "")
        self.source = config.source or "working tree"
        folder.mkdir(parents=True)
        if config.db == "postgres":
            assert pg is not None
            self.url = pg.create_database(f"mentor_{folder.name.replace('-', '_')}")
        else:
            self.url = f"sqlite:///{folder / 'mentor.db'}"
        self.env = {**os.environ, "PYTHONPATH": str(tree), "MENTOR_HOME": str(folder / "home")}
        self.env.pop("MENTOR_DB", None)
        records = folder / "hh.jsonl.gz"
        records.write_bytes(HH.read_bytes())
        seeded = self._workspace("seed", str(records), str(annotators), PASSWORD)
        found = next(x for x in seeded.splitlines() if x.startswith("SEEDED "))
        made = json.loads(found.removeprefix("SEEDED "))
        self.dataset, self.tokens = str(made["dataset"]), list(made["tokens"])
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        many = ["--workers", str(config.workers)] if config.workers > 1 else []
        self.log = (folder / "serve.log").open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mentor", "serve", "--db", self.url, "--host", "127.0.0.1",
             "--port", str(self.port), *many],
            cwd=tree, env=self.env, stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_until_up(f"{self.base}/login", self.proc, 120)
        self.wait_workers(60)

    def _workspace(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", WORKSPACE, self.url, *args],
            cwd=self.tree, env=self.env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"{self.config.label} {args[0]} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def workers(self) -> list[psutil.Process]:
        """The live worker processes (children of the supervisor listening on the port), oldest
        first; none when one process serves (uvicorn runs in the main process then)."""
        if self.config.workers == 1:
            return []
        found = []
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                listening = any(
                    c.status == psutil.CONN_LISTEN and c.laddr.port == self.port
                    for c in child.net_connections(kind="tcp")
                )
                if listening and child.status() != psutil.STATUS_ZOMBIE:
                    found.append(child)
            except psutil.Error:
                continue
        return sorted(found, key=lambda p: p.create_time())

    def wait_workers(self, limit: float) -> int:
        """Wait until all workers listen (or `limit` seconds); how many do (1 process: 1)."""
        if self.config.workers == 1:
            return int(self.proc.poll() is None)
        deadline = time.monotonic() + limit
        while True:
            alive = len(self.workers())
            if alive >= self.config.workers or time.monotonic() > deadline:
                return alive
            if self.proc.poll() is not None:
                return 0
            time.sleep(0.2)

    def meters(self, pg: PgCluster | None) -> tuple[TreeCpu, TreeCpu | None]:
        """CPU meters from now: the server's process tree, and the PostgreSQL cluster's."""
        on_pg = pg is not None and self.config.db == "postgres"
        return TreeCpu(self.proc.pid), pg.cpu_meter() if pg is not None and on_pg else None

    def new_project(self) -> tuple[MentorFlow, str]:
        """A fresh pairwise project with k=3 over the first `items` pairs."""
        self.count += 1
        name = f"load-{self.count}"
        self._workspace("project", name, self.dataset, str(self.items), str(self.count),
                        str(OVERLAP))  # fmt: skip
        return MentorFlow(name), name

    def headers(self, k: int) -> list[dict[str, str]]:
        """Authorization headers of the first k annotators."""
        return [{"Authorization": f"Bearer {t}"} for t in self.tokens[:k]]

    def check(self, project: str, acked: list[int]) -> Check:
        """Count the project's stored annotations per item, read from the database with SQL."""
        engine = sqlalchemy.create_engine(self.url)
        try:
            with engine.connect() as conn:
                rows = conn.execute(STORED, {"name": project}).all()
        finally:
            engine.dispose()
        return check_counts([(int(i), int(item), str(who)) for i, item, who in rows], acked)

    def close(self) -> None:
        children = psutil.Process(self.proc.pid).children(recursive=True)
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.kill()
        self.log.close()


class Killer(threading.Thread):
    """Every `every` seconds of the window, SIGKILL the oldest worker of `system`."""

    def __init__(self, system: MentorSystem, every: float, window: tuple[float, float]):
        super().__init__(daemon=True)
        self.system, self.every, self.window = system, every, window
        self.killed: list[int] = []
        self.done = threading.Event()

    def run(self) -> None:
        at = self.window[0] + self.every
        while at < self.window[1]:
            if self.done.wait(max(0.0, at - time.perf_counter())):
                return
            victims = self.system.workers()
            if victims:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(victims[0].pid, signal.SIGKILL)
                    self.killed.append(victims[0].pid)
            at += self.every


def measure(system: Any, k: int, think: float, run: int, args: argparse.Namespace,
            pg: PgCluster | None) -> Row:  # fmt: skip
    """One measured run of `system` with k annotators on a fresh project."""
    flow, project = system.new_project()
    load0 = os.getloadavg()
    cpu, pg_cpu = system.meters(pg)
    begin = time.perf_counter()
    window = (begin + args.warmup, begin + args.warmup + args.seconds)
    killer = None
    if args.kill_every and isinstance(system, MentorSystem) and system.config.workers > 1:
        killer = Killer(system, args.kill_every, window)
        killer.start()
    try:
        stats = asyncio.run(drive(flow, system.base, system.headers(k), window, think))
    finally:
        if killer is not None:
            killer.done.set()
            killer.join()
    used = cpu.total()
    pg_used = None if pg_cpu is None else pg_cpu.total()
    alive = system.wait_workers(20) if isinstance(system, MentorSystem) else 1
    usage = Usage(used, pg_used, len(killer.killed) if killer else 0, alive)
    check = system.check(project, stats.acked)
    result = row(system, k, think, run, load0, stats, args.seconds, usage, check)
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
    parser.add_argument(
        "--db",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="Mentor's database (without --configs)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="uvicorn workers (without --configs; more than 1 needs postgres)",
    )
    parser.add_argument(
        "--configs",
        default="",
        help="server configurations DB:WORKERS, comma-separated, e.g. "
        "sqlite:1,postgres:1,postgres:2 (each its own server; ratios vs the first)",
    )
    parser.add_argument(
        "--kill-every",
        type=float,
        default=0.0,
        metavar="S",
        help="SIGKILL one worker every S seconds of the window (workers > 1)",
    )
    parser.add_argument(
        "--compare-with",
        default="",
        metavar="REV",
        help="also serve every configuration from this git revision (before/after)",
    )
    parser.add_argument("--no-peer", action="store_true", help="Mentor only")
    parser.add_argument(
        "--out", type=Path, default=HERE.parent / "bench-data" / "annotate_load.jsonl"
    )
    args = parser.parse_args(argv)
    args.configs = parse_configs(args.configs or f"{args.db}:{args.workers}")
    return args


def _median(values: Any) -> float:
    return float(statistics.median(values))


def _summary(rs: list[Row]) -> dict[str, Any]:
    pg = [r.pg_cpu_ms_per_submission for r in rs if r.pg_cpu_ms_per_submission is not None]
    return {
        "system": rs[0].system,
        "config": rs[0].config.split("@")[0],
        "think": rs[0].think_s,
        "K": rs[0].k_annotators,
        "runs": len(rs),
        "next": [_median(r.next_ms[i] for r in rs) for i in range(3)],
        "submit": [_median(r.submit_ms[i] for r in rs) for i in range(3)],
        "both": [_median(r.both_ms[i] for r in rs) for i in range(3)],
        "subs_s": _median(r.submissions_per_s for r in rs),
        "cpu": _median(r.server_cpu_ms_per_submission for r in rs),
        "pg_cpu": _median(pg) if pg else None,
        "errors": sum(sum(r.errors.values()) for r in rs),
        "retries": sum(r.retries for r in rs),
        "kills": sum(r.kills for r in rs),
        "over": max(r.check.over for r in rs),
        "people": max(r.check.over_distinct for r in rs),
        "twice": max(r.check.twice for r in rs),
        "lost": max(r.check.lost for r in rs),
        "partial": _median(r.check.partial for r in rs),
        "load": ", ".join(f"{r.load_before[0]:.1f}" for r in rs),
    }


def median_rows(rows: list[Row]) -> list[dict[str, Any]]:
    """Per (system, config, think, K): the median of each figure over the runs, the worst checks,
    and the throughput as a multiple of the first configuration's (same system, think and K)."""
    groups: dict[tuple[str, str, float, int], list[Row]] = {}
    for r in rows:
        groups.setdefault((r.system, r.config, r.think_s, r.k_annotators), []).append(r)
    out = [_summary(rs) for rs in groups.values()]
    first: dict[tuple[str, float, int], float] = {}
    for m in out:
        base = first.setdefault((m["system"], m["think"], m["K"]), m["subs_s"])
        m["ratio"] = m["subs_s"] / base if base else float("nan")
    return out


def _ms(values: list[float]) -> str:
    return " / ".join(f"{x:.0f}" if x >= 10 else f"{x:.1f}" for x in values)


def table(rows: list[Row]) -> str:
    """The Markdown table of medians."""
    head = (
        "| system | db:workers | think s | K | runs | next p50/p95/p99 ms | "
        "submit p50/p95/p99 ms | both p50/p95/p99 ms | submissions/s | x first config | "
        "server CPU ms/submission | PG CPU ms/submission | errors | retries | kills | over k | "
        "over k people | one person twice | lost | partial | load (1 min) |\n"
        "|---|---|---:|---:|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        "---:|---:|---|\n"
    )
    lines = [
        f"| {m['system']} | {m['config']} | {m['think']:g} | {m['K']} | {m['runs']} | "
        f"{_ms(m['next'])} | {_ms(m['submit'])} | {_ms(m['both'])} | {m['subs_s']:.1f} | "
        f"{m['ratio']:.2f} | {m['cpu']:.1f} | "
        f"{'-' if m['pg_cpu'] is None else format(m['pg_cpu'], '.1f')} | {m['errors']} | "
        f"{m['retries']} | {m['kills']} | {m['over']} | {m['people']} | {m['twice']} | "
        f"{m['lost']} | {m['partial']:.0f} | {m['load']} |"
        for m in median_rows(rows)
    ]
    return head + "\n".join(lines)


def before_after(rows: list[Row]) -> str:
    """Per configuration, think and K: server (+ PG) CPU per submission and throughput of the
    working tree against the older revision, both medians from this run."""
    ms = median_rows(rows)
    old = {(m["config"], m["think"], m["K"]): m for m in ms if "@" in m["system"]}
    lines = []
    for m in ms:
        b = old.get((m["config"], m["think"], m["K"]))
        if m["system"] != "Mentor" or b is None:
            continue
        cpu_b, cpu_a = b["cpu"] + (b["pg_cpu"] or 0), m["cpu"] + (m["pg_cpu"] or 0)
        lines.append(
            f"- {m['config']}, think {m['think']:g} s, K = {m['K']}: CPU ms/submission "
            f"(server + PG) {cpu_b:.1f} -> {cpu_a:.1f} ({cpu_b / max(cpu_a, 1e-9):.1f}x less), "
            f"submissions/s {b['subs_s']:.1f} -> {m['subs_s']:.1f}"
        )
    return "\n".join(lines)


def start_systems(stack: contextlib.ExitStack, tmp: Path, args: argparse.Namespace,
                  ks: list[int]) -> tuple[list[Any], PgCluster | None]:  # fmt: skip
    """Every server the run measures, in the order they take turns, and the cluster if any."""
    configs: list[Config] = args.configs
    pg = stack.enter_context(PgCluster()) if any(c.db == "postgres" for c in configs) else None
    trees = [("", REPO)]
    if args.compare_with:
        folder, short = extract(args.compare_with, tmp)
        trees.insert(0, (short, folder))  # before, then after
    systems: list[Any] = []
    for n, config in enumerate(configs):
        for source, tree in trees:
            c = Config(config.db, config.workers, source)
            alone = " (one process: --kill-every kills nothing here)" * bool(
                args.kill_every and c.workers == 1
            )
            print(f"# starting Mentor {c.label}{alone}", flush=True)
            system = MentorSystem(tmp / f"m{n}-{source or 'tree'}", c, tree, pg, args.items,
                                  max(ks))  # fmt: skip
            stack.callback(system.close)
            systems.append(system)
    if not args.no_peer:
        from benchmarks.annotate_load_peer import LabelStudioSystem

        peer = LabelStudioSystem(tmp / "ls", HH, args.items, max(ks))
        stack.callback(peer.close)
        systems.append(peer)
    return systems, pg


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    ks = [int(k) for k in args.ks.split(",")]
    thinks = [float(t) for t in args.think.split(",")]
    signal.signal(signal.SIGTERM, exit_on_term)
    print(f"# {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{datetime.date.today()}, load {os.getloadavg()}", flush=True)  # fmt: skip
    rows: list[Row] = []
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="annotate-load-")))
        systems, pg = start_systems(stack, tmp, args, ks)
        for think in thinks:
            for k in ks:
                for run in range(1, args.runs + 1):
                    rows.extend(measure(s, k, think, run, args, pg) for s in systems)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("a") as out:
        out.writelines(json.dumps(asdict(r)) + "\n" for r in rows)
    print(table(rows))
    if args.compare_with:
        print(before_after(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
