"""Canonical record schemas: SFT chat, preference, ranking and rating, with metadata.

A record is a plain dict in one canonical shape so that it can go to TRL, OpenAI fine-tuning or an
eval case without reshaping. Messages are OpenAI-style (``role``, ``content``, ``tool_calls``).

=============  ==========================================================================
kind           fields
=============  ==========================================================================
``sft``        ``messages``; optional ``tools``, ``parallel_tool_calls``, ``text_completion``
``preference`` ``prompt``, ``chosen``, ``rejected``; optional ``tie``, ``margin``, ``tools``,
               ``parallel_tool_calls``, ``unranked``
``ranking``    ``prompt``, ``responses`` (N >= 2 message lists), ``ranking`` (indices, best first)
               or ``unranked``
``rating``     ``prompt``, ``response``, ``scores`` (criterion -> number)
=============  ==========================================================================

``unranked: true`` marks candidates no person has ranked yet (``mentor generate`` writes them):
a ranking record then has no ``ranking``, and a preference record's ``chosen`` and ``rejected``
are only responses A and B. Annotation projects collect their rankings; training exports refuse
them.

Every kind also takes ``id`` and the metadata ``source``, ``intent``, ``language``, ``tags``
and ``meta`` (a free-form object). Validation raises :class:`RecordError` naming the field.
"""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any, Final

import orjson

from mentor.errors import RecordError

Record = dict[str, Any]

KINDS: Final = ("sft", "preference", "ranking", "rating")
ROLES: Final = frozenset({"system", "user", "assistant", "tool", "developer"})
METADATA: Final = ("source", "intent", "language", "tags", "meta")
_CONTENT_FIELDS: Final = {
    "sft": ("messages", "tools", "parallel_tool_calls", "text_completion"),
    "preference": (
        "prompt",
        "chosen",
        "rejected",
        "tie",
        "margin",
        "tools",
        "parallel_tool_calls",
        "unranked",
    ),
    "ranking": ("prompt", "responses", "ranking", "unranked"),
    "rating": ("prompt", "response", "scores"),
}
_MESSAGE_KEYS: Final = frozenset(
    {"role", "content", "tool_calls", "name", "tool_call_id", "weight"}
)
_ORDER: Final = ("id", "kind", *dict.fromkeys(f for fs in _CONTENT_FIELDS.values() for f in fs))
# Integral numbers are stored as ints; past 2**53 a float no longer holds every integer exactly
# (and orjson writes no int past 64 bits): a rating or margin that large is a mistake.
MAX_NUMBER: Final = 2**53
# Ids and labels land in their own columns (PostgreSQL text holds no NUL) and in datasheet tables.
_CONTROL: Final = re.compile(r"[\x00-\x1f]")


def fields(kind: str) -> frozenset[str]:
    """Every top-level field a record of `kind` can hold (id, kind, content and metadata)."""
    return frozenset(("id", "kind", *_CONTENT_FIELDS.get(kind, ()), *METADATA))


def _number(value: Any, field: str) -> int | float:
    """Numbers are stored as int when integral so 4 and 4.0 hash alike."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RecordError(
            f"expected a number, got {type(value).__name__} {value!r:.60}", field=field
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise RecordError(f"expected a finite number, got {value}", field=field)
    if abs(value) > MAX_NUMBER:
        raise RecordError(
            f"number out of range (at most 2**53 = {MAX_NUMBER:,} in size), got {value!r:.40}",
            field=field,
        )
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def number_from_text(text: str) -> int | float | str:
    """A number written as text (a CSV cell): whole numbers exactly, as ints; the text itself
    when it is not a number (validation names it then)."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise RecordError(
            f"expected a string, got {type(value).__name__} {value!r:.60}", field=field
        )
    return value


def json_text(value: str, field: str) -> Any:
    """A field that columnar formats keep as JSON text, parsed; text that is not JSON is an
    error naming the field."""
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise RecordError(
            f"text in this field is read as JSON, and this is not valid JSON: {exc.msg} at "
            f"column {exc.colno}",
            field=field,
        ) from None


def _label(value: str, field: str) -> str:
    """An id or metadata label: one line of text without control characters."""
    bad = _CONTROL.search(value)
    if bad is not None:
        raise RecordError(
            f"contains a control character (U+{ord(bad.group()):04X}) at character "
            f"{bad.start() + 1}; ids and labels are one line of plain text: remove it",
            field=field,
        )
    return value


def _content(value: Any, field: str) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        for i, part in enumerate(value):
            if not isinstance(part, dict) or not isinstance(part.get("type"), str):
                raise RecordError("expected a content part with a 'type'", field=f"{field}[{i}]")
        return value
    raise RecordError(
        f"expected a string or a list of content parts, got {type(value).__name__}", field=field
    )


