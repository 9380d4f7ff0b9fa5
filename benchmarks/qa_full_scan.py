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
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
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
    peak_rss: int
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
    peak = processes = 0
    while child.poll() is None:
        rss = 0
        for proc in _tree(root):
            try:
                with proc.oneshot():
                    times = proc.cpu_times()
                    resident = proc.memory_info().rss
                    key = (proc.pid, proc.create_time())
            except psutil.NoSuchProcess:
                continue
            rss += resident
            cpu[key] = times.user + times.system
            own[key] = max(own.get(key, 0), resident)
        peak, processes = max(peak, rss), max(processes, len(cpu))
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
        processes,
        _roles(own, child.pid),
        load_before,
        os.getloadavg()[0],
        result["summary"],
    )
