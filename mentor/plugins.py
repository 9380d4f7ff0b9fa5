"""Plug-in points: named factories, built in or declared by installed packages as entry points.

Built-ins are :class:`EntryPoint` objects exactly like third-party ones, so both are found,
listed and loaded the same way; a plug-in that cannot be imported breaks only what names it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from mentor.errors import InputError


def registered(group: str, builtin: Iterable[EntryPoint]) -> dict[str, EntryPoint]:
    """Every plug-in of `group` by name: the built-ins, then those installed packages declare."""
    found = {ep.name: ep for ep in builtin}
    for ep in entry_points(group=group):
        found.setdefault(ep.name, ep)
    return found


def load(
    kind: str,
    name: str,
    found: Mapping[str, EntryPoint],
    *,
    hint: str = "",
    where: str | None = None,
    field: str | None = None,
) -> Callable[..., Any]:
    """The factory registered as `name`; an unknown, broken or non-callable one is an
    :class:`InputError` naming the `kind` (``check``, ``grader``) and the place."""
    if name not in found:
        raise InputError(
            f"unknown {kind} '{name}'; expected one of {', '.join(sorted(found))}{hint}",
            where=where,
            field=field,
        )
    try:
        factory = found[name].load()
    except (ImportError, AttributeError) as exc:
        raise InputError(
            f"{kind} '{name}' ({found[name].value}) cannot be loaded: {exc}",
            where=where,
            field=field,
        ) from exc
    if not callable(factory):
        raise InputError(
            f"{kind} '{name}' ({found[name].value}) is not callable", where=where, field=field
        )
    return factory  # type: ignore[no-any-return]
