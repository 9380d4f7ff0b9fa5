"""Task forms: reading the fields a task page posts into the payload a task type validates.

Parsing only: whether the payload is a valid label is for the task type's ``validate`` to say
(it names the field that is wrong), so a reader leaves missing answers out rather than guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final, Protocol

from mentor.errors import InputError

MAX_ROWS: Final = 200
"""The most numbered rows (claims, spans, ranks) a reader looks for."""


class FormFields(Protocol):
    """The posted fields of a form (Starlette's ``FormData`` is one)."""

    def __contains__(self, key: Any, /) -> bool: ...

    def __iter__(self) -> Iterator[str]: ...

    def get(self, key: str, /) -> Any: ...

    def getlist(self, key: Any) -> list[Any]: ...


def text(form: FormFields, key: str) -> str:
    """A field's value, stripped ('' when it is missing)."""
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def raw(form: FormFields, key: str) -> str:
    """A text area's value as typed (only line endings normalised)."""
    value = form.get(key)
    return value.replace("\r\n", "\n") if isinstance(value, str) else ""


def whole(form: FormFields, key: str, field: str) -> int | None:
    """A field's whole number (None when blank); anything else is an InputError on `field`."""
    value = text(form, key)
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InputError(f"expected a whole number, got {value!r:.40}", field=field) from None
