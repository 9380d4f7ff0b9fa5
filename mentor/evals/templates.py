"""Prompt templates: ``{name}`` placeholders filled from a case's variables, and nothing more.

Only plain names are allowed (no ``{obj.attr}`` or ``{items[0]}``), so a template can never reach
into Python objects; ``{{`` and ``}}`` write literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from string import Formatter
from typing import Any, Final

from mentor.errors import InputError

MAX_WIDTH: Final = 10_000
"""The largest width or precision a placeholder may ask for (``{x:>99999999999}`` would try to
build a string of that many characters)."""


def template_fields(text: str) -> list[str]:
    """The variable names `text` uses, in order of first use."""
    names: list[str] = []
    for _literal, field, _spec, _conv in Formatter().parse(text):
        if field is not None and field not in names:
            names.append(field)
    return names


def _convert(value: Any, conversion: str | None) -> Any:
    if conversion == "r":
        return repr(value)
    if conversion == "a":
        return ascii(value)
    return str(value) if conversion == "s" else value


def render(
    text: str, variables: Mapping[str, Any], *, case_id: str, where: str | None = None
) -> str:
    """`text` with each ``{name}`` replaced by ``variables[name]``.

    A missing variable, a placeholder that is not a plain name, or an unbalanced brace raises
    :class:`InputError` naming the case.
    """
    try:
        parts = list(Formatter().parse(text))
    except ValueError as exc:
        raise InputError(
            f"case '{case_id}': template is malformed ({exc}); write {{{{ and }}}} for "
            "literal braces",
            where=where,
        ) from exc
    out: list[str] = []
    for literal, field, spec, conversion in parts:
        out.append(literal)
        if field is None:
            continue
        if not field.isidentifier():
            raise InputError(
                f"case '{case_id}': template placeholder {{{field}}} is not a plain variable "
                "name (attributes and indexes are not allowed)",
                where=where,
            )
        if field not in variables:
            given = ", ".join(sorted(variables)) or "none"
            raise InputError(
                f"case '{case_id}': template variable '{field}' is missing (variables given: "
                f"{given})",
                where=where,
            )
        if spec and "{" in spec:
            raise InputError(
                f"case '{case_id}': nested placeholders in {{{field}:{spec}}} are not allowed",
                where=where,
            )
        if any(int(digits) > MAX_WIDTH for digits in re.findall(r"\d+", spec or "")):
            raise InputError(
                f"case '{case_id}': the width or precision in {{{field}:{spec}}} is too large; "
                f"at most {MAX_WIDTH:,}",
                where=where,
            )
        try:
            out.append(format(_convert(variables[field], conversion), spec or ""))
        except (ValueError, TypeError) as exc:
            raise InputError(
                f"case '{case_id}': cannot format variable '{field}' as '{spec}': {exc}",
                where=where,
            ) from exc
    return "".join(out)
