"""Benchmark: a full health scan (every check but NER) of 1,000,000 records of about 1 KB.

    python benchmarks/qa_full_scan.py                       # 1,000,000 records, 1 run
    python benchmarks/qa_full_scan.py --records 100000 --runs 3
    python benchmarks/qa_full_scan.py --record              # also rewrite its RESULTS.md section

The scan is ``mentor qa scan FILE --findings OUT --json`` in a fresh process, with its default
checks (lint, exact-dup, near-dup, pii, coverage; NER is off by default) and its default
executor (a local pool, one worker per core), over a JSONL file that was never imported.
While it runs, this process samples the whole process tree (the CLI, its forkserver and its
workers) with psutil every 0.1 s: peak RSS is the largest sum of the tree's resident sets
seen (shared pages counted once per process, so an overestimate), CPU seconds are summed over
every process of the tree.

The issue names no peer for this figure. For context, a per-check breakdown is measured in
this process on the first `--breakdown` records: the CPU time of reading the file, and of each
check's per-batch work (``prepare``, where a worker runs it) and corpus-wide work (``absorb``
and ``finish``, in the main process).

Data (written once under ``--out-dir`` and reused): blocks of 10,000 records from
:mod:`benchmarks.qa_synthetic` (near-duplicate families, hard negatives, unique records; SFT
chats of about 1 KB), each block with its own seed; 1% of records are exact copies of an
earlier record of their block under a new id, 5% carry a paragraph from
:mod:`benchmarks.qa_pii` (planted PII and look-alikes) in their assistant turn, and every
record has an intent but no language, so coverage detects the language of all of them.
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import orjson
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RESULTS: Final = Path(__file__).resolve().parent / "RESULTS.md"
SECTION: Final = "## QA: full scan"
SEED: Final = 20261122
BLOCK: Final = 10_000
EXACT_SHARE: Final = 0.01
PII_SHARE: Final = 0.05
INTENTS: Final = ("coding", "writing", "qa", "summarise", "translate", "safety", "math", "chat")
CHECKS: Final = "lint,exact-dup,near-dup,pii,coverage"


# data ---------------------------------------------------------------------------------------
def _block(index: int) -> bytes:
    """The JSONL of block `index` (records ``b{index}-{i}``), the same for the same index."""
    from benchmarks.qa_pii import corpus as pii_corpus
    from benchmarks.qa_synthetic import near_dup_corpus

    rng = random.Random(SEED + index)
    records = near_dup_corpus(BLOCK, seed=SEED + index).records
    pii = iter(pii_corpus(round(BLOCK * PII_SHARE), seed=SEED + index))
    out = []
    for i, rec in enumerate(records):
        rec["id"] = f"b{index:04d}-{i:05d}"
        rec["intent"] = rng.choice(INTENTS)
        if i and rng.random() < EXACT_SHARE:
            copy = json.loads(out[rng.randrange(len(out))])
            rec["messages"] = copy["messages"]
        elif rng.random() < PII_SHARE:
            sample = next(pii, None)
            if sample is not None:
                rec["messages"][-1]["content"] += "\n\n" + sample.text.strip()
        out.append(orjson.dumps(rec).decode())
    return ("\n".join(out) + "\n").encode()


def ensure_data(folder: Path, n: int) -> Path:
    """Write (once) the JSONL of `n` records (whole blocks); later runs reuse it."""
    blocks = -(-n // BLOCK)
    path = folder / f"qa-scan-{blocks * BLOCK}-{SEED}.jsonl"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with (
        tmp.open("wb", buffering=1 << 20) as fh,
        multiprocessing.get_context("spawn").Pool(os.cpu_count() or 1) as pool,
    ):
        for done, chunk in enumerate(pool.imap(_block, range(blocks)), 1):
            fh.write(chunk)
            if done % 10 == 0:
                print(f"# data: {done * BLOCK:,} records", file=sys.stderr)
    tmp.replace(path)
    print(
        f"# wrote {path} ({path.stat().st_size / 1e6:,.0f} MB) in "
        f"{time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return path


def head(path: Path, n: int, folder: Path) -> Path:
    """A file of the first `n` lines of `path` (written once)."""
    out = folder / f"{path.stem}-head-{n}.jsonl"
    if not out.exists():
        tmp = out.with_suffix(f".{os.getpid()}.tmp")
        with path.open("rb") as src, tmp.open("wb") as dst:
            for _, line in zip(range(n), src, strict=False):
                dst.write(line)
        tmp.replace(out)
    return out


# per-check breakdown ------------------------------------------------------------------------
@dataclass(frozen=True)
class Cost:
    """CPU seconds of one part of the scan over the breakdown's records."""

    part: str
    where: str
    cpu: float


