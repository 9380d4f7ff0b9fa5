"""Benchmark: import and export a large JSONL with Mentor and, side by side, with HF ``datasets``.

    python benchmarks/import_export.py                          # 1,000,000 records, 3 runs
    python benchmarks/import_export.py --records 20000 --runs 1  # smoke test

Each measurement runs in a fresh subprocess, so the peak RSS reported is that process's own (its
``ru_maxrss``, plus that of any worker processes it started), and so is the CPU time (user +
system seconds of the process and its workers while the operation ran): on a shared machine the
CPU time per record is steadier than the wall time. Figures are medians over the runs.
Mentor imports into SQLite (``ws.datasets.import_file``) and exports with
``ws.datasets.export``; the peer is ``datasets.load_dataset("json")`` + ``save_to_disk`` and
``Dataset.to_json`` / ``to_parquet``, with a fresh cache folder every run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

SEED = 20261122
DATASET = "bench"
_PROSE = (
    "the model should answer clearly and cite the source when it is unsure about a fact that "
    "matters to the user please explain step by step how to configure a reverse proxy with tls "
    "termination write a short poem about autumn rain summarise this article in three bullet "
    "points translate the following paragraph into french compare python and rust for data "
    "pipelines what are the side effects of ibuprofen refuse politely because that request could "
    "hurt someone here is a safer alternative the function returns none when the list is empty "
    "consider an index on the column used in the join gradient descent converges when the "
    "learning rate is small enough"
)
_WORDS = [
    *_PROSE.split(),
    "café",
    "naïve",
    "Straße",
    "数据集",
    "モデル",
    "données",
    "😀",
    "→",
    "x²",
]
_WORDS.append("`code`")
_INTENTS = ("coding", "writing", "qa", "summarise", "translate", "safety", "math", "chitchat")
_LANGUAGES = ("en", "en", "en", "fr", "de", "es", "ja", "zh")
_TAGS = ("synthetic", "reviewed", "hard", "multi-turn", "tooling", "long", "short", "gold")


# data ---------------------------------------------------------------------------------------
def _text(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(_WORDS, k=rng.randint(low, high))
    sentences, start = [], 0
    while start < len(words):
        end = start + rng.randint(6, 18)
        sentences.append(" ".join(words[start:end]).capitalize() + rng.choice(".?!."))
        start = end
    return " ".join(sentences)


def _record(rng: random.Random, i: int) -> dict[str, Any]:
    """An SFT chat (70%) or a preference pair (30%), about 1 KB of JSON."""
    if rng.random() < 0.7:
        return {
            "id": f"sft-{i:08d}",
            "messages": [
                {"role": "system", "content": _text(rng, 8, 22)},
                {"role": "user", "content": _text(rng, 12, 50)},
                {"role": "assistant", "content": _text(rng, 50, 135)},
            ],
            "intent": rng.choice(_INTENTS),
            "language": rng.choice(_LANGUAGES),
            "tags": rng.sample(_TAGS, rng.randint(1, 3)),
        }
    return {
        "id": f"pref-{i:08d}",
        "prompt": [{"role": "user", "content": _text(rng, 12, 45)}],
        "chosen": [{"role": "assistant", "content": _text(rng, 35, 85)}],
        "rejected": [{"role": "assistant", "content": _text(rng, 25, 75)}],
    }


def records(n: int) -> Iterator[bytes]:
    """The first `n` benchmark records as JSONL lines; a smaller `n` gives a prefix."""
    rng = random.Random(SEED)
    for i in range(n):
        yield json.dumps(_record(rng, i), ensure_ascii=False).encode() + b"\n"


def ensure_data(folder: Path, n: int) -> Path:
    """Write (once) the JSONL of `n` records; later runs reuse it."""
    path = folder / f"records-{n}-{SEED}.jsonl"
    if not path.exists():
        started = time.perf_counter()
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb", buffering=1 << 20) as fh:
            fh.writelines(records(n))
        tmp.replace(path)
        print(
            f"# wrote {path} ({path.stat().st_size / 1e6:,.0f} MB) in "
            f"{time.perf_counter() - started:.0f}s",
            file=sys.stderr,
        )
    return path


# measurements, each in its own process ------------------------------------------------------
def _cpu() -> float:
    own, workers = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


@contextlib.contextmanager
def _timed(a: dict[str, Any]) -> Iterator[None]:
    """Put the wall and CPU seconds of the block into `a`."""
    wall, cpu = time.perf_counter(), _cpu()
    yield
    a["wall"], a["cpu"] = time.perf_counter() - wall, _cpu() - cpu


def _mentor_import(a: dict[str, Any]) -> int:
    import mentor

    for suffix in ("", "-wal", "-shm"):
        Path(a["db"] + suffix).unlink(missing_ok=True)
    if a.get("page_size"):  # an empty database with other pages; Mentor then builds it as usual
        with contextlib.closing(sqlite3.connect(a["db"])) as db:
            db.execute(f"PRAGMA page_size={int(a['page_size'])}")
            db.execute("VACUUM")
    with mentor.connect(f"sqlite:///{a['db']}", home=Path(a["home"])) as ws, _timed(a):
        return ws.datasets.import_file(a["data"], DATASET).imported


def _mentor_export(a: dict[str, Any]) -> int:
    import mentor

    with mentor.connect(f"sqlite:///{a['db']}", home=Path(a["home"])) as ws, _timed(a):
        return ws.datasets.export(f"{DATASET}@v1", a["format"], a["out"]).written


def _peer_import(a: dict[str, Any]) -> int:
    import datasets

    datasets.disable_progress_bars()
    with _timed(a):
        ds = datasets.load_dataset(
            "json", data_files=a["data"], cache_dir=a["cache"], split="train"
        )
        ds.save_to_disk(a["out"])
    return len(ds)


def _peer_export(a: dict[str, Any]) -> int:
    import datasets

    datasets.disable_progress_bars()
    with _timed(a):
        ds = datasets.load_from_disk(a["saved"])
        if a["format"] == "jsonl":
            ds.to_json(a["out"])
        else:
            ds.to_parquet(a["out"])
    return len(ds)


TASKS: dict[str, Callable[[dict[str, Any]], int]] = {
    "mentor-import": _mentor_import,
    "mentor-export": _mentor_export,
    "peer-import": _peer_import,
    "peer-export": _peer_export,
}


def child(task: str, spec: str) -> None:
    """Run one measurement and print it as JSON: wall and CPU seconds, records, peak RSS in MB."""
    args = json.loads(spec)
    count = TASKS[task](args)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures = {"wall": args["wall"], "cpu": args["cpu"], "records": count}
    print(json.dumps({**figures, "rss_mb": (own + workers) / 1024}))


def measure(task: str, **args: Any) -> dict[str, float]:
    """Run `task` in a fresh interpreter and return its figures."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    done = subprocess.run(
        [sys.executable, __file__, "--child", task, json.dumps(args)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"{task} failed:\n{done.stderr[-4000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    result["rate"] = result["records"] / result["wall"]
    result["cpu_us"] = result["cpu"] / result["records"] * 1e6
    print(
        f"#   {task:<14} {args.get('format', ''):<8} {result['wall']:7.1f}s "
        f"{result['rate']:>9,.0f} rec/s  {result['cpu_us']:5.1f} CPU us/rec "
        f"{result['rss_mb']:6,.0f} MB",
        file=sys.stderr,
    )
    return result


def _fresh(path: Path) -> Path:
    if path.is_dir():
        shutil.rmtree(path)
    path.unlink(missing_ok=True)
    return path


def one_run(
    work: Path, data: Path, small: Path, page_size: int | None
) -> dict[str, dict[str, float]]:
    """Every measurement once, Mentor and the peer interleaved on the same file."""
    db, home = str(work / "mentor.db"), str(work / "home")
    out: dict[str, dict[str, float]] = {}
    if page_size:
        out["mentor import pages"] = measure(
            "mentor-import", data=str(data), db=db, home=home, page_size=page_size
        )
        target = str(_fresh(work / "mentor-export.jsonl"))
        out["mentor export pages"] = measure(
            "mentor-export", db=db, home=home, format="jsonl", out=target
        )
        _fresh(Path(target))
    out["mentor import"] = measure("mentor-import", data=str(data), db=db, home=home)
    for fmt in ("jsonl", "parquet"):
        target = str(_fresh(work / f"mentor-export.{fmt}"))
        out[f"mentor export {fmt}"] = measure(
            "mentor-export", db=db, home=home, format=fmt, out=target
        )
        _fresh(Path(target))
    saved = str(_fresh(work / "peer-saved"))
    out["peer import"] = measure(
        "peer-import", data=str(data), out=saved, cache=str(_fresh(work / "peer-cache"))
    )
    for fmt in ("jsonl", "parquet"):
        target = str(_fresh(work / f"peer-export.{fmt}"))
        out[f"peer export {fmt}"] = measure("peer-export", saved=saved, format=fmt, out=target)
        _fresh(Path(target))
    _fresh(work / "peer-cache")
    _fresh(Path(saved))
    out["mentor import small"] = measure("mentor-import", data=str(small), db=db, home=home)
    for suffix in ("", "-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    return out


# report -------------------------------------------------------------------------------------
def _median(runs: list[dict[str, dict[str, float]]], key: str, field: str) -> float:
    return statistics.median(r[key][field] for r in runs)


_FIELDS = ("wall", "rate", "cpu_us", "rss_mb")


def _cells(runs: list[dict[str, dict[str, float]]], key: str) -> tuple[dict[str, float], str]:
    m = {f: _median(runs, key, f) for f in _FIELDS}
    return m, f"{m['wall']:.1f} | {m['rate']:,.0f} | {m['cpu_us']:.1f} | {m['rss_mb']:,.0f}"


def _row(runs: list[dict[str, dict[str, float]]], label: str, ours: str, peer: str) -> str:
    (m, mine), (p, theirs) = _cells(runs, ours), _cells(runs, peer)
    return f"| {label} | {mine} | {theirs} | {m['rate'] / p['rate']:.2f}x |"


def _ours(runs: list[dict[str, dict[str, float]]], label: str, key: str) -> str:
    return f"| {label} | {_cells(runs, key)[1]} | | | | | |"


def report(
    runs: list[dict[str, dict[str, float]]], n: int, small: int, size: int, page_size: int | None
) -> str:
    """The Markdown table of medians, with the machine it ran on."""
    import datasets
    import pyarrow
    import sqlalchemy

    small_key = "mentor import small"
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    lines = [
        f"{n:,} records ({size / 1e6:,.0f} MB of JSONL), median of {len(runs)} run(s), "
        f"{datetime.date.today().isoformat()}; {os.cpu_count()} cores, {mem:.0f} GB RAM, "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"SQLite {__import__('sqlite3').sqlite_version}, SQLAlchemy {sqlalchemy.__version__}, "
        f"datasets {datasets.__version__}, pyarrow {pyarrow.__version__}.",
        "",
        "| operation | Mentor s | Mentor rec/s | Mentor CPU µs/rec | Mentor peak RSS MB "
        "| peer s | peer rec/s | peer CPU µs/rec | peer peak RSS MB | Mentor/peer speed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        _row(
            runs,
            "import (Mentor: SQLite; peer: load_dataset + save_to_disk)",
            "mentor import",
            "peer import",
        ),
        _row(runs, "export to JSONL (peer: to_json)", "mentor export jsonl", "peer export jsonl"),
        _row(
            runs,
            "export to Parquet (peer: to_parquet)",
            "mentor export parquet",
            "peer export parquet",
        ),
        *(
            [
                _ours(
                    runs,
                    f"import, database made with {page_size}-byte pages",
                    "mentor import pages",
                ),
                _ours(runs, f"export to JSONL, {page_size}-byte pages", "mentor export pages"),
            ]
            if page_size
            else []
        ),
        "",
        f"Bounded memory: Mentor import peak RSS {_median(runs, small_key, 'rss_mb'):,.0f} MB at "
        f"{small:,} records vs {_median(runs, 'mentor import', 'rss_mb'):,.0f} MB at {n:,}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=1_000_000, help="records in the file")
    parser.add_argument("--runs", type=int, default=3, help="runs to take the median of")
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=Path("bench-data"),
        help="folder for the data, databases and exports (reused)",
    )
    parser.add_argument(
        "--page-size",
        type=int,
        help="also import and export with a database made with SQLite pages of this many bytes "
        "(Mentor makes new databases with 16384-byte pages)",
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    args.out_dir.mkdir(parents=True, exist_ok=True)
    data = ensure_data(args.out_dir.resolve(), args.records)
    small_n = max(args.records // 4, 1)
    small = ensure_data(args.out_dir.resolve(), small_n)
    # Databases, exports and the peer's caches go in a folder of this invocation's own, so two
    # invocations cannot collide; only the input files are shared (written under a temporary
    # name, then renamed).
    work = Path(tempfile.mkdtemp(prefix="run-", dir=args.out_dir.resolve()))
    os.environ["HF_HOME"] = str(work / "hf-home")
    runs, load = [], os.getloadavg()[0]
    try:
        for i in range(args.runs):
            print(f"# run {i + 1} of {args.runs}", file=sys.stderr)
            runs.append(one_run(work, data, small, args.page_size))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(report(runs, args.records, small_n, data.stat().st_size, args.page_size))
    print(f"\nLoad average (1 min) before the runs {load:.2f}, after {os.getloadavg()[0]:.2f}.")


if __name__ == "__main__":
    main()
