"""Lint: defects a trainer can see in one record without looking at any other.

====================  ========  ===========================================================
code                  severity  what it means
====================  ========  ===========================================================
``schema``            high      the record fails validation (the message names the field)
``bad-label``         high      ranking not a permutation, a score outside the configured
                                scale, a negative margin, chosen identical to rejected
``empty-turn``        high      a message whose text is empty or only whitespace
``truncated``         medium    an assistant turn that stops early: an unclosed code fence
                      or low    or a dangling "and"/"the" (medium); a trailing "..." or, in
                                a long turn, no closing punctuation at all (low)
``role-order``        medium    the assistant speaks first, two user turns in a row, a
                                system message after the start, a tool result with no tool
                                call before it, no assistant turn at the end
``duplicate-turn``    medium    a turn repeating the one before it word for word
``too-long``          medium    over the configured token (estimated) or character limit
``mojibake``          medium    UTF-8 read as Latin-1/cp1252: "Ã©", "â€™", "Ð¿"
``replacement-char``  medium    U+FFFD, where undecodable bytes were replaced
``control-char``      medium    control characters other than tab, newline and return
``zero-width``        low       zero-width space, word joiner or a stray byte-order mark
``html-entity``       low       HTML entities left in the text: "&amp;#39;", "&quot;"
====================  ========  ===========================================================

Spans point into the canonical record (``messages[2].content``, ``chosen[0].role``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from mentor.errors import ConfigError, RecordError
from mentor.qa.findings import Finding, Severity, Span
from mentor.records import Record, validate

CODES: Final[dict[str, Severity]] = {
    "schema": "high",
    "bad-label": "high",
    "empty-turn": "high",
    "truncated": "medium",
    "role-order": "medium",
    "duplicate-turn": "medium",
    "too-long": "medium",
    "mojibake": "medium",
    "replacement-char": "medium",
    "control-char": "medium",
    "zero-width": "low",
    "html-entity": "low",
}
_LABEL_FIELDS: Final = ("ranking", "scores", "margin", "tie")
# Latin-1 / cp1252 readings of UTF-8 continuation bytes 0x80-0xBF.
_CONT: Final = (
    "\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152"
    "\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
)
_DEBRIS: Final = re.compile(
    rf"(?P<mojibake>[\u00c2\u00c3\u00d0\u00d1][{_CONT}]|\u00e2[\u20ac\u0080][{_CONT}])"
    r"|(?P<replacement>\ufffd)"
    r"|(?P<control>[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f])"
    r"|(?P<zero_width>[\u200b\u2060\u180e\ufeff])"
    r"|(?P<entity>&(?:amp;)*(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|quot|apos|nbsp|lt|gt|amp"
    r"|[lr]squo|[lr]dquo|[mn]dash|hellip);)"
)
# Cheap first looks: a text that none of these finds has no debris.
_ASCII_SUSPECT: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f&]")
_SUSPECT: Final = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f&\u00c2\u00c3\u00d0\u00d1\u00e2\ufffd"
    r"\u200b\u2060\u180e\ufeff]"
)
_GROUP_CODE: Final = {
    "mojibake": "mojibake",
    "replacement": "replacement-char",
    "control": "control-char",
    "zero_width": "zero-width",
    "entity": "html-entity",
}
# Words a sentence practically never ends on ("a" is checked case-sensitively: "vitamin A").
_DANGLING: Final = frozenset(
    {"the", "an", "and", "or", "nor", "but", "of", "because", "if", "than", "as", "into", "onto"}
    | {"my", "your", "our", "their", "its", "whose", "very", "such", "the", "an"}
)
_OPEN_ENDINGS: Final = frozenset(",;:-(\u2013\u2014")
_LIST_ITEM: Final = re.compile(r"\s*(?:[-*+•|]|\d+[.)])")


@dataclass(frozen=True, slots=True)
class LintConfig:
    """Limits and scales the lint applies.

    `max_tokens` is estimated as UTF-8 bytes / `bytes_per_token` (about 4 for English) over the
    longest conversation a record trains on (prompt plus one response); `max_chars` counts
    characters the same way. Either may be None to turn it off. `rating_scale` (lowest,
    highest), when given, bounds every rating score. A turn of `truncation_min_chars` or more
    with no closing punctuation counts as truncated. Codes in `ignore` are not reported.
    """

    max_tokens: int | None = 8192
    max_chars: int | None = None
    bytes_per_token: float = 4.0
    rating_scale: tuple[float, float] | None = None
    truncation_min_chars: int = 200
    ignore: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # Options may come from the command line or YAML as a list or "a,b" text.
        ignore: Any = self.ignore
        if isinstance(ignore, str):
            ignore = [code.strip() for code in ignore.split(",") if code.strip()]
        object.__setattr__(self, "ignore", frozenset(ignore))
        if self.rating_scale is not None:
            object.__setattr__(self, "rating_scale", tuple(self.rating_scale))
            if len(self.rating_scale) != 2:
                raise ConfigError(
                    f"lint: rating_scale is (lowest, highest), got {self.rating_scale}"
                )
        unknown = sorted(self.ignore - CODES.keys())
        if unknown:
            raise ConfigError(
                f"lint: unknown code(s) to ignore: {', '.join(unknown)}; known: {', '.join(CODES)}"
            )
        if self.rating_scale is not None and self.rating_scale[0] > self.rating_scale[1]:
            raise ConfigError(f"lint: rating scale {self.rating_scale} has its ends reversed")
        if self.bytes_per_token <= 0:
            raise ConfigError("lint: bytes_per_token must be positive")


Turn = tuple[str, dict[str, Any]]  # field path of the message, the message


def conversations(rec: Record) -> list[list[Turn]]:
    """Each conversation the record trains on: the messages, or the prompt plus one response."""
    if rec["kind"] == "sft":
        return [[(f"messages[{i}]", m) for i, m in enumerate(rec["messages"])]]
    prompt = [(f"prompt[{i}]", m) for i, m in enumerate(rec["prompt"])]
    sides: list[tuple[str, Any]] = [
        (s, rec[s]) for s in ("chosen", "rejected", "response") if s in rec
    ]
    sides += [(f"responses[{i}]", r) for i, r in enumerate(rec.get("responses", ()))]
    return [prompt + [(f"{s}[{i}]", m) for i, m in enumerate(msgs)] for s, msgs in sides]


class _Report:
    """Findings for one record, minus ignored codes and repeats (a prompt is in every side)."""

    def __init__(self, record_id: str, ignore: frozenset[str]) -> None:
        self.record_id, self.ignore = record_id, ignore
        self.findings: list[Finding] = []
        self._seen: set[tuple[str, str | None, str]] = set()

    def add(
        self,
        code: str,
        message: str,
        span: Span | None = None,
        evidence: str = "",
        severity: Severity | None = None,
    ) -> None:
        key = (code, span.field if span else None, message)
        if code in self.ignore or key in self._seen:
            return
        self._seen.add(key)
        self.findings.append(
            Finding(self.record_id, "lint", code, severity or CODES[code], message, span, evidence)
        )


def _debris(report: _Report, path: str, text: str) -> None:
    first: dict[str, tuple[int, int, int]] = {}  # code -> start, end, count
    for m in _DEBRIS.finditer(text):
        code = _GROUP_CODE[m.lastgroup or ""]
        start, end, count = first.get(code, (m.start(), m.end(), 0))
        first[code] = (start, end, count + 1)
    for code, (start, end, count) in first.items():
        shown = ascii(text[start:end]) if code in ("control-char", "zero-width") else ""
        shown = shown or text[start:end]
        times = f" ({count} places)" if count > 1 else ""
        report.add(
            code,
            f"{code.replace('-', ' ')} {shown}{times}",
            Span(path, start, end),
            text[max(0, start - 30) : end + 30],
        )


def _truncation(report: _Report, path: str, text: str, min_chars: int) -> None:
    # An earlier assistant turn quoted in a prompt is context, not a target: it matters less.
    severity: Severity = "low" if path.startswith("prompt") else "medium"
    body = text.rstrip()
    end = len(body)
    span = Span(path, max(0, end - 40), end)
    tail = body[-80:]
    if "```" in body and sum(line.lstrip().startswith("```") for line in body.split("\n")) % 2:
        report.add("truncated", "ends inside an unclosed code fence", span, tail, severity)
    elif body.endswith(("...", "…")):
        report.add("truncated", "ends with an ellipsis", span, tail, "low")
    elif body[-1].isalnum() and (
        (word := body.rsplit(None, 1)[-1]) == "a" or word.lower() in _DANGLING
    ):
        report.add("truncated", f"ends mid-sentence on {word!r}", span, tail, severity)
    elif (body[-1].isalnum() or body[-1] in _OPEN_ENDINGS) and end >= min_chars:
        last_line = body.rsplit("\n", 1)[-1]
        if not _LIST_ITEM.match(last_line):
            report.add("truncated", "ends without closing punctuation", span, tail, "low")


def _turns(report: _Report, convs: list[list[Turn]], config: LintConfig) -> None:
    """Per-message checks, once per message: empty turns, truncation, encoding debris."""
    seen: set[str] = set()
    for conversation in convs:
        for path, msg in conversation:
            if path in seen:
                continue
            seen.add(path)
            content = msg.get("content")
            if isinstance(content, list):
                parts = [
                    (f"{path}.content[{j}].text", p.get("text")) for j, p in enumerate(content)
                ]
            else:
                parts = [(f"{path}.content", content)]
            for field, text in parts:
                if not isinstance(text, str):
                    continue
                if not text.strip():
                    if not msg.get("tool_calls"):
                        role = msg["role"]
                        span = Span(field, 0, len(text))
                        report.add("empty-turn", f"{role} turn is empty", span, repr(text[:40]))
                    continue
                if msg["role"] == "assistant" and not msg.get("tool_calls"):
                    _truncation(report, field, text, config.truncation_min_chars)
                if (_ASCII_SUSPECT if text.isascii() else _SUSPECT).search(text):
                    _debris(report, field, text)


def _role_span(path: str, msg: dict[str, Any]) -> Span:
    return Span(f"{path}.role", 0, len(msg["role"]))


def _order(report: _Report, conversation: list[Turn]) -> None:
    """Role order and repeated turns along one conversation."""
    prev: dict[str, Any] | None = None
    call_ids: set[str] | None = None  # ids of the tool calls awaiting results
    started = False  # whether anyone but the system has spoken
    for path, msg in conversation:
        role = msg["role"]
        problem = ""
        if role in ("system", "developer"):
            if started:
                problem = f"{role} message after the conversation started"
        elif role == "tool":
            if call_ids is None:
                problem = "tool result without a tool call before it"
            elif msg.get("tool_call_id") and call_ids and msg["tool_call_id"] not in call_ids:
                problem = f"tool result for {msg['tool_call_id']!r}, which no tool call made"
        elif not started or prev is None:
            if role == "assistant":
                problem = "the assistant speaks before the user"
        elif role == prev["role"] and not prev.get("tool_calls"):
            problem = f"two {role} turns in a row"
        elif prev.get("tool_calls"):
            problem = "a tool call with no tool result after it"
        if problem:
            report.add("role-order", problem, _role_span(path, msg), role)
        content = msg.get("content")
        before = prev.get("content") if prev is not None else None
        if (
            isinstance(content, str)
            and isinstance(before, str)
            and content.strip()
            and content.strip() == before.strip()
        ):
            span = Span(f"{path}.content", 0, len(content))
            report.add("duplicate-turn", "repeats the turn before it", span, content[:80])
        if msg.get("tool_calls"):
            call_ids = {str(c.get("id")) for c in msg["tool_calls"] if isinstance(c, dict)}
            call_ids.discard("None")
        elif role != "tool":
            call_ids = None
        started = started or role not in ("system", "developer")
        prev = msg
    if prev is not None and prev["role"] != "assistant":
        path = conversation[-1][0]
        report.add(
            "role-order",
            f"ends on a {prev['role']} turn, with no assistant reply",
            _role_span(path, prev),
            prev["role"],
        )


def _size(text: Any) -> tuple[int, int]:
    """(characters, UTF-8 bytes) of a message's text."""
    if isinstance(text, list):
        text = "".join(p.get("text", "") for p in text if isinstance(p.get("text"), str))
    if not isinstance(text, str):
        return 0, 0
    return len(text), len(text) if text.isascii() else len(text.encode("utf-8", "replace"))