def _message(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RecordError(f"expected a message object, got {type(value).__name__}", field=field)
    role = value.get("role")
    if role not in ROLES:
        raise RecordError(
            f"unknown role {role!r:.40}; expected one of {', '.join(sorted(ROLES))}",
            field=f"{field}.role",
        )
    unknown = value.keys() - _MESSAGE_KEYS
    if unknown:
        raise RecordError(
            f"unknown key(s) {', '.join(sorted(unknown))}; a message has "
            f"{', '.join(sorted(_MESSAGE_KEYS))}",
            field=field,
        )
    msg: dict[str, Any] = {
        "role": role,
        "content": _content(value.get("content"), f"{field}.content"),
    }
    calls = value.get("tool_calls")
    if isinstance(calls, str):  # columnar formats keep tool calls as JSON text
        calls = json_text(calls, f"{field}.tool_calls")
    if calls:
        if role != "assistant" or not isinstance(calls, list):
            raise RecordError("tool_calls must be a list on an assistant message", field=field)
        msg["tool_calls"] = calls
    elif msg["content"] is None:
        raise RecordError("a message needs content (or tool_calls)", field=f"{field}.content")
    for key in ("name", "tool_call_id"):
        if value.get(key) is not None:
            msg[key] = _text(value[key], f"{field}.{key}")
    if value.get("weight") is not None:
        # OpenAI's per-message weight: 0 leaves an assistant turn out of the loss.
        weight = _number(value["weight"], f"{field}.weight")
        if weight not in (0, 1) or role != "assistant":
            raise RecordError(
                "weight is 0 or 1, on assistant messages only", field=f"{field}.weight"
            )
        msg["weight"] = weight
    return msg


def messages(value: Any, field: str, *, min_len: int = 1) -> list[dict[str, Any]]:
    """Validate a list of chat messages; a bare string becomes one message (user or assistant)."""
    if isinstance(value, str):
        role = "assistant" if field in ("chosen", "rejected", "response") else "user"
        return [{"role": role, "content": value}]
    if not isinstance(value, list):
        raise RecordError(
            f"expected a list of messages, got {type(value).__name__} {value!r:.60}", field=field
        )
    if len(value) < min_len:
        raise RecordError(f"expected at least {min_len} message(s), got {len(value)}", field=field)
    out: list[dict[str, Any]] = []
    for i, m in enumerate(value):
        # Most messages are exactly {role, content: str}: take them without the general checks
        # (and without formatting a field name that only an error would use).
        if type(m) is dict and len(m) == 2:
            who, text = m.get("role"), m.get("content")
            if type(text) is str and type(who) is str and who in ROLES:
                out.append({"role": who, "content": text})
                continue
        out.append(_message(m, f"{field}[{i}]"))
    return out


def _tools(raw: Record, rec: Record) -> None:
    """Tool schemas (OpenAI's ``tools`` and ``parallel_tool_calls``) offered to the model."""
    tools = raw.get("tools")
    if isinstance(tools, str) and tools.startswith("["):  # columnar formats keep JSON text
        tools = json_text(tools, "tools")
    if tools is not None:
        if not isinstance(tools, list) or not all(isinstance(t, dict) for t in tools):
            raise RecordError("expected a list of tool objects", field="tools")
        rec["tools"] = tools
    parallel = raw.get("parallel_tool_calls")
    if parallel is not None:
        if not isinstance(parallel, bool):
            raise RecordError(
                f"expected true or false, got {parallel!r:.40}", field="parallel_tool_calls"
            )
        rec["parallel_tool_calls"] = parallel


def _sft(raw: Record) -> Record:
    rec: Record = {"messages": messages(raw.get("messages"), "messages")}
    _tools(raw, rec)
    flag = raw.get("text_completion")
    if flag is not None and flag is not False:
        msgs = rec["messages"]
        plain = (
            flag is True
            and len(msgs) == 2
            and [m["role"] for m in msgs] == ["user", "assistant"]
            and all(type(m["content"]) is str and len(m) == 2 for m in msgs)
        )
        if not plain:
            raise RecordError(
                "a text completion is true and has two messages, a user prompt and an "
                "assistant completion, both plain text",
                field="text_completion",
            )
        rec["text_completion"] = True
    return rec


def _unranked(raw: Record) -> bool:
    """Whether the record says no person has ranked its responses yet."""
    flag = raw.get("unranked")
    if flag is None or flag is False:
        return False
    if flag is not True:
        raise RecordError(f"expected true or false, got {flag!r:.40}", field="unranked")
    return True


def _order(value: Any, n: int) -> list[int]:
    """A ranking: each index of the `n` responses once, best first. Integral numbers become
    ints (``2.0`` is ``2``, as everywhere); true and false are not indices."""
    items = value if isinstance(value, list) else []
    order = [int(i) for i in items if type(i) is int or (type(i) is float and i.is_integer())]
    if len(order) != len(items) or sorted(order) != list(range(n)):
        raise RecordError(
            f"expected the indices 0..{n - 1} of the responses (whole numbers), best first, "
            f"got {value!r:.80} (a record whose responses no one ranked yet says "
            '"unranked": true)',
            field="ranking",
        )
    return order


def _ranking(raw: Record) -> Record:
    responses = raw.get("responses")
    if not isinstance(responses, list) or len(responses) < 2:
        raise RecordError("expected a list of at least 2 responses", field="responses")
    order = raw.get("ranking")
    unranked = _unranked(raw)
    # The label is checked before the content, so a bad ranking is named as a bad label.
    if unranked and order not in (None, []):
        raise RecordError("an unranked record has no ranking yet", field="ranking")
    if not unranked:
        order = _order(order, len(responses))
    rec: Record = {
        "prompt": messages(raw.get("prompt"), "prompt"),
        "responses": [messages(r, f"responses[{i}]") for i, r in enumerate(responses)],
    }
    return {**rec, "unranked": True} if unranked else {**rec, "ranking": order}


def _rating(raw: Record) -> Record:
    scores = raw.get("scores")
    if not isinstance(scores, dict) or not scores:
        raise RecordError("expected an object of criterion -> number", field="scores")
    return {
        "prompt": messages(raw.get("prompt"), "prompt"),
        "response": messages(raw.get("response"), "response"),
        "scores": {_text(k, "scores"): _number(v, f"scores.{k}") for k, v in scores.items()},
    }


def _preference(raw: Record) -> Record:
    rec: Record = {
        "prompt": messages(raw.get("prompt"), "prompt"),
        "chosen": messages(raw.get("chosen"), "chosen"),
        "rejected": messages(raw.get("rejected"), "rejected"),
    }
    tie = raw.get("tie")
    if tie is not None and tie is not False:
        if tie is not True:
            raise RecordError(f"expected true or false, got {tie!r:.40}", field="tie")
        rec["tie"] = True
    if raw.get("margin") is not None:
        rec["margin"] = _number(raw["margin"], "margin")
    if _unranked(raw):
        if "tie" in rec or "margin" in rec:
            raise RecordError("an unranked pair has no tie or margin yet", field="unranked")
        rec["unranked"] = True
    _tools(raw, rec)
    return rec


def _metadata(raw: Record, rec: Record) -> None:
    """Add the metadata of `raw` to `rec`."""
    for key in ("source", "intent", "language"):
        value = raw.get(key)
        if value is not None and value != "":
            rec[key] = _label(value if type(value) is str else _text(value, key), key)
    tags = raw.get("tags")
    if tags:
        if isinstance(tags, str):
            tags = [t.strip() for t in tags.split(",") if t.strip()]
        if not isinstance(tags, list):
            raise RecordError("expected a list of strings", field="tags")
        if all(type(t) is str for t in tags) and not _CONTROL.search("".join(tags)):
            rec["tags"] = list(tags)
        else:
            rec["tags"] = [_label(_text(t, f"tags[{i}]"), f"tags[{i}]") for i, t in enumerate(tags)]
    meta = raw.get("meta")
    if isinstance(meta, str) and meta.startswith("{"):
        meta = json_text(meta, "meta")
    if meta:
        if not isinstance(meta, dict):
            raise RecordError("expected an object", field="meta")
        rec["meta"] = meta


def _id(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    rid = _text(value, "id")
    if rid == "":
        raise RecordError("empty; leave the field out to have an id derived", field="id")
    if len(rid) > 500:
        raise RecordError(f"an id is at most 500 characters, got {len(rid)}", field="id")
    return _label(rid, "id")


def validate(raw: Record) -> Record:
    """Check `raw` against its kind and return the canonical record (with a derived id if none)."""
    kind = raw.get("kind")
    if kind == "sft":
        rec: Record = {"kind": kind, **_sft(raw)}
    elif kind == "preference":
        rec = {"kind": kind, **_preference(raw)}
    elif kind == "ranking":
        rec = {"kind": kind, **_ranking(raw)}
    elif kind == "rating":
        rec = {"kind": kind, **_rating(raw)}
    else:
        raise RecordError(
            f"unknown kind {kind!r:.40}; expected one of {', '.join(KINDS)}", field="kind"
        )
    _metadata(raw, rec)
    rid = raw.get("id")
    if rid is None:
        rec["id"] = derive_id(rec)
    elif type(rid) is str and 0 < len(rid) <= 500 and not _CONTROL.search(rid):
        rec["id"] = rid
    else:
        rec["id"] = _id(rid)
    return rec


def canonical_json(rec: Record) -> bytes:
    """The bytes a record is stored and hashed as: sorted keys, no whitespace."""
    return orjson.dumps(rec, option=orjson.OPT_SORT_KEYS)


def content_hash(rec: Record) -> str:
    """SHA-256 of the canonical JSON of the whole record (id and metadata included)."""
    return hashlib.sha256(canonical_json(rec)).hexdigest()


def derive_id(rec: Record) -> str:
    """An id from the record's training content alone, so the same content gets the same id."""
    content = {k: rec[k] for k in _CONTENT_FIELDS[rec["kind"]] if k in rec}
    digest = hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return f"h{digest[:16]}"


def ordered(rec: Record) -> Record:
    """The record with its keys in reading order: id, kind, content, then metadata."""
    out = {k: rec[k] for k in _ORDER if k in rec}
    out.update((k, rec[k]) for k in METADATA if k in rec)
    return out
