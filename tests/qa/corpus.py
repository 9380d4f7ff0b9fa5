"""A training set with known problems planted in it, for the scan, fix, gate and Ray tests.

Filler records are random sentences over a small vocabulary, so they share no 5-gram or 13-gram
by chance; the planted records are the only duplicates, defects, PII and eval overlaps.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

VOCABULARY = (
    "river stone garden lamp window paper orange silver engine violin planet market candle "
    "forest mirror ladder basket pepper cotton harbor meadow pillow rocket saddle tunnel "
    "velvet wagon yellow zebra anchor bridge castle dragon feather glacier hammer island "
    "jungle kettle lantern magnet needle oyster pencil quartz ribbon shadow throne "
    "umbrella valley walnut canyon blanket cherry dolphin eagle falcon ginger honey ivory"
)
WORDS = VOCABULARY.split()

EVAL_PROMPT = (
    "Explain step by step why the sky appears blue during the day and red at sunset, "
    "mentioning Rayleigh scattering and the length of the path light travels"
)
EMAIL = "jane.doe@acme-mail.com"


def sentence(rng: random.Random, n: int = 24) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def sft(rid: str, user: str, assistant: str, **meta: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "kind": "sft",
        "messages": [
            {"role": "user", "content": user},
            {"role": "assistant", "content": assistant},
        ],
        **meta,
    }


def corpus(n: int = 60, seed: int = 7) -> list[dict[str, Any]]:
    """`n` clean records, then the planted ones (ids say what they are)."""
    rng = random.Random(seed)
    records = [sft(f"r{i}", sentence(rng), sentence(rng, 40)) for i in range(n)]
    first = records[3]["messages"]
    near = first[1]["content"].split()
    near[5] = "typo"
    records += [
        {**records[3], "id": "exact-copy"},
        sft("near-copy", first[0]["content"], " ".join(near)),
        sft("empty-turn", "   ", sentence(rng, 30)),
        sft("has-email", sentence(rng), f"Write to {EMAIL} for the invoice. {sentence(rng)}"),
        sft("contaminated", EVAL_PROMPT + ".", sentence(rng, 30)),
    ]
    return records


def eval_items() -> list[dict[str, Any]]:
    return [
        sft("sky", EVAL_PROMPT, "Because of Rayleigh scattering."),
        sft("other", "Name three prime numbers greater than one hundred and explain.", "101."),
    ]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path