def _length(report: _Report, conversations_: list[list[Turn]], config: LintConfig) -> None:
    chars = size = 0
    for conversation in conversations_:
        c, b = map(sum, zip(*(_size(m.get("content")) for _, m in conversation), strict=True))
        chars, size = max(chars, c), max(size, b)
    tokens = round(size / config.bytes_per_token)
    if config.max_tokens is not None and tokens > config.max_tokens:
        report.add("too-long", f"about {tokens:,} tokens, over the limit of {config.max_tokens:,}")
    if config.max_chars is not None and chars > config.max_chars:
        report.add("too-long", f"{chars:,} characters, over the limit of {config.max_chars:,}")


def _labels(report: _Report, rec: Record, config: LintConfig) -> None:
    if rec["kind"] == "preference":
        margin = rec.get("margin")
        if margin is not None and margin < 0:
            report.add(
                "bad-label",
                f"negative margin {margin}: chosen should be the better one",
                evidence=f"margin={margin}",
            )
        if rec.get("tie") and margin:
            report.add(
                "bad-label",
                f"a tie with a margin of {margin}",
                evidence=f"margin={margin}",
                severity="medium",
            )
        if not rec.get("tie") and _plain(rec["chosen"]) == _plain(rec["rejected"]):
            report.add(
                "bad-label",
                "chosen and rejected are the same response",
                evidence=_plain(rec["chosen"])[:80],
            )
    if rec["kind"] == "rating" and config.rating_scale is not None:
        low, high = config.rating_scale
        for criterion, score in rec["scores"].items():
            if not low <= score <= high:
                report.add(
                    "bad-label",
                    f"score {score} for {criterion!r} is outside the scale {low:g}..{high:g}",
                    evidence=f"scores.{criterion}={score}",
                )


