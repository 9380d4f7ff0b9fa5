"""Text and JSON from outside (a model's answer, a plug-in's grade) as every store can hold them.

A model can answer anything: a NUL character (PostgreSQL text columns refuse it), a lone UTF-16
surrogate from a JSON escape (not valid UTF-8, so neither SQLite nor orjson takes it), an
integer beyond 64 bits (orjson refuses it). Stored as they came, they made the write of a whole
batch of results fail. Here each NUL or lone surrogate becomes U+FFFD, the replacement character
people know as "something was here", and an integer beyond 64 bits is kept as its decimal text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Final

import orjson

from mentor.providers.base import Completion

_UNSTORABLE: Final = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT: Final = "\ufffd"
_INT64: Final = range(-(2**63), 2**63)


def storable_text(text: str) -> str:
    """`text` with each NUL and lone surrogate replaced by U+FFFD (unchanged when it has none)."""
    return _UNSTORABLE.sub(REPLACEMENT, text) if _UNSTORABLE.search(text) else text


def storable_json(value: Any) -> Any:
    """`value` as JSON every store holds: strings through :func:`storable_text`, integers beyond
    64 bits as text, tuples as lists, other objects as their ``str``."""
    try:
        encoded = orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:  # a lone surrogate or an integer beyond 64 bits somewhere inside
        return _cleaned(value)
    plain = orjson.loads(encoded)
    return _cleaned(plain) if b"\\u0000" in encoded else plain


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        return value if value in _INT64 else str(value)
    if isinstance(value, dict):
        return {storable_text(str(k)): _cleaned(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(v) for v in value]
    return storable_text(str(value))


def storable_completion(completion: Completion) -> Completion:
    """`completion` with its text and raw payload made storable (itself when they already are)."""
    text = storable_text(completion.text) if isinstance(completion.text, str) else completion.text
    raw = storable_json(completion.raw)
    if text is completion.text and raw == completion.raw:
        return completion
    return replace(completion, text=text, raw=raw)
