"""OpenAI's published fine-tuning file format, as checks a row must pass before it is written.

The rules are those of OpenAI's fine-tuning guide for chat (supervised) and preference (DPO)
rows. Each check returns the first problem as a short reason (``None`` when the row passes), so
an export can count the rows it leaves out by reason.

Supervised rows (``{"messages": [...], "tools"?: [...], "parallel_tool_calls"?: bool}``):

- ``messages`` is a non-empty list; roles are ``system``, ``user``, ``assistant`` and ``tool``
  (``developer`` only where the caller allows it);
- at least one assistant message (the model learns from them);
- every message has non-empty content, except an assistant message with ``tool_calls``;
  assistant content is text, other roles may give a non-empty list of content parts;
- ``weight`` appears only on assistant messages and is 0 or 1;
- a tool message carries its ``tool_call_id``; ``tool_calls`` are ``function`` calls with a name
  and ``arguments`` as a JSON string;
- ``tools`` is a list of ``{"type": "function", "function": {"name": ...}}``.

Preference rows (``{"input": {"messages": [...]}, "preferred_output": [...],
"non_preferred_output": [...]}``): ``input.messages`` as above but without the assistant
requirement, and each output exactly one assistant message with non-empty text content.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import orjson

from mentor.datasets.chat_rows import Unexportable, messages_as, pairs, require_sft
from mentor.records import Record

ROLES: Final = frozenset({"system", "user", "assistant", "tool"})
_CHAT_KEYS: Final = frozenset({"messages", "tools", "parallel_tool_calls"})
_INPUT_KEYS: Final = frozenset({"messages", "tools", "parallel_tool_calls"})
_DPO_KEYS: Final = frozenset({"input", "preferred_output", "non_preferred_output"})


def _filled(content: Any) -> bool:
    if isinstance(content, str):
        return content.strip() != ""
    return isinstance(content, list) and len(content) > 0


def _call_problem(call: Any) -> str | None:
    if not isinstance(call, dict) or call.get("type") != "function":
        return "a tool call that is not a function call"
    function = call.get("function")
    if not isinstance(function, dict) or not function.get("name"):
        return "a tool call without a function name"
    if not isinstance(function.get("arguments"), str):
        return "tool call arguments that are not a JSON string"
    try:
        orjson.loads(function["arguments"])
    except orjson.JSONDecodeError:
        return "tool call arguments that are not valid JSON"
    return None


def _message_problem(m: Any, roles: frozenset[str]) -> str | None:
    if not isinstance(m, dict):
        return "a message that is not an object"
    role = m.get("role")
    if role not in roles:
        return f"role {role!r} (OpenAI fine-tuning takes {', '.join(sorted(roles))})"
    if "weight" in m:
        if role != "assistant":
            return "weight on a message that is not an assistant message"
        if m["weight"] not in (0, 1) or isinstance(m["weight"], bool):
            return "weight other than 0 or 1"
    calls = m.get("tool_calls")
    if calls:
        if role != "assistant":
            return "tool_calls on a message that is not an assistant message"
        if not isinstance(calls, list):
            return "tool_calls that are not a list"
        return next((p for p in map(_call_problem, calls) if p), None)
    if not _filled(m.get("content")):
        return f"empty {role} message"
    if role == "assistant" and not isinstance(m["content"], str):
        return "assistant content that is not text"
    if role == "tool" and not m.get("tool_call_id"):
        return "tool message without tool_call_id"
    return None


def _messages_problem(messages: Any, roles: frozenset[str]) -> str | None:
    if not isinstance(messages, list) or not messages:
        return "no messages"
    return next((p for p in (_message_problem(m, roles) for m in messages) if p), None)


def _tools_problem(row: dict[str, Any]) -> str | None:
    tools = row.get("tools")
    if tools is not None:
        if not isinstance(tools, list):
            return "tools that are not a list"
        for tool in tools:
            if not isinstance(tool, dict) or tool.get("type") != "function":
                return "a tool that is not a function"
            if not isinstance(tool.get("function"), dict) or not tool["function"].get("name"):
                return "a tool without a function name"
    if not isinstance(row.get("parallel_tool_calls", False), bool):
        return "parallel_tool_calls that is not true or false"
    return None


def _roles(developer: bool) -> frozenset[str]:
    return ROLES | {"developer"} if developer else ROLES


def chat_problem(row: Any, *, developer: bool = False) -> str | None:
    """The first reason OpenAI would reject supervised row `row`, or None if it passes."""
    if not isinstance(row, dict) or "messages" not in row:
        return "no messages"
    if extra := row.keys() - _CHAT_KEYS:
        return f"unknown key(s) {', '.join(sorted(extra))}"
    problem = _messages_problem(row["messages"], _roles(developer)) or _tools_problem(row)
    if problem:
        return problem
    if not any(m["role"] == "assistant" for m in row["messages"]):
        return "no assistant message (OpenAI fine-tuning learns from them)"
    return None


def _output_problem(output: Any, side: str) -> str | None:
    if not isinstance(output, list) or len(output) != 1:
        return f"{side} is not exactly one message"
    (m,) = output
    if not isinstance(m, dict) or m.get("role") != "assistant":
        return f"{side} is not an assistant message"
    if not isinstance(m.get("content"), str) or not m["content"].strip():
        return f"{side} has empty content"
    return None


def preference_problem(row: Any, *, developer: bool = False) -> str | None:
    """The first reason OpenAI would reject preference row `row`, or None if it passes."""
    if not isinstance(row, dict) or row.keys() != _DPO_KEYS:
        return "not input + preferred_output + non_preferred_output"
    given = row["input"]
    if not isinstance(given, dict) or given.keys() - _INPUT_KEYS:
        return "input is not {messages, tools, parallel_tool_calls}"
    return (
        _messages_problem(given.get("messages"), _roles(developer))
        or _tools_problem(given)
        or _output_problem(row["preferred_output"], "preferred_output")
        or _output_problem(row["non_preferred_output"], "non_preferred_output")
    )


def _tools(rec: Record, row: dict[str, Any]) -> dict[str, Any]:
    for key in ("tools", "parallel_tool_calls"):
        if rec.get(key) is not None:
            row[key] = rec[key]
    return row


def chat_rows(rec: Record) -> Iterator[dict[str, Any]]:
    """A record as a supervised fine-tuning row; rows OpenAI would reject are refused."""
    require_sft(rec)
    row = _tools(rec, {"messages": messages_as(rec["messages"], "string", weight=True)})
    if problem := chat_problem(row):
        raise Unexportable(problem)
    yield row


def preference_rows(rec: Record) -> Iterator[dict[str, Any]]:
    """A record's preference pairs as preference fine-tuning rows, each checked."""
    rows = []
    for pair in pairs(rec):
        row = {
            "input": _tools(rec, {"messages": messages_as(pair.prompt, "string")}),
            "preferred_output": messages_as(pair.chosen, "string"),
            "non_preferred_output": messages_as(pair.rejected, "string"),
        }
        if problem := preference_problem(row):
            raise Unexportable(problem)
        rows.append(row)
    yield from rows
