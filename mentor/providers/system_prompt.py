"""A system prompt in front of any provider: the first change a trainer usually tests."""

from __future__ import annotations

from typing import Any

from mentor.providers.base import Completion, GenerationParams, Provider


class SystemPrompted:
    """A provider whose every request starts with `system` (unless the case brings its own).

    The system prompt is part of the fingerprint, so runs and cached answers with and without
    it are never confused.
    """

    def __init__(self, inner: Provider, system: str, label: str = "system prompt"):
        self.inner = inner
        self.system = system
        self.name = inner.name
        self.model = f"{inner.model} + {label}"
        self.samples = bool(getattr(inner, "samples", True))

    def fingerprint(self) -> dict[str, Any]:
        """The wrapped model's fingerprint, with this model name and the system prompt."""
        return {**self.inner.fingerprint(), "model": self.model, "system_prompt": self.system}

    async def complete(
        self, messages: list[dict[str, Any]], params: GenerationParams
    ) -> Completion:
        """Ask the wrapped model, the system prompt first."""
        if not messages or messages[0].get("role") != "system":
            messages = [{"role": "system", "content": self.system}, *messages]
        return await self.inner.complete(messages, params)

    async def aclose(self) -> None:
        """Close the wrapped model."""
        await self.inner.aclose()
