"""Side-by-side timings for mentor.agreement against the `krippendorff` package and `choix`.

Run: ``python benchmarks/agreement_bench.py`` (needs ``pip install krippendorff choix``).
Each figure is the median wall time of 5 runs on the same data in the same process; the
script prints a Markdown table (figures go into the "Agreement statistics" section of
benchmarks/RESULTS.md by hand).
"""

from __future__ import annotations

import platform
import statistics
import time
from collections.abc import Callable
from functools import partial
from importlib.metadata import version
from typing import TypeVar

import choix
import krippendorff
import numpy as np

from mentor.agreement import bradley_terry, krippendorff_alpha

T = TypeVar("T")
RUNS = 5
N_ITEMS, N_RATERS = 10_000, 100
N_PLAYERS, N_COMPARISONS = 1_000, 100_000


def median_seconds(run: Callable[[], T]) -> tuple[float, T]:
    """Median wall time of RUNS calls, after one untimed warm-up; also the last result."""
    result = run()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def sparse_table(rng: np.random.Generator) -> np.ndarray:
    """10,000 items x 100 raters; each item rated by 5-15 of them (about 10% filled), 1-5 scale."""
    truth = rng.integers(1, 6, N_ITEMS)
    table = np.full((N_ITEMS, N_RATERS), np.nan)
    per_item = rng.integers(5, 16, N_ITEMS)
    for i in range(N_ITEMS):
        raters = rng.choice(N_RATERS, per_item[i], replace=False)
        noise = rng.random(per_item[i]) < 0.3
        table[i, raters] = np.where(noise, rng.integers(1, 6, per_item[i]), truth[i])
    return table


def dense_table(rng: np.random.Generator) -> np.ndarray:
    """10,000 items x 100 raters, every cell filled: 1,000,000 ratings on a 1-5 scale."""
    truth = rng.integers(1, 6, N_ITEMS)[:, None]
    noise = rng.random((N_ITEMS, N_RATERS)) < 0.3
    return np.where(noise, rng.integers(1, 6, (N_ITEMS, N_RATERS)), truth).astype(np.float64)


def comparisons(rng: np.random.Generator) -> np.ndarray:
    """100,000 (winner, loser) pairs among 1,000 items drawn from a Bradley-Terry model."""
    skill = rng.normal(0.0, 1.0, N_PLAYERS)
    a = rng.integers(0, N_PLAYERS, N_COMPARISONS)
    b = (a + rng.integers(1, N_PLAYERS, N_COMPARISONS)) % N_PLAYERS
    a_wins = rng.random(N_COMPARISONS) < 1.0 / (1.0 + np.exp(skill[b] - skill[a]))
    return np.column_stack([np.where(a_wins, a, b), np.where(a_wins, b, a)])


def alpha_rows(name: str, table: np.ndarray) -> list[str]:
    rows = []
    ratings = int(np.count_nonzero(~np.isnan(table)))
    reference = f"krippendorff {version('krippendorff')}"
    for level in ("nominal", "ordinal", "interval", "ratio"):
        task = f"alpha {level}, {name} ({ratings:,} ratings)"
        ours, mine = median_seconds(partial(krippendorff_alpha, table, level=level, n_boot=0))
        boot, _ = median_seconds(partial(krippendorff_alpha, table, level=level, n_boot=1000))
        ref, theirs = median_seconds(
            partial(krippendorff.alpha, table.T, level_of_measurement=level)
        )
        gap = abs(mine.value - float(theirs))
        rows.append(f"| {task} | mentor, no interval | {ours:.3f} | alpha = {mine.value:.4f} |")
        rows.append(f"| {task} | mentor + 1,000-resample bootstrap CI | {boot:.3f} | |")
        rows.append(f"| {task} | {reference} | {ref:.3f} | differs by {gap:.0e} |")
    return rows


def bradley_terry_rows(pairs: np.ndarray) -> list[str]:
    as_tuples = [(int(w), int(v)) for w, v in pairs]
    task = f"Bradley-Terry, {N_COMPARISONS:,} comparisons, {N_PLAYERS:,} items"
    ours, fit = median_seconds(partial(bradley_terry, pairs))
    rows = [
        f"| {task} | mentor (MM, Fisher CIs) | {ours:.3f} | {fit.n_iter} MM updates (SQUAREM) |"
    ]
    for label, method in (
        ("ilsr_pairwise", choix.ilsr_pairwise),
        ("mm_pairwise", choix.mm_pairwise),
    ):
        seconds, params = median_seconds(partial(method, N_PLAYERS, as_tuples))
        gap = np.abs((params - params.mean()) - fit.scores).max()
        rows.append(f"| {task} | choix {version('choix')} {label} | {seconds:.3f} | "
                    f"scores differ by {gap:.0e} |")  # fmt: skip
    return rows


def main() -> None:
    rng = np.random.default_rng(2026)
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
          f"median of {RUNS} runs\n")  # fmt: skip
    print("| task | implementation | median seconds | result |")
    print("|---|---|---:|---|")
    for row in alpha_rows("sparse 10,000x100", sparse_table(rng)):
        print(row)
    for row in alpha_rows("dense 10,000x100", dense_table(rng)):
        print(row)
    for row in bradley_terry_rows(comparisons(rng)):
        print(row)


if __name__ == "__main__":
    main()
