"""Generation parameters from what people type (``--param temperature=0.7``) or a mapping."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from mentor.errors import InputError
from mentor.providers.base import GenerationParams


def generation_params(values: GenerationParams | Mapping[str, Any] | None) -> GenerationParams:
    """Parameters from a mapping (values may be strings, as from ``--param k=v``)."""
    if values is None or isinstance(values, GenerationParams):
        return values or GenerationParams()
    known = {f.name: f.type for f in fields(GenerationParams)}
    parsed: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise InputError(
                f"unknown parameter; expected one of {', '.join(known)}", where="--param", field=key
            )
        try:
            parsed[key] = _coerce(key, value)
        except ValueError as exc:
            raise InputError(
                f"{value!r} is not a valid value ({exc})", where="--param", field=key
            ) from exc
    return GenerationParams(**parsed)


def _coerce(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return tuple(value) if key == "stop" else value
    if key == "stop":
        return tuple(s for s in value.split(",") if s)
    if key == "seed":
        return None if value.lower() in ("none", "") else int(value)
    return int(value) if key == "max_tokens" else float(value)
