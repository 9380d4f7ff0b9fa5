"""The built-in providers' factories: each reads the text after ``NAME:`` and the options.

The registry names these by path (``mentor.providers.specs:openai``), as it does a plug-in's
factory; each imports its provider only when called, so an unused SDK is never loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from sqlalchemy import Engine

from mentor.errors import ConfigError
from mentor.providers.base import Provider
from mentor.providers.command import command_argv

URL_FORM: Final = "http(s)://HOST[:PORT][/PATH]"


def base_url(spec: str, url: str) -> str:
    """`url` if it can be an API's base URL (http or https, a host, maybe a port and a path);
    a ConfigError naming `spec` and the form otherwise."""
    refused = ConfigError(f"{spec}: '{url}' is not a base URL; expected {URL_FORM}")
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - reading it checks the port (a ValueError when it is bad)
    except ValueError:
        raise refused from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise refused
    if parts.query or parts.fragment or parts.username or parts.password:
        raise refused
    return url.strip()


def _model_at_url(name: str, arg: str | None, options: dict[str, Any]) -> tuple[str, str | None]:
    model, _, url = (arg or "").partition("@")
    model = model or options.pop("model", "")
    url = url or options.pop("base_url", None)
    if not model:
        raise ConfigError(f"provider '{name}' needs a model, e.g. {name}:MODEL")
    if url:
        url = base_url(f"{name}:{model}@{url}", str(url))
    return model, url or None


def _command_text(arg: str | None, options: dict[str, Any]) -> Any:
    command = arg or options.pop("command", None)
    if not command:
        raise ConfigError("provider 'command' needs a command, e.g. command:./model.sh")
    command_argv(command)
    return command


def _replay_source(arg: str | None, options: dict[str, Any]) -> str:
    """The run id or file of a replay spec; the model name after ``@`` goes into `options`."""
    source = str(arg or options.pop("source", "") or options.pop("run", ""))
    if "@" in source and not Path(source).is_file():
        source, _, name = source.rpartition("@")
        if not name:
            raise ConfigError(f"replay:{source}@: give a model name after @, or no @")
        options["model"] = name
    if not source.isdigit() and (not source or not Path(source).suffix):
        raise ConfigError(f"replay:{source}: expected a run id or a .jsonl file")
    return source


def _train_run(arg: str | None, options: dict[str, Any]) -> str:
    run = (arg or str(options.pop("run", "") or "")).strip()
    if not run:
        raise ConfigError("provider 'train' needs a run id, e.g. train:3")
    if not run.isdigit():
        raise ConfigError(f"train:{run}: expected a training run id, e.g. train:3")
    return run


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

    return CommandProvider(_command_text(arg, options), **options)


def replay(arg: str | None, options: dict[str, Any], engine: Engine | None) -> Provider:
    """``replay:RUN_ID[@NAME]`` or ``replay:FILE.jsonl[@NAME]``: recorded outputs, without a
    model; NAME is the model name the run is listed under (else the file's name or the run's)."""
    from mentor.providers.replay import FileReplayProvider, RunReplayProvider

    source = _replay_source(arg, options)
    if source.isdigit():
        if engine is None:
            raise ConfigError(f"replay:{source} needs a workspace to read run {source} from")
        return RunReplayProvider(engine, int(source), **options)
    return FileReplayProvider(source, **options)


def train(arg: str | None, options: dict[str, Any], engine: Engine | None) -> Provider:
    """``train:RUN``: the model a succeeded ``mentor train sft|dpo`` run saved."""
    from mentor.providers.trained import trained_model

    return trained_model(engine, _train_run(arg, options))


def _check_replay(arg: str | None, options: dict[str, Any]) -> None:
    source = _replay_source(arg, options)
    if not source.isdigit() and not Path(source).is_file():
        raise ConfigError(f"replay:{source}: no such file (expected a run id or a .jsonl file)")


CHECKS: Final[dict[str, Callable[[str | None, dict[str, Any]], object]]] = {
    "anthropic": lambda arg, options: _model_at_url("anthropic", arg, options),
    "command": _command_text,
    "openai": lambda arg, options: _model_at_url("openai", arg, options),
    "replay": _check_replay,
    "train": _train_run,
}
"""What each built-in checks of its spec without building the provider (no file is read, no
model loaded, no workspace asked): the quoting of a command, the form of a base URL, that
``train:`` names a run id and that ``replay:`` names a run id or an existing file."""
