"""JSON responses of the SDK's dataclasses, encoded once by orjson.

FastAPI's ``jsonable_encoder`` walks a value in Python and ``json.dumps`` walks it again; orjson
encodes dataclasses, datetimes (ISO 8601) and enums itself, once, in C. Anything it does not know
(a path, a set) goes through ``jsonable_encoder``, so every value the API returned before still
encodes the same way.
"""

from __future__ import annotations

from typing import Any, Final

import orjson
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response

_OPTIONS: Final = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


class JsonBody(Response):
    """A JSON response whose body is encoded by orjson (see the module docstring)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=jsonable_encoder, option=_OPTIONS)


def json_body(value: Any, status: int = 200) -> JsonBody:
    """`value` (dataclasses, lists and dicts of them) as a JSON response."""
    return JsonBody(value, status_code=status)