def breakdown(path: Path, batch_size: int = 2000) -> tuple[int, list[Cost]]:
    """CPU seconds of reading `path` and of each default check's work on it, in this process
    (serial, batch by batch, as a scan does it)."""
    from mentor.qa.scan import ScanConfig, build_checks
    from mentor.qa.sources import ReadOptions, decode, open_source

    checks = build_checks(ScanConfig(checks=CHECKS), {})
    cpu = {f"{c.name} {step}": 0.0 for c in checks for step in ("prepare", "absorb")}
    read = 0.0
    records = 0
    source = open_source(None, str(path), ReadOptions())  # type: ignore[arg-type]
    batches = source.batches(batch_size)
    while True:
        t = time.process_time()
        batch = next(batches, None)
        read += time.process_time() - t
        if batch is None:
            break
        decoded = decode(batch.records)
        records += len(decoded)
        for check in checks:
            t = time.process_time()
            part = check.prepare(decoded)
            cpu[f"{check.name} prepare"] += time.process_time() - t
            t = time.process_time()
            check.absorb(part)
            cpu[f"{check.name} absorb"] += time.process_time() - t
    for check in checks:
        t = time.process_time()
        check.finish()
        cpu[f"{check.name} absorb"] += time.process_time() - t
    costs = [Cost("read and validate the file", "main process", read)]
    for check in checks:
        costs.append(Cost(check.name, "worker (prepare)", cpu[f"{check.name} prepare"]))
        costs.append(Cost(check.name, "main process (absorb, finish)", cpu[f"{check.name} absorb"]))
    return records, costs


# the scan, in its own process tree -------------------------------------------------------
@dataclass(frozen=True)
class Run:
    """One scan: wall and CPU seconds of the whole tree, its peak RSS, the load around it."""

    wall: float
    cpu: float
    peak_rss: int  # the largest sum of the tree's resident sets (shared pages counted each time)
    peak_pss: int  # the largest sum of their proportional sets (shared pages split): RAM used
    processes: int
    peaks: dict[str, int]  # each process's own peak RSS, by role
    load_before: float
    load_after: float
    summary: dict[str, Any]


def _tree(root: psutil.Process) -> list[psutil.Process]:
    try:
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _roles(own: dict[tuple[int, float], int], root: int) -> dict[str, int]:
    """Peak RSS by role: the CLI process, and the largest of its helpers (forkserver, workers)."""
    helpers = sorted((rss for (pid, _), rss in own.items() if pid != root), reverse=True)
    roles = {"main": next((rss for (pid, _), rss in own.items() if pid == root), 0)}
    for i, rss in enumerate(helpers):
        roles[f"helper {i + 1}"] = rss
    return roles