def _plain(msgs: list[dict[str, Any]]) -> str:
    return "\n".join(" ".join(str(m.get("content") or "").casefold().split()) for m in msgs)


def lint_record(raw: Record, config: LintConfig = LintConfig()) -> list[Finding]:
    """Every lint finding for one record."""
    report = _Report(str(raw.get("id", "")), config.ignore)
    try:
        rec = validate(raw)
    except RecordError as err:
        field = err.field or ""
        code = "bad-label" if field.split(".")[0] in _LABEL_FIELDS else "schema"
        report.add(code, f"{field}: {err.reason}" if field else err.reason, evidence=field)
        return report.findings
    convs = conversations(rec)
    _turns(report, convs, config)
    for conversation in convs:
        _order(report, conversation)
    _length(report, convs, config)
    _labels(report, rec, config)
    return report.findings


class LintCheck:
    """Per-record defects: schema, empty and truncated turns, role order, labels, encoding."""

    name = "lint"

    def __init__(self, config: LintConfig = LintConfig()) -> None:
        self.config = config

    def prepare(self, batch: list[Record]) -> list[Finding]:
        """Lint every record of the batch."""
        config = self.config
        return [f for rec in batch for f in lint_record(rec, config)]

    def absorb(self, prepared: list[Finding]) -> list[Finding]:
        """Pass the batch's findings through."""
        return prepared

    def finish(self) -> list[Finding]:
        """Nothing corpus-wide: lint looks at one record at a time."""
        return []
