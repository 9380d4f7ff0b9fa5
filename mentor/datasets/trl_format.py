"""Rows in the dataset formats TRL's trainers read (checked against TRL 1.16).

``trl-sft`` writes TRL's conversational language-modelling rows, ``{"messages": [...]}`` (with
``tools`` when the record has tool schemas), or its standard prompt-completion rows,
``{"prompt": "...", "completion": "..."}``, for text completions. ``trl-dpo`` writes explicit-prompt
preference rows, ``{"prompt", "chosen", "rejected"}``, for ``DPOTrainer`` and ``RewardTrainer``.
Tool-call arguments are JSON objects, as the trainers' chat templates expect.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mentor.datasets.chat_rows import messages_as, pairs, require_sft
from mentor.records import Record


def sft(rec: Record) -> Iterator[dict[str, Any]]:
    """One SFT row: a text completion as prompt/completion, otherwise a conversation."""
    require_sft(rec)
    if rec.get("text_completion"):
        prompt, completion = rec["messages"]
        yield {"prompt": prompt["content"], "completion": completion["content"]}
        return
    row: dict[str, Any] = {"messages": messages_as(rec["messages"], "object")}
    if rec.get("tools"):
        row["tools"] = rec["tools"]
    yield row


def dpo(rec: Record) -> Iterator[dict[str, Any]]:
    """Every preference pair of a record as an explicit-prompt conversational row."""
    for pair in pairs(rec):
        row: dict[str, Any] = {
            "prompt": messages_as(pair.prompt, "object"),
            "chosen": messages_as(pair.chosen, "object"),
            "rejected": messages_as(pair.rejected, "object"),
        }
        if "margin" in rec:
            row["margin"] = rec["margin"]
        if rec.get("tools"):
            row["tools"] = rec["tools"]
        yield row
