"""Generation parameters from what people type (``--param temperature=0.7``) or a mapping.

Each value is checked against the range providers accept, so a typo is refused before a run
starts instead of failing every call (or being stored as a number JSON cannot hold).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, fields
from typing import Any, Final

from mentor.errors import InputError
from mentor.providers.base import GenerationParams

MAX_TOKENS: Final = 1_000_000
"""The most tokens a call may ask for: far above any model's context, far below absurd."""
TEMPERATURE: Final = (0.0, 2.0)  # OpenAI's documented range; Anthropic's [0, 1] lies inside
INT64: Final = (-(2**63), 2**63 - 1)  # what a seed may be, and what JSON writers can hold


def generation_params(
    values: GenerationParams | Mapping[str, Any] | None, *, where: str = "--param"
) -> GenerationParams:
    """Checked parameters from a mapping (values may be strings, as from ``--param k=v``);
    `where` names the place in an error (the flag, or the run they were stored with)."""
    if values is None:
        return GenerationParams()
    if isinstance(values, GenerationParams):
        values = asdict(values)
    known = {f.name for f in fields(GenerationParams)}
    parsed: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise InputError(
                f"unknown parameter; expected one of {', '.join(known)}", where=where, field=key
            )
        try:
            parsed[key] = _check(key, _coerce(key, value))
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"{_shown(value)} is not a valid value ({exc})", where=where, field=key
            ) from None
    return GenerationParams(**parsed)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def _coerce(key: str, value: Any) -> Any:
    if key == "stop":
        if isinstance(value, str):
            return tuple(s for s in value.split(",") if s)
        if not all(isinstance(s, str) for s in value):
            raise TypeError("expected strings")
        return tuple(value)
    if isinstance(value, bool):
        raise TypeError("expected a number, not true/false")
    if key == "seed" and (value is None or str(value).strip().lower() in ("none", "")):
        return None
    if key in ("seed", "max_tokens"):
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("expected a whole number")
        try:
            return int(value)
        except ValueError:
            raise ValueError("expected a whole number") from None
    try:
        number = float(value)
    except ValueError:
        raise ValueError("expected a number") from None
    if not math.isfinite(number):
        raise ValueError("expected a finite number")
    return number


def _check(key: str, value: Any) -> Any:
    if key == "max_tokens" and not 1 <= value <= MAX_TOKENS:
        raise ValueError(f"expected a whole number from 1 to {MAX_TOKENS:,}")
    if key == "temperature" and not TEMPERATURE[0] <= value <= TEMPERATURE[1]:
        raise ValueError(f"expected a number from {TEMPERATURE[0]:g} to {TEMPERATURE[1]:g}")
    if key == "top_p" and not 0 < value <= 1:
        raise ValueError("expected a number above 0 and at most 1")
    if key == "seed" and value is not None and not INT64[0] <= value <= INT64[1]:
        raise ValueError("expected a whole number that fits in 64 bits")
    return value
