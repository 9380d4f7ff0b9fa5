"""Building a provider from a spec string (``openai:MODEL@URL``) or dict; third parties register
more through the ``mentor.providers`` entry-point group, the same way the built-ins are listed."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from mentor.errors import ConfigError
from mentor.evals.providers.base import Provider

Factory = Callable[[str | None, dict[str, Any], Engine | None], Provider]
"""Makes a provider from the text after ``NAME:`` (None in dict form), options and the store."""

SPEC_HELP = (
    "smollm2, openai:MODEL[@BASE_URL], anthropic:MODEL, hf:PATH, command:COMMAND, "
    "replay:RUN_ID or replay:FILE.jsonl"
)


def _model_at_url(name: str, arg: str | None, options: dict[str, Any]) -> tuple[str, str | None]:
    model, _, url = (arg or "").partition("@")
    model = model or options.pop("model", "")
    url = url or options.pop("base_url", None)
    if not model:
        raise ConfigError(f"provider '{name}' needs a model, e.g. {name}:MODEL")
    return model, url or None


def _openai(arg: str | None, options: dict[str, Any], _engine: Engine | None) -> Provider:
    from mentor.evals.providers.openai_compat import OpenAIProvider

    model, url = _model_at_url("openai", arg, options)
    return OpenAIProvider(model, url, **options)


def _anthropic(arg: str | None, options: dict[str, Any], _engine: Engine | None) -> Provider:
    from mentor.evals.providers.anthropic_api import AnthropicProvider

    model, url = _model_at_url("anthropic", arg, options)
    return AnthropicProvider(model, url, **options)


def _hf(arg: str | None, options: dict[str, Any], _engine: Engine | None) -> Provider:
    from mentor.evals.providers.local import LocalHFProvider

    path = arg or options.pop("path", None)
    if not path:
        raise ConfigError("provider 'hf' needs a path, e.g. hf:./my-model or hf:model.gguf")
    return LocalHFProvider(path, **options)


def _smollm2(_arg: str | None, _options: dict[str, Any], _engine: Engine | None) -> Provider:
    from mentor.evals.providers.local import SmolLM2Provider

    return SmolLM2Provider()


def _command(arg: str | None, options: dict[str, Any], _engine: Engine | None) -> Provider:
    from mentor.evals.providers.command import CommandProvider

    command = arg or options.pop("command", None)
    if not command:
        raise ConfigError("provider 'command' needs a command, e.g. command:./model.sh")
    return CommandProvider(command, **options)


def _replay(arg: str | None, options: dict[str, Any], engine: Engine | None) -> Provider:
    from mentor.evals.providers.replay import FileReplayProvider, RunReplayProvider

    source = str(arg or options.pop("source", "") or options.pop("run", ""))
    if source.isdigit():
        if engine is None:
            raise ConfigError(f"replay:{source} needs a workspace to read run {source} from")
        return RunReplayProvider(engine, int(source))
    if not source or not Path(source).suffix:
        raise ConfigError(f"replay:{source}: expected a run id or a .jsonl file")
    return FileReplayProvider(source, **options)


_BUILTIN: dict[str, Factory] = {
    "anthropic": _anthropic,
    "command": _command,
    "hf": _hf,
    "openai": _openai,
    "replay": _replay,
    "smollm2": _smollm2,
}
_REGISTERED: dict[str, Factory] = {}


def register_provider(name: str, factory: Factory) -> None:
    """Make ``NAME:...`` specs build providers with `factory` (overrides a built-in)."""
    _REGISTERED[name] = factory


def provider_names() -> list[str]:
    """Every provider name a spec may start with."""
    plugins = {ep.name for ep in entry_points(group="mentor.providers")}
    return sorted({*_BUILTIN, *_REGISTERED, *plugins})


def _factory(name: str) -> Factory:
    if name in _REGISTERED:
        return _REGISTERED[name]
    if name in _BUILTIN:
        return _BUILTIN[name]
    for ep in entry_points(group="mentor.providers"):
        if ep.name == name:
            factory: Factory = ep.load()
            return factory
    raise ConfigError(f"unknown provider '{name}'; expected one of: {SPEC_HELP}")


def build_provider(spec: str | dict[str, Any], *, engine: Engine | None = None) -> Provider:
    """A provider from a spec string or a dict with ``type`` and its options.

    ``engine`` is the workspace store, needed only by ``replay:RUN_ID``.
    """
    if isinstance(spec, str):
        name, sep, arg = spec.strip().partition(":")
        options: dict[str, Any] = {}
        if not name:
            raise ConfigError(f"--provider: empty spec; expected one of: {SPEC_HELP}")
        return _factory(name)(arg if sep else None, options, engine)
    options = dict(spec)
    system = options.pop("system", None)
    if system is not None:
        if not isinstance(system, str) or not system.strip():
            raise ConfigError(f"provider spec {spec!r}: 'system' must be a non-empty string")
        from mentor.evals.providers.system_prompt import SystemPrompted

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
