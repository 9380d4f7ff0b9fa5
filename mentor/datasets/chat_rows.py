"""Records as the message lists training formats take: pairs, response roles, tool calls.

Chat templates (Qwen2.5, Llama 3.1, GLM-4) render a tool call's ``arguments`` with ``tojson``,
so TRL and Hugging Face exports carry them as JSON objects; OpenAI's API takes them as JSON
strings. Records may hold either; :func:`calls_as` turns them into the one a format needs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final, Literal

import orjson

from mentor.records import Record

# A response continues the conversation: the assistant, and tools it called.
_RESPONSE_ROLES: Final = frozenset({"assistant", "tool"})


class Unexportable(Exception):
    """A record this format cannot hold; the message says why and what to do."""


class WrongKind(Unexportable):
    """The format holds another kind of record altogether; the export stops."""


@dataclass(frozen=True, slots=True)
class Pair:
    """One preference pair: the prompt, the better and the worse continuation."""

    prompt: list[Any]
    chosen: list[Any]
    rejected: list[Any]


def _arguments(value: Any, form: Literal["object", "string"]) -> Any:
    if form == "string":
        return value if isinstance(value, str) else orjson.dumps(value).decode()
    if not isinstance(value, str):
        return value
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise Unexportable("tool call arguments are not valid JSON") from exc


def calls_as(calls: list[dict[str, Any]], form: Literal["object", "string"]) -> list[Any]:
    """`calls` with each function's ``arguments`` as a JSON object or as a JSON string."""
    out = []
    for call in calls:
        function = call.get("function")
        if isinstance(function, dict) and "arguments" in function:
            function = {**function, "arguments": _arguments(function["arguments"], form)}
            call = {**call, "function": function}
        out.append(call)
    return out


def messages_as(
    messages: list[dict[str, Any]],
    arguments: Literal["object", "string"],
    *,
    weight: bool = False,
) -> list[dict[str, Any]]:
    """Messages with ``role`` first, tool-call arguments in the given form, and per-message
    ``weight`` kept only where the format reads it (OpenAI)."""
    out = []
    for m in messages:
        msg = {"role": m["role"], **{k: v for k, v in m.items() if k != "role"}}
        if msg.get("tool_calls"):
            msg["tool_calls"] = calls_as(msg["tool_calls"], arguments)
        if not weight:
            msg.pop("weight", None)
        out.append(msg)
    return out


def _check_response(side: list[dict[str, Any]], name: str) -> None:
    roles = [m["role"] for m in side]
    if not roles or roles[0] != "assistant" or set(roles) - _RESPONSE_ROLES:
        raise Unexportable(
            f"{name} is not assistant messages (it holds {', '.join(dict.fromkeys(roles))}); "
            "give responses as lists of assistant messages and re-import"
        )


def pairs(rec: Record) -> Iterator[Pair]:
    """The preference pairs a record holds: one, or every pair a ranking implies, better first."""
    if rec.get("unranked"):
        raise WrongKind(
            "its responses are not ranked yet, so it holds no preference; rank them in a "
            "project (`mentor projects create NAME --dataset REF --task ranking`) and export "
            "the version it releases"
        )
    if rec["kind"] == "preference":
        if rec.get("tie"):
            raise Unexportable("tied preferences have no preferred side")
        found = [Pair(rec["prompt"], rec["chosen"], rec["rejected"])]
    elif rec["kind"] == "ranking":
        found = [
            Pair(rec["prompt"], rec["responses"][better], rec["responses"][worse])
            for better, worse in itertools.combinations(rec["ranking"], 2)
        ]
    else:
        raise WrongKind(
            f"{rec['kind']} records hold no preference; export preference or ranking records"
        )
    for pair in found:
        _check_response(pair.chosen, "chosen")
        _check_response(pair.rejected, "rejected")
    yield from found


def require_sft(rec: Record) -> None:
    """Stop the export when `rec` is not a chat for supervised fine-tuning."""
    if rec["kind"] != "sft":
        raise WrongKind(
            f"{rec['kind']} records are not SFT chats; export them with "
            "trl-dpo / openai-dpo, or filter with --kind sft"
        )
