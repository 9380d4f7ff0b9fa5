"""The rows a trainer reads, made from a dataset version by the same code the exports use.

Rows come from :mod:`mentor.datasets.trl_format` (what ``mentor datasets export --format trl-sft``
and ``trl-dpo`` write), so training on a version and training on its export are the same thing.
The held-out split is drawn per record (every pair of a ranking stays on one side) from a
seeded hash of the record id: the same seed and version always give the same split.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from mentor.datasets import trl_format
from mentor.datasets.chat_rows import Unexportable, WrongKind
from mentor.datasets.versions import VersionInfo, iter_records
from mentor.errors import InputError
from mentor.records import Record

_ROWS: dict[str, Callable[[Record], Iterator[dict[str, Any]]]] = {
    "sft": trl_format.sft,
    "dpo": trl_format.dpo,
    "reward": trl_format.dpo,
}
_WANTS = {
    "sft": "SFT chats (kind sft)",
    "dpo": "preference or ranking records",
    "reward": "preference or ranking records",
}


@dataclass(frozen=True)
class TrainingRows:
    """The rows to train on and to hold out, and what was left out and why."""

    train: list[dict[str, Any]]
    held_out: list[dict[str, Any]]
    held_out_ids: list[str]
    train_records: int
    skipped: dict[str, int] = field(default_factory=dict)

    def split_record(self, seed: int, fraction: float) -> dict[str, Any]:
        """The split as the run records it."""
        return {
            "seed": seed,
            "held_out": fraction,
            "train_rows": len(self.train),
            "held_out_rows": len(self.held_out),
            "train_records": self.train_records,
            "held_out_ids": self.held_out_ids,
            "skipped": self.skipped,
        }


def held_out(record_id: str, seed: int, fraction: float) -> bool:
    """Whether `record_id` falls in the held-out part for this seed (stable across runs)."""
    digest = hashlib.sha256(f"{seed}:{record_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


def training_rows(
    engine: Engine,
    version: VersionInfo,
    kind: str,
    *,
    seed: int,
    fraction: float,
    limit: int | None = None,
) -> TrainingRows:
    """Rows of `version` for trainer `kind`, split into train and held out."""
    make = _ROWS[kind]
    train: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    kept_ids: list[str] = []
    skipped: Counter[str] = Counter()
    records = 0
    for rec in iter_records(engine, version.id):
        if limit is not None and records >= limit:
            break
        try:
            rows = list(make(rec))
        except WrongKind as exc:
            raise InputError(
                f"record '{rec['id']}': {exc}; `mentor train {kind}` needs {_WANTS[kind]}",
                where=version.ref,
            ) from exc
        except Unexportable as exc:
            skipped[str(exc)] += 1
            continue
        records += 1
        if held_out(str(rec["id"]), seed, fraction):
            kept.extend(rows)
            kept_ids.append(str(rec["id"]))
        else:
            train.extend(rows)
    if not train:
        why = "; ".join(f"{n}x {reason}" for reason, n in skipped.most_common(3))
        raise InputError(
            f"nothing to train on: {records} usable records, none left after holding out "
            f"{fraction:.0%}" + (f" ({why})" if why else ""),
            where=version.ref,
        )
    return TrainingRows(train, kept, kept_ids, records - len(kept_ids), dict(skipped))