def scan_once(path: Path, work: Path, executor: str = "local", workers: int | None = None) -> Run:
    """``mentor qa scan`` of `path` in a fresh process, watched until it ends."""
    findings = work / "findings.jsonl"
    findings.unlink(missing_ok=True)
    env = {
        **os.environ,
        "MENTOR_DB": f"sqlite:///{work / 'mentor.db'}",
        "MENTOR_HOME": str(work / "home"),
    }
    command = [
        sys.executable,
        "-m",
        "mentor",
        "qa",
        "scan",
        str(path),
        "--findings",
        str(findings),
        "--executor",
        executor,
        "--json",
        *(["--workers", str(workers)] if workers else []),
    ]
    load_before = os.getloadavg()[0]
    out = (work / "scan.out").open("w+b")
    err = (work / "scan.err").open("w+b")
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=out, stderr=err, env=env)
    root = psutil.Process(child.pid)
    cpu: dict[tuple[int, float], float] = {}  # (pid, create time) -> CPU seconds seen last
    own: dict[tuple[int, float], int] = {}  # (pid, create time) -> its peak RSS
    peak = peak_pss = processes = 0
    ticks = 0
    while child.poll() is None:
        rss = pss = 0
        full = ticks % 5 == 0  # the proportional set is dearer to read: every 0.5 s
        ticks += 1
        for proc in _tree(root):
            try:
                with proc.oneshot():
                    times = proc.cpu_times()
                    resident = proc.memory_info().rss
                    proportional = proc.memory_full_info().pss if full else 0
                    key = (proc.pid, proc.create_time())
            except psutil.NoSuchProcess:
                continue
            rss += resident
            pss += proportional
            cpu[key] = times.user + times.system
            own[key] = max(own.get(key, 0), resident)
        peak, peak_pss, processes = max(peak, rss), max(peak_pss, pss), max(processes, len(cpu))
        time.sleep(0.1)
    wall = time.perf_counter() - started
    # Each process's last sample stands for its CPU time: at most 0.1 s short.
    out.seek(0)
    err.seek(0)
    if child.returncode != 0:
        sys.exit(f"the scan failed ({child.returncode}):\n{err.read().decode()[-4000:]}")
    result = json.loads(out.read())
    return Run(
        wall,
        sum(cpu.values()),
        peak,
        peak_pss,
        processes,
        _roles(own, child.pid),
        load_before,
        os.getloadavg()[0],
        result["summary"],
    )


# report -------------------------------------------------------------------------------------
def _mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"


