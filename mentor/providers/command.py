"""An external command as a model: the request goes in on stdin as JSON, the answer comes out on
stdout as text. Handy for wrapping anything (a script, a binary, another SDK) without a plugin."""

from __future__ import annotations

import asyncio
import shlex
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import orjson

from mentor.errors import ConfigError
from mentor.providers.base import Completion, GenerationParams
from mentor.providers.errors import ProviderError


def command_argv(command: str | list[str] | tuple[str, ...]) -> list[str]:
    """The program and its arguments of ``command:COMMAND`` (split as a shell would)."""
    if not isinstance(command, str | list | tuple):
        raise ConfigError(f"command: {command!r} is not a command line; expected a string")
    try:
        argv = shlex.split(command) if isinstance(command, str) else [str(a) for a in command]
    except ValueError as exc:  # "No closing quotation", "No escaped character"
        raise ConfigError(
            f"command:{command}: {str(exc).lower()}; quote the command as a shell would"
        ) from None
    if not argv:
        raise ConfigError("provider 'command' needs a command, e.g. command:./model.sh")
    return argv


class CommandProvider:
    """Runs `command` once per call with ``{"messages": [...], "params": {...}}`` on stdin.

    Exit status 0 means stdout is the answer (one trailing newline is dropped). Any other status
    is a failed call (not retried), with the end of stderr in the message.
    """

    name = "command"

    def __init__(self, command: str | list[str], *, model: str | None = None):
        argv = command_argv(command)
        self.argv = argv
        self.model = model or shlex.join([Path(argv[0]).name, *argv[1:]])[:300]

    def fingerprint(self) -> dict[str, Any]:
        """Provider and the command line."""
        return {"provider": self.name, "model": self.model, "command": self.argv}

    async def complete(
        self, messages: list[dict[str, Any]], params: GenerationParams
    ) -> Completion:
        """Run the command and read its answer."""
        request = orjson.dumps({"messages": messages, "params": asdict(params)})
        started = time.perf_counter()
        try:
            proc = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as exc:
            raise ProviderError(f"cannot start {shlex.join(self.argv)}: {exc}") from exc
        try:
            out, err = await proc.communicate(request)
        except asyncio.CancelledError:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            raise
        if proc.returncode != 0:
            tail = err.decode("utf-8", "replace").strip()[-500:] or "(no stderr)"
            raise ProviderError(
                f"{shlex.join(self.argv)} exited with status {proc.returncode}: {tail}"
            )
        text = out.decode("utf-8", "replace")
        text = text[:-1] if text.endswith("\n") else text
        return Completion(
            text=text,
            model=self.model,
            finish_reason="stop",
            latency_s=time.perf_counter() - started,
            raw={"stdout": text, "stderr": err.decode("utf-8", "replace")[-2000:]},
        )

    async def aclose(self) -> None:
        """Nothing to close: each call is its own process."""
