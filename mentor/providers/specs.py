"""The built-in providers' factories: each reads the text after ``NAME:`` and the options.

The registry names these by path (``mentor.providers.specs:openai``), as it does a plug-in's
factory; each imports its provider only when called, so an unused SDK is never loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from mentor.errors import ConfigError
from mentor.providers.base import Provider


def _model_at_url(name: str, arg: str | None, options: dict[str, Any]) -> tuple[str, str | None]:
    model, _, url = (arg or "").partition("@")
    model = model or options.pop("model", "")
    url = url or options.pop("base_url", None)
    if not model:
        raise ConfigError(f"provider '{name}' needs a model, e.g. {name}:MODEL")
    return model, url or None


def openai(arg: str | None, options: dict[str, Any], _engine: Engine | None) -> Provider:
    """``openai:MODEL[@BASE_URL]``: OpenAI or any OpenAI-compatible server."""
    from mentor.providers.openai_compat import OpenAIProvider

    model, url = _model_at_url("openai", arg, options)
    return OpenAIProvider(model, url, **options)


def anthropic(arg: str | None, options: dict[str, Any], _engine: Engine | None) -> Provider:
    """``anthropic:MODEL``: Anthropic's API."""
    from mentor.providers.anthropic_api import AnthropicProvider

    model, url = _model_at_url("anthropic", arg, options)
    return AnthropicProvider(model, url, **options)


def hf(arg: str | None, options: dict[str, Any], _engine: Engine | None) -> Provider:
    """``hf:PATH``: a Hugging Face model folder or a ``.gguf`` file, on the CPU."""
    from mentor.providers.local import LocalHFProvider

    path = arg or options.pop("path", None)
    if not path:
        raise ConfigError("provider 'hf' needs a path, e.g. hf:./my-model or hf:model.gguf")
    return LocalHFProvider(path, **options)


def smollm2(_arg: str | None, _options: dict[str, Any], _engine: Engine | None) -> Provider:
    """``smollm2``: the bundled SmolLM2-135M-Instruct."""
    from mentor.providers.local import SmolLM2Provider

    return SmolLM2Provider()


def command(arg: str | None, options: dict[str, Any], _engine: Engine | None) -> Provider:
    """``command:COMMAND``: an external program answering on stdout."""
    from mentor.providers.command import CommandProvider

    command = arg or options.pop("command", None)
    if not command:
        raise ConfigError("provider 'command' needs a command, e.g. command:./model.sh")
    return CommandProvider(command, **options)


def replay(arg: str | None, options: dict[str, Any], engine: Engine | None) -> Provider:
    """``replay:RUN_ID[@NAME]`` or ``replay:FILE.jsonl[@NAME]``: recorded outputs, without a
    model; NAME is the model name the run is listed under (else the file's name or the run's)."""
    from mentor.providers.replay import FileReplayProvider, RunReplayProvider

    source = str(arg or options.pop("source", "") or options.pop("run", ""))
    if "@" in source and not Path(source).is_file():
        source, _, name = source.rpartition("@")
        if not name:
            raise ConfigError(f"replay:{source}@: give a model name after @, or no @")
        options["model"] = name
    if source.isdigit():
        if engine is None:
            raise ConfigError(f"replay:{source} needs a workspace to read run {source} from")
        return RunReplayProvider(engine, int(source), **options)
    if not source or not Path(source).suffix:
        raise ConfigError(f"replay:{source}: expected a run id or a .jsonl file")
    return FileReplayProvider(source, **options)


def train(arg: str | None, options: dict[str, Any], engine: Engine | None) -> Provider:
    """``train:RUN``: the model a succeeded ``mentor train sft|dpo`` run saved."""
    from mentor.providers.trained import trained_model

    return trained_model(engine, arg or str(options.pop("run", "") or ""))