def _met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def report(args: argparse.Namespace, data: Path, runs: list[Run], costs: list[Cost], n: int) -> str:
    """The section of RESULTS.md: the scan's figures, the breakdown, the targets."""
    from benchmarks.qa_results import machine

    wall = statistics.median(r.wall for r in runs)
    cpu = statistics.median(r.cpu for r in runs)
    rss = max(r.peak_rss for r in runs)
    pss = max(r.peak_pss for r in runs)
    first = runs[0]
    records = first.summary["records"]
    findings = {check: sum(codes.values()) for check, codes in first.summary["by_code"].items()}
    total = sum(c.cpu for c in costs) or 1.0
    lines = [
        SECTION,
        "",
        f"Command: `python benchmarks/qa_full_scan.py --records {args.records} --runs "
        f"{args.runs}`. Date: {datetime.date.today().isoformat()}. Machine: {machine()}.",
        "",
        f"Data: {records:,} records, {data.stat().st_size / 1e6:,.0f} MB of JSONL (written by "
        f"the benchmark: near-duplicate families, hard negatives, {EXACT_SHARE:.0%} exact "
        f"copies, {PII_SHARE:.0%} of records with planted PII and look-alikes, no `language` "
        "field, so every record's language is detected). The scan: `mentor qa scan FILE "
        "--findings OUT --json` in a fresh process, checks "
        f"{CHECKS.replace(',', ', ')} (all the defaults; NER is off by default), the default "
        "executor (a local pool, one worker per core). Memory: the largest sum over the "
        "process tree (the CLI, its forkserver and workers), sampled every 0.1 s (PSS every "
        "0.5 s); RSS counts pages shared between processes once per process, PSS splits "
        "them, so PSS is the RAM the tree uses. CPU seconds: all processes of the tree.",
        "",
        "| run | wall s | records/s | CPU s (all processes) | peak RSS (sum) | peak PSS (sum) "
        "| main process RSS | largest helper RSS | load before / after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i, r in enumerate(runs, 1):
        helpers = [v for k, v in r.peaks.items() if k != "main"]
        lines.append(
            f"| {i} | {r.wall:.1f} | {records / r.wall:,.0f} | {r.cpu:.1f} | {_mb(r.peak_rss)} "
            f"| {_mb(r.peak_pss)} | {_mb(r.peaks.get('main', 0))} | "
            f"{_mb(max(helpers, default=0))} | {r.load_before:.1f} / {r.load_after:.1f} |"
        )
    lines += [
        "",
        "Findings: " + ", ".join(f"{check} {count:,}" for check, count in findings.items()) + ".",
        "",
        f"Per-check cost (CPU time in one process, serial, on the first {n:,} records; a "
        "worker runs `prepare`, the main process reads the file and runs `absorb` and "
        "`finish`):",
        "",
        "| part | where | CPU s | µs per record | share |",
        "|---|---|---:|---:|---:|",
        *(
            f"| {c.part} | {c.where} | {c.cpu:.2f} | {c.cpu / n * 1e6:.1f} | {c.cpu / total:.0%} |"
            for c in costs
        ),
        f"| all | | {total:.2f} | {total / n * 1e6:.1f} | 100% |",
        "",
        "Against the issue's targets (a full scan without NER of 1,000,000 records):",
        "",
        f"- under 5 minutes: {wall:.0f} s wall (median of {len(runs)}), {_met(wall < 300)}"
        f"{'' if records >= 1_000_000 else f' (but only {records:,} records)'}; "
        f"{cpu:.0f} CPU s in all, so the scan had {cpu / wall:.2f} of the machine's "
        f"{os.cpu_count()} cores on average (the 1-minute load average was "
        f"{first.load_before:.1f} when it started).",
        f"- peak memory under 2 GB: {_mb(pss)} of RAM (PSS) and {_mb(rss)} counting shared "
        f"pages in every process (RSS), {_mb(max(r.peaks.get('main', 0) for r in runs))} in "
        f"the main process: {_met(rss < 2e9)} on RSS, {_met(pss < 2e9)} on PSS.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    from benchmarks.qa_results import load, rewrite_section

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="records to scan")
    parser.add_argument("--runs", type=int, default=1, help="scans (the median is reported)")
    parser.add_argument(
        "--breakdown", type=int, default=100_000, help="records for the per-check breakdown"
    )
    parser.add_argument(
        "--out-dir", type=Path, default=Path("bench-data"), help="folder for the data (reused)"
    )
    parser.add_argument(
        "--record", action="store_true", help="rewrite its section of benchmarks/RESULTS.md"
    )
    args = parser.parse_args(argv)
    folder = args.out_dir.resolve()
    data = ensure_data(folder, args.records)
    target = data if args.records % BLOCK == 0 else head(data, args.records, folder)
    runs = []
    with tempfile.TemporaryDirectory(prefix="qa-scan-") as work:
        for i in range(args.runs):
            print(f"# scan {i + 1} of {args.runs} (load {load():.1f})", file=sys.stderr)
            run = scan_once(target, Path(work))
            print(
                f"#   {run.wall:.1f} s, {run.cpu:.1f} CPU s, RSS {_mb(run.peak_rss)}, "
                f"PSS {_mb(run.peak_pss)}",
                file=sys.stderr,
            )
            runs.append(run)
    sample = min(args.breakdown, args.records)
    print(f"# per-check breakdown on {sample:,} records", file=sys.stderr)
    n, costs = breakdown(head(data, sample, folder))
    text = report(args, target, runs, costs, n)
    print(text)
    if args.record:
        rewrite_section(SECTION, text)
        print("rewrote its section of benchmarks/RESULTS.md", file=sys.stderr)


if __name__ == "__main__":
    main()
