"""Reading a feedback file: user reports, support tickets, thumbs-down logs with the conversation.

Each line (JSONL) or row (CSV) is one report with a ``text`` (or ``comment``, ``body``) and/or a
``messages`` (or ``conversation``) list of chat messages, and optionally an ``id`` (text or a
whole number), ``created_at`` (ISO-8601), ``channel`` (text) and ``rating`` (a label or a
number). A ``user``/``user_id``/``email`` field is personal
data: it is read past and never stored. Every text is scrubbed of PII by the QA scanner before
anything is kept; near-duplicates (MinHash over word 3-grams, verified Jaccard) are folded into
the first report of their group.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import orjson

from mentor.datasets.readers import guess_format, open_reader
from mentor.errors import InputError, RecordError
from mentor.qa.checks.near_dup import NearDupCheck
from mentor.qa.lsh import clusters
from mentor.qa.pii import find_pii
from mentor.qa.redact import redact
from mentor.records import messages as checked_messages

TEXT_FIELDS: Final = ("text", "comment", "body")
MESSAGE_FIELDS: Final = ("messages", "conversation")
FORMATS: Final = ("jsonl", "json", "csv")
DEDUP_THRESHOLD: Final = 0.7
DEDUP_NGRAM: Final = 3
MAX_TEXT_CHARS: Final = 20_000
_PLACEHOLDER: Final = re.compile(r"<[A-Z][A-Z0-9_]*>")


@dataclass(frozen=True)
class Report:
    """One report as kept: scrubbed text and conversation, and what was scrubbed, per kind."""

    line: int
    source_id: str
    text: str
    messages: tuple[dict[str, Any], ...] | None
    channel: str | None = None
    rating: str | None = None
    reported_at: str | None = None
    pii: dict[str, int] = field(default_factory=dict)

    @property
    def prompt(self) -> str:
        """The user's last message, or the report's text when it has no conversation."""
        users = [m for m in self.messages or () if m.get("role") == "user"]
        content = users[-1].get("content") if users else None
        return content if isinstance(content, str) and content else self.text

    @property
    def theme_text(self) -> str:
        """What the report is compared and clustered on: its text and the user's last message,
        without PII placeholders (contact details say nothing about the complaint)."""
        parts = [self.text, self.prompt]
        return _PLACEHOLDER.sub(" ", "\n".join(dict.fromkeys(p for p in parts if p)))


def scrub(text: str, found: Counter[str]) -> str:
    """`text` with its PII replaced by typed placeholders; counts what was replaced in `found`."""
    spans = find_pii(text)
    found.update(d.code for d in spans)
    return redact(text, spans) if spans else text


def _scrub_messages(raw: Any, found: Counter[str]) -> tuple[dict[str, Any], ...]:
    if isinstance(raw, str) and raw.lstrip().startswith("["):  # a CSV cell holding JSON
        try:
            raw = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise RecordError(f"not a JSON list of messages: {exc.msg}", field="messages") from exc
    out = []
    for m in checked_messages(raw, "messages"):
        content = m.get("content")
        if isinstance(content, str):
            m = {**m, "content": scrub(content, found)}
        out.append(m)
    return tuple(out)


def _optional(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    return None if value is None or value == "" else str(value)[:200]


def _id(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
        raise RecordError(f"expected a text or whole-number id, got {value!r:.60}", field=name)
    return _optional(data, name)


def _text(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise RecordError(f"expected text, got {value!r:.60}", field=name)
    return _optional(data, name)


def _rating(data: dict[str, Any]) -> str | None:
    """A label ("down", "thumbs-up") or a score (1 to 5 stars, 0.2)."""
    value = data.get("rating")
    if isinstance(value, bool) or not isinstance(value, str | int | float | None):
        raise RecordError(
            f"expected a label such as 'down' or a number, got {value!r:.60}", field="rating"
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise RecordError(f"expected a finite number, got {value!r}", field="rating")
    return _optional(data, "rating")


def _reported_at(data: dict[str, Any]) -> str | None:
    """An ISO-8601 date or date and time, as written (2026-12-02, 2026-12-02T10:01:00Z)."""
    value = _text(data, "created_at")
    if value is None:
        return None
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        raise RecordError(
            f"expected an ISO-8601 date or time such as 2026-12-02T10:01:00Z, got {value!r:.60}",
            field="created_at",
        ) from None
    return value.strip()


def _scrubbed(value: str | None, found: Counter[str]) -> str | None:
    return None if value is None else scrub(value, found)


def parse_report(data: dict[str, Any], line: int) -> Report:
    """One report from a parsed line; raises RecordError naming the field."""
    found: Counter[str] = Counter()
    text_field = next((f for f in TEXT_FIELDS if data.get(f) not in (None, "")), None)
    text = data.get(text_field) if text_field else ""
    if not isinstance(text, str):
        raise RecordError(f"expected text, got {type(text).__name__}", field=text_field)
    if len(text) > MAX_TEXT_CHARS:
        raise RecordError(f"over {MAX_TEXT_CHARS:,} characters", field=text_field)
    msg_field = next((f for f in MESSAGE_FIELDS if data.get(f) not in (None, "", [])), None)
    msgs = _scrub_messages(data[msg_field], found) if msg_field else None
    if not text and not msgs:
        raise RecordError(
            "a report needs a text (text, comment or body) or a conversation (messages)",
            field="text",
        )
    source_id = _id(data, "id") or _id(data, "ticket_id") or f"line-{line}"
    return Report(
        line=line,
        source_id=scrub(source_id, found),
        text=scrub(text, found),
        messages=msgs,
        channel=_scrubbed(_text(data, "channel"), found),
        rating=_scrubbed(_rating(data), found),
        reported_at=_reported_at(data),
        pii=dict(sorted(found.items())),
    )


def read_reports(
    path: Path, max_line_bytes: int, fmt: str | None = None
) -> tuple[str, list[Report]]:
    """(file SHA-256, reports) of a JSONL, JSON or CSV feedback file; the first bad line stops
    the import with an InputError naming file:line and the field."""
    fmt = fmt or guess_format(path)
    if fmt not in FORMATS:
        raise InputError(f"a feedback file is {', '.join(FORMATS)}, not {fmt}", where=str(path))
    reader = open_reader(path, fmt, max_line_bytes)
    reports = []
    for row in reader.rows():
        where = f"{path}:{row.line}"
        if row.error is not None or row.data is None:
            raise InputError(row.error or "unreadable", where=where)
        try:
            reports.append(parse_report(row.data, row.line))
        except RecordError as exc:
            raise InputError(exc.reason, where=where, field=exc.field) from exc
    if not reports:
        raise InputError("the file holds no reports", where=str(path))
    return reader.sha256 or "", reports


@dataclass(frozen=True)
class Folding:
    """Near-duplicates: ``keeper[i]`` is the report i was folded into (i itself when kept)."""

    keeper: tuple[int, ...]
    similarity: tuple[float, ...]

    @property
    def duplicates(self) -> int:
        """How many reports were folded into another."""
        return sum(k != i for i, k in enumerate(self.keeper))


def fold_duplicates(texts: Sequence[str], threshold: float = DEDUP_THRESHOLD) -> Folding:
    """Group near-duplicate texts (verified Jaccard >= `threshold` over word 3-grams); the
    first text of each group is kept."""
    check = NearDupCheck(threshold=threshold, ngram=DEDUP_NGRAM)
    sketch = check.sketch([str(i) for i in range(len(texts))], list(texts))
    edges, sims = check.pairs(sketch)
    keeper = clusters(len(texts), edges)
    # A folded report's similarity: its closest verified neighbour in the group.
    best = [1.0 if keeper[i] == i else 0.0 for i in range(len(texts))]
    pairs = zip(edges.left.tolist(), edges.right.tolist(), sims.tolist(), strict=True)
    for left, right, sim in pairs:
        for doc in (left, right):
            if keeper[doc] != doc:
                best[doc] = max(best[doc], sim)
    return Folding(tuple(int(k) for k in keeper), tuple(best))
