"""Verdict files the judge tests write: generated pairwise and label files with a known judge."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'


def pair_rows(
    judges: int = 1, pairs: int = 60, *, seed: int = 1, agree: float = 0.8
) -> list[dict[str, Any]]:
    """`pairs` pairs for each of `judges` judges (``judge-0`` ...); each judge agrees with
    people about `agree` of the time and keeps its verdict when the order swaps 85% of it."""
    rng = random.Random(seed)
    rows = []
    for j in range(judges):
        for i in range(pairs):
            human = rng.choice(["a", "a", "b", "b", "tie"])
            forward = human if rng.random() < agree else rng.choice(["a", "b", "tie"])
            backward = forward if rng.random() < 0.85 else rng.choice(["a", "b", "tie"])
            rows.append(
                {
                    "item": f"p{i}",
                    "a": "a" * rng.randint(5, 300),
                    "b": "b" * rng.randint(5, 300),
                    "verdict_ab": forward,
                    "verdict_ba": backward,
                    "human": human,
                    "judge": f"judge-{j}",
                    "family_a": rng.choice(["llama", "qwen"]),
                    "family_b": "qwen",
                    "judge_family": "llama",
                }
            )
    return rows


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    """`rows` as JSON lines."""
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    """`rows` as CSV with a header of the first row's fields."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path
