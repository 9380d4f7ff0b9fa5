"""Reading a judge model's reply: one JSON object, found and checked, or a reason it was not.

Judges are asked for strict JSON, but small models wrap it in prose or code fences. The parser
accepts the first balanced ``{...}`` object in the reply (after removing code fences) and
nothing looser: no guessing of scores from prose. A reply it cannot read becomes a
:class:`JudgeParseError`, which graders turn into ``state="unparsed"``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from mentor.errors import MentorError

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)


class JudgeParseError(MentorError):
    """A judge's reply held no usable JSON object; `reply` keeps the text for the record."""

    def __init__(self, message: str, reply: str):
        self.reply = reply
        super().__init__(message)


def _balanced_objects(text: str) -> list[str]:
    """Every top-level ``{...}`` span in `text`, respecting strings and escapes."""
    spans: list[str] = []
    depth, start, in_string, escaped = 0, -1, False, False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"' and depth > 0:
            in_string = True
        elif ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                spans.append(text[start : i + 1])
    return spans


def reply_text(reply: Any) -> str:
    """`reply` when it is text; a JudgeParseError naming what it is otherwise (a provider
    plug-in may hand back a list or a number as a completion's text)."""
    if isinstance(reply, str):
        return reply
    shown = repr(reply)
    shown = shown[:120] + ("..." if len(shown) > 120 else "")
    raise JudgeParseError(
        f"the judge's reply is a {type(reply).__name__}, not text: {shown}", shown
    )


def extract_json(reply: str) -> dict[str, Any]:
    """The first JSON object in `reply` (inside a code fence if there is one)."""
    reply = reply_text(reply)
    fenced = _FENCE.findall(reply)
    for candidate in [*fenced, reply]:
        for span in _balanced_objects(candidate):
            try:
                value = json.loads(span)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                return value
    shown = reply.strip().replace("\n", " ")
    shown = shown[:120] + ("..." if len(shown) > 120 else "")
    raise JudgeParseError(f"no JSON object in the judge's reply: {shown!r}", reply)


def number(value: Any, name: str, low: float, high: float, reply: str) -> float:
    """`value` as a number within [low, high], or a JudgeParseError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise JudgeParseError(f"'{name}' is {value!r}, not a number", reply)
    try:
        out = float(value)
    except ValueError:
        raise JudgeParseError(f"'{name}' is {value!r}, not a number", reply) from None
    if not low <= out <= high:
        raise JudgeParseError(f"'{name}' is {out:g}, outside {low:g}..{high:g}", reply)
    return out
