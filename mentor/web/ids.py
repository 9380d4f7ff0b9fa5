"""Ids in addresses and request bodies: a whole number a row could have, else "not found".

Every integer id a route takes (``/evals/runs/{run_id}``, ``?after=``, a form's
``assignment_id``) is one of these types, so a number no row can have (negative, 0, past 64
bits) is answered 404 with the reason, never handed to the database (which cannot even ask
about a number past 64 bits). Text that is not a number stays a 400.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Form, Path, Query
from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from mentor.store.ids import LARGEST_ID, is_row_id

OUT_OF_RANGE: Final = "id_out_of_range"
"""The validation error type of an id no row can have (the app answers it 404)."""
_RANGE: Final = {"minimum": 1, "maximum": LARGEST_ID}


def _row_id(value: int) -> int:
    if not is_row_id(value):
        raise PydanticCustomError(
            OUT_OF_RANGE,
            "no such id: ids are whole numbers from 1 to {largest}, got {value}",
            {"largest": LARGEST_ID, "value": value},
        )
    return value


def _optional(value: int | None) -> int | None:
    return None if value is None else _row_id(value)


def _blank(value: object) -> object:
    """``?after=`` with nothing after it is the first page, as with no ``after`` at all."""
    return None if value == "" else value


def _cursor(value: int | None) -> int | None:
    """A page cursor may also be 0 (start at the beginning)."""
    return value if value is None or value == 0 else _row_id(value)


RowId = Annotated[int, AfterValidator(_row_id)]
"""An id inside a request body (a pydantic field)."""
PathId = Annotated[int, Path(json_schema_extra=_RANGE), AfterValidator(_row_id)]
"""An id in the path: ``/evals/runs/{run_id}``."""
FormId = Annotated[int | None, Form(json_schema_extra=_RANGE), AfterValidator(_optional)]
"""An optional id in a submitted form."""
AfterId = Annotated[
    int | None,
    Query(json_schema_extra={**_RANGE, "minimum": 0}, description="The id this page starts after."),
    BeforeValidator(_blank),
    AfterValidator(_cursor),
]
"""A page cursor, ``?after=ID``: the page starts after this id (none or 0: the first page)."""
