"""Building a provider from a spec string (``openai:MODEL@URL``) or dict.

Built-in providers are entry points exactly like third-party ones, which a package declares in
the ``mentor.providers`` group (see :data:`mentor.plugins.GROUPS`)::

    [project.entry-points."mentor.providers"]
    mymodel = "my_package.providers:from_spec"
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import EntryPoint
from typing import Any, Final

from sqlalchemy import Engine

from mentor import plugins
from mentor.errors import ConfigError
from mentor.providers.base import Provider

Factory = Callable[[str | None, dict[str, Any], Engine | None], Provider]
"""Makes a provider from the text after ``NAME:`` (None in dict form), options and the store."""

GROUP: Final = "mentor.providers"
BUILTIN: Final = tuple(
    EntryPoint(name, f"mentor.providers.specs:{name}", GROUP)
    for name in ("anthropic", "command", "hf", "openai", "replay", "smollm2", "train")
)
SPEC_HELP = (
    "smollm2, openai:MODEL[@BASE_URL], anthropic:MODEL, hf:PATH, command:COMMAND, "
    "replay:RUN_ID[@NAME], replay:FILE.jsonl[@NAME] or train:RUN"
)


def register_provider(name: str, factory: Factory) -> None:
    """Make ``NAME:...`` specs build providers with `factory` (overrides a built-in)."""
    plugins.register(GROUP, name, factory)


def registered() -> dict[str, EntryPoint]:
    """Every provider by name: the built-ins, then those installed packages declare."""
    return plugins.registered(GROUP, BUILTIN)


def provider_names() -> list[str]:
    """Every provider name a spec may start with."""
    return sorted(registered())


def _factory(name: str) -> Factory:
    found = registered()
    if name not in found:
        raise ConfigError(f"unknown provider '{name}'; expected one of: {SPEC_HELP}")
    factory: Factory = plugins.load("provider", name, found)
    return factory


def build_provider(spec: str | dict[str, Any], *, engine: Engine | None = None) -> Provider:
    """A provider from a spec string or a dict with ``type`` and its options.

    ``engine`` is the workspace store, needed only by ``replay:RUN_ID``.
    """
    if isinstance(spec, str):
        name, sep, arg = spec.strip().partition(":")
        options: dict[str, Any] = {}
        if not name:
            raise ConfigError(f"empty spec; expected one of: {SPEC_HELP}")
        return _factory(name)(arg if sep else None, options, engine)
    options = dict(spec)
    system = options.pop("system", None)
    if system is not None:
        if not isinstance(system, str) or not system.strip():
            raise ConfigError(f"provider spec {spec!r}: 'system' must be a non-empty string")
        from mentor.providers.system_prompt import SystemPrompted

        return SystemPrompted(build_provider(options or {"spec": ""}, engine=engine), system)
    if "spec" in options:
        inner = options.pop("spec")
        if options or not isinstance(inner, str):
            raise ConfigError(
                f"provider spec {spec!r}: 'spec' takes a spec string and only 'system' beside it"
            )
        return build_provider(inner, engine=engine)
    name = str(options.pop("type", "") or options.pop("provider", ""))
    if not name:
        raise ConfigError(f"provider spec {spec!r} needs 'type' (one of {provider_names()})")
    try:
        return _factory(name)(None, options, engine)
    except TypeError as exc:
        raise ConfigError(f"provider '{name}': {exc}") from exc


def check_spec(spec: str | dict[str, Any]) -> None:
    """Refuse a spec that cannot work, without building its provider: an unknown name, and for
    the built-ins what their text must be (see :data:`mentor.providers.specs.CHECKS`)."""
    from mentor.providers.specs import CHECKS

    if isinstance(spec, str):
        name, sep, arg = spec.strip().partition(":")
        options: dict[str, Any] = {}
    elif "spec" in spec or "system" in spec:
        inner = spec.get("spec", "")
        if not isinstance(inner, str):
            raise ConfigError(f"provider spec {spec!r}: 'spec' takes a spec string")
        check_spec(inner)
        return
    else:
        options = dict(spec)
        name, sep, arg = str(options.pop("type", "") or options.pop("provider", "")), "", ""
    if not name:
        raise ConfigError(f"empty spec; expected one of: {SPEC_HELP}")
    found = registered()
    if name not in found:
        raise ConfigError(f"'{name}' is not a provider; expected one of: {SPEC_HELP}")
    if found[name].value == f"mentor.providers.specs:{name}" and name in CHECKS:
        CHECKS[name](arg if sep else None, options)
