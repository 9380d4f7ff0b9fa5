"""What the training benchmarks share: a workspace holding the HH-RLHF harmless-base pairs that
fit a token budget, token counts, the compute a run took, and where results go.

The pairs are the demo's (``mentor/demo/hh-rlhf-harmless-base-test.jsonl.gz``, 2,312 records,
imported with ``--map hh-rlhf`` as the demo does). TRL's ``RewardTrainer`` and ``DPOTrainer``
drop (reward) or cut (DPO) rows longer than ``max_length``; to train and score the same pairs,
the benchmarks keep only the records whose longer conversation (prompt + answer, chat template
applied) fits ``max_length`` tokens, and import those as their own dataset.
"""

from __future__ import annotations

import datetime
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import mentor
from mentor.datasets import trl_format
from mentor.datasets.versions import iter_records

ROOT: Final = Path(__file__).resolve().parents[1]
HH: Final = ROOT / "mentor" / "demo" / "hh-rlhf-harmless-base-test.jsonl.gz"
RESULTS_DIR: Final = Path(__file__).resolve().parent / "results"
WORK: Final = ROOT / "bench-data"


def smol_tokenizer() -> Any:
    """The bundled SmolLM2's tokenizer (from the GGUF file), as the trainers get it."""
    from transformers import AutoTokenizer

    from mentor.providers.local import bundled_model_path

    path = bundled_model_path()
    tok = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok


def row_tokens(tok: Any, row: dict[str, Any]) -> tuple[int, int]:
    """Tokens of prompt + chosen and of prompt + rejected, as RewardTrainer tokenizes them."""

    def count(messages: list[dict[str, Any]]) -> int:
        return len(tok.apply_chat_template(messages, tokenize=True, return_dict=True)["input_ids"])

    return count([*row["prompt"], *row["chosen"]]), count([*row["prompt"], *row["rejected"]])


@dataclass(frozen=True)
class Pairs:
    """The workspace, the version of the pairs that fit, and their token counts by record id."""

    ws: mentor.Workspace
    ref: str
    all_pairs: int
    fit: int
    kept: int
    tokens: dict[str, tuple[int, int]]


def hh_workspace(work: Path, tok: Any, max_length: int, pairs: int | None, seed: int) -> Pairs:
    """A new SQLite workspace in `work` with the HH pairs of at most `max_length` tokens
    (`pairs` of them, drawn with `seed`, when given) as dataset ``hh-fit``."""
    work.mkdir(parents=True, exist_ok=True)
    ws = mentor.connect(f"sqlite:///{work / 'bench.db'}", home=work / "home", user="bench")
    full = ws.datasets.import_file(HH, "hh-harmless", map="hh-rlhf").version
    fit: list[tuple[dict[str, Any], tuple[int, int]]] = []
    for rec in iter_records(ws.engine, full.id):
        rows = list(trl_format.dpo(rec))
        counts = [row_tokens(tok, r) for r in rows]
        if rows and all(max(c) <= max_length for c in counts):
            fit.append((dict(rec), counts[0]))
    fitting = len(fit)
    if pairs is not None and pairs < len(fit):
        fit = random.Random(seed).sample(fit, pairs)
    path = work / "hh-fit.jsonl"
    path.write_text("".join(json.dumps(rec) + "\n" for rec, _ in fit), encoding="utf-8")
    ver = ws.datasets.import_file(path, "hh-fit").version
    tokens = {str(rec["id"]): c for rec, c in fit}
    return Pairs(ws, ver.ref, full.record_count, fitting, len(fit), tokens)


def stamp() -> str:
    """UTC time now, for file names and records."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def work_dir(name: str) -> Path:
    """A new folder under bench-data/ for one run of benchmark `name`."""
    folder = WORK / name / datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_json(name: str, data: dict[str, Any]) -> Path:
    """Write `data` to benchmarks/results/NAME.json (the latest run of that benchmark)."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    return path


class Clock:
    """Wall seconds since it was made."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def s(self) -> float:
        """Seconds so far."""
        return time.perf_counter() - self.started


def set_threads(n: int | None) -> None:
    """Use `n` torch threads (None: torch's default). On a shared, busy machine one thread is
    often faster than torch's default pool (see the generation speed section of RESULTS.md)."""
    if n is not None:
        import torch

        torch.set_num_threads(n)
