"""The texts of a record, each with the field path a finding's span refers to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mentor.records import Record


def _messages(field: str, messages: list[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    for i, message in enumerate(messages):
        content = message.get("content")
        if isinstance(content, str):
            yield f"{field}[{i}].content", content
        elif isinstance(content, list):
            for j, part in enumerate(content):
                if isinstance(part.get("text"), str):
                    yield f"{field}[{i}].content[{j}].text", part["text"]


def texts(rec: Record) -> Iterator[tuple[str, str]]:
    """(field path, text) for every piece of text in the record, in reading order."""
    for key in ("messages", "prompt", "chosen", "rejected", "response"):
        if key in rec:
            yield from _messages(key, rec[key])
    for i, response in enumerate(rec.get("responses", ())):
        yield from _messages(f"responses[{i}]", response)


def _chars(messages: list[dict[str, Any]]) -> int:
    total = 0
    for message in messages:
        content = message.get("content")
        if isinstance(content, str):
            total += len(content)
        elif isinstance(content, list):
            total += sum(len(p["text"]) for p in content if isinstance(p.get("text"), str))
    return total


def text_length(rec: Record) -> int:
    """How many characters all of :func:`texts` hold together (without building them)."""
    total = sum(
        _chars(rec[key])
        for key in ("messages", "prompt", "chosen", "rejected", "response")
        if key in rec
    )
    return total + sum(_chars(response) for response in rec.get("responses", ()))


def prompt_text(rec: Record) -> str:
    """The user-side text of a record (what an eval item would also contain)."""
    msgs = rec["messages"] if rec["kind"] == "sft" else rec["prompt"]
    return "\n".join(
        m["content"] for m in msgs if m["role"] != "assistant" and isinstance(m.get("content"), str)
    )
