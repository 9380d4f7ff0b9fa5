"""The prompts of a dataset version: what each record asks a model to answer.

An SFT record's prompt is its conversation up to and including the last user turn (the answer
after it, if any, is what candidates replace); preference, ranking and rating records carry their
prompt as a field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from mentor.datasets.versions import iter_records
from mentor.records import Record

# Metadata a candidate record keeps from its prompt's record (``meta`` is its own).
KEPT: tuple[str, ...] = ("source", "intent", "language", "tags")


@dataclass(frozen=True)
class Prompt:
    """One prompt: its position in the version, its record's id, messages and metadata."""

    position: int
    record_id: str
    messages: list[dict[str, Any]]
    metadata: dict[str, Any] = field(default_factory=dict)


def prompt_of(rec: Record) -> list[dict[str, Any]] | None:
    """The messages `rec` asks a model to answer (None when it holds no user turn)."""
    if rec["kind"] == "sft":
        turns = list(rec["messages"])
        last = max((i for i, m in enumerate(turns) if m["role"] == "user"), default=None)
        return None if last is None else turns[: last + 1]
    prompt = list(rec.get("prompt") or [])
    return prompt or None


def iter_prompts(engine: Engine, version_id: int) -> Iterator[Prompt]:
    """Every prompt of the version, in record order (records without one are passed over)."""
    for position, rec in enumerate(iter_records(engine, version_id)):
        messages = prompt_of(rec)
        if messages is not None:
            kept = {k: rec[k] for k in KEPT if k in rec}
            yield Prompt(position, rec["id"], messages, kept)
