"""How long calibrating pairwise judges takes: agreement with people plus every bias figure.

    .venv/bin/python benchmarks/judge_calibration_speed.py           # print the figures
    .venv/bin/python benchmarks/judge_calibration_speed.py --record  # rewrite RESULTS.md

Issue 16's target: calibrating 7 judges x 620 pairs in under 5 s on the 2-core machine. This
times the statistics alone (`label_agreement` inside `pairwise_bias`, with the default 2,000
bootstrap resamples for every interval) on a generated verdict set; the lead times the whole
path from a verdict file with :func:`make_verdicts` and :func:`calibrate_all`. The figure is
the median wall time of 5 runs after one warm-up.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ppi_coverage import wrapped
from benchmarks.qa_results import load, machine, rewrite_section
from mentor.judges import PairVerdict, PairwiseBias, pairwise_bias

ROOT: Final = Path(__file__).resolve().parents[1]
HEADING: Final = "## Judges: calibration speed"
JUDGES: Final = 7
PAIRS: Final = 620
RUNS: Final = 5
_SIDES: Final = ("a", "b", "tie")
_FAMILIES: Final = ("llama", "qwen", "smollm")


def make_verdicts(
    judges: int = JUDGES, pairs: int = PAIRS, seed: int = 0
) -> dict[str, list[PairVerdict]]:
    """A seeded verdict set: `judges` judges of varied quality and biases on the same pairs."""
    rng = np.random.default_rng(seed)
    human = rng.choice(_SIDES, size=pairs, p=[0.45, 0.45, 0.10])
    len_a = rng.integers(20, 2000, size=pairs)
    len_b = rng.integers(20, 2000, size=pairs)
    family_a = rng.choice(_FAMILIES, size=pairs)
    family_b = rng.choice(_FAMILIES, size=pairs)
    out: dict[str, list[PairVerdict]] = {}
    for j in range(judges):
        accuracy, first_bias, unparsed = 0.5 + 0.05 * j, 0.05 * (j % 4), 0.02 * (j % 3)
        out[f"judge-{j}"] = [
            PairVerdict(
                human=human[i],
                forward=_verdict(rng, str(human[i]), accuracy, first_bias, "a", unparsed),
                backward=_verdict(rng, str(human[i]), accuracy, first_bias, "b", unparsed),
                len_a=int(len_a[i]),
                len_b=int(len_b[i]),
                family_a=str(family_a[i]),
                family_b=str(family_b[i]),
                judge_family=_FAMILIES[j % 3],
            )
            for i in range(pairs)
        ]
    return out


def _verdict(
    rng: np.random.Generator, human: str, accuracy: float, first: float, shown: str, lost: float
) -> str | None:
    draw = rng.random()
    if draw < lost:
        return None
    if draw < lost + first:
        return shown
    return human if rng.random() < accuracy else str(rng.choice(_SIDES))


def calibrate_all(
    verdicts: Mapping[str, Sequence[PairVerdict]], resamples: int = 2000
) -> dict[str, PairwiseBias]:
    """Every judge's agreement and bias figures (what a calibration stores)."""
    return {name: pairwise_bias(pairs, resamples=resamples) for name, pairs in verdicts.items()}


def write_file(verdicts: Mapping[str, Sequence[PairVerdict]], path: Path) -> Path:
    """The verdict set as a pairwise verdict file (docs/judges.md), every judge in one file."""
    with path.open("w", encoding="utf-8") as fh:
        for name, pairs in verdicts.items():
            for i, p in enumerate(pairs):
                row = {
                    "item": f"pair-{i}",
                    "a": "a" * p.len_a,
                    "b": "b" * p.len_b,
                    "verdict_ab": p.forward or "",
                    "verdict_ba": p.backward or "",
                    "human": p.human,
                    "judge": name,
                    "family_a": p.family_a,
                    "family_b": p.family_b,
                    "judge_family": p.judge_family,
                }
                fh.write(json.dumps(row) + "\n")
    return path


def time_cli(path: Path, runs: int = RUNS) -> list[float]:
    """Wall seconds of `mentor judges calibrate --against FILE` (every judge of the file, read,
    measured and stored), each run into a new SQLite workspace, start-up included."""
    times = []
    for run in range(runs):
        db = f"sqlite:///{path.parent / f'speed-{run}.db'}"
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "mentor", "judges", "calibrate", "--against", str(path),
             "--db", db],
            capture_output=True, text=True, cwd=ROOT, check=False,
        )  # fmt: skip
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"mentor judges calibrate failed:\n{done.stderr}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help="rewrite the RESULTS.md section")
    args = parser.parse_args()
    verdicts = make_verdicts()
    calibrate_all(verdicts)  # warm-up
    times, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        results = calibrate_all(verdicts)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    median = statistics.median(times)
    kappas = ", ".join(f"{r.agreement.kappa.value:.2f}" for r in results.values())
    with tempfile.TemporaryDirectory() as folder:
        cli = time_cli(write_file(verdicts, Path(folder) / "verdicts.jsonl"))
    cli_median = statistics.median(cli)
    verdict = "met" if cli_median < 5.0 else "NOT met"
    text = (
        f"{HEADING}\n\n"
        f"Command: `python benchmarks/judge_calibration_speed.py --record`. Machine: {machine()}; "
        f"1-minute load {load():.1f} at the end. Date: {datetime.date.today().isoformat()}.\n\n"
        f"Calibrating {JUDGES} pairwise judges x {PAIRS} pairs (agreement: accuracy, kappa, "
        "alpha, confusion, per-class; flip rate, first-position rate + binomial test, tie rate, "
        "length bias, self-preference; every interval a 2,000-resample bootstrap): median "
        f"**{median:.3f} s** of {RUNS} runs (all: {', '.join(f'{t:.3f}' for t in times)}; "
        f"CPU time median {statistics.median(cpu):.3f} s, numpy threads included). "
        f"From a verdict file, the whole command (`mentor judges calibrate --against FILE`, "
        f"{JUDGES * PAIRS:,} rows: start-up, reading, statistics, storing {JUDGES} records in a "
        f"new SQLite workspace): median **{cli_median:.2f} s** of {RUNS} runs (all: "
        f"{', '.join(f'{t:.2f}' for t in cli)}). Target < 5 s: **{verdict}**. "
        f"Judges' kappas: {kappas}.\n"
    )
    text = wrapped(text)
    print(text)
    if args.record:
        rewrite_section(HEADING, text)
        print("recorded in benchmarks/RESULTS.md")


if __name__ == "__main__":
    main()
