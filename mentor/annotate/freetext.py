"""Free text people write into a project (rationales, comments, questions, answers, notes,
guidelines, the text fields of a label) has a length limit, checked where the text enters.

The limit is the setting ``MENTOR_MAX_TEXT_CHARS``; it is read when the text arrives, so the
CLI, the SDK, the forms and the JSON API refuse the same text with the same message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mentor.config import load_settings
from mentor.errors import InputError


def text_limit() -> int:
    """The most characters one piece of free text may have (``MENTOR_MAX_TEXT_CHARS``)."""
    return load_settings().max_text_chars


def _refuse(length: int, limit: int, field: str, where: str | None) -> InputError:
    return InputError(
        f"{length:,} characters is too long; at most {limit:,} are accepted (the setting "
        "MENTOR_MAX_TEXT_CHARS); shorten the text",
        where=where,
        field=field,
    )


def check_text(text: str, field: str, *, where: str | None = None) -> None:
    """Refuse `text` longer than the limit, naming `field` and the limit, or holding a NUL
    character (pasted binary; PostgreSQL cannot store it in text)."""
    limit = text_limit()
    if len(text) > limit:
        raise _refuse(len(text), limit, field, where)
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError(
            f"contains a NUL character (at character {nul + 1:,}); remove it",
            where=where,
            field=field,
        )


def check_label(value: Any, field: str = "payload") -> None:
    """Refuse a label (or any JSON-like value) holding a string longer than the limit, naming
    the string's place (``payload.rationale``, ``payload.spans[2].correction``)."""
    limit = text_limit()
    pending: list[tuple[Any, str]] = [(value, field)]
    while pending:
        item, place = pending.pop()
        if isinstance(item, str):
            if len(item) > limit:
                raise _refuse(len(item), limit, place, None)
        elif isinstance(item, Mapping):
            for key, inner in item.items():
                name = str(key)
                if len(name) > limit:
                    raise _refuse(len(name), limit, f"{place} (a key)", None)
                pending.append((inner, f"{place}.{name}"))
        elif isinstance(item, list | tuple):
            pending.extend((inner, f"{place}[{i}]") for i, inner in enumerate(item))
