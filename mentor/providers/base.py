"""The provider protocol: send messages to a model, get a completion back (async)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class Completion:
    """A model's answer with what it cost; `raw` keeps the provider's payload for the record."""

    text: str
    model: str
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_s: float | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GenerationParams:
    """Sampling parameters; part of a run's fingerprint and of the cache key."""

    temperature: float = 0.0
    max_tokens: int = 256
    top_p: float = 1.0
    seed: int | None = 0
    stop: tuple[str, ...] = ()


class Provider(Protocol):
    """A model behind an API, a local process or a recording."""

    name: str  # e.g. "openai", "anthropic", "smollm2", "command", "replay"
    model: str

    def fingerprint(self) -> dict[str, Any]:
        """What identifies this model and its settings (stored with each run)."""
        ...

    async def complete(
        self, messages: list[dict[str, Any]], params: GenerationParams
    ) -> Completion: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class ScoresChoices(Protocol):
    """A provider that can score fixed choices by the probability of their first token.

    Judges use it to read a verdict from the model's next-token distribution instead of
    parsing its reply, so even a weak model gives a (weak) answer rather than an unusable one.
    """

    async def choice_probabilities(
        self, messages: list[dict[str, Any]], choices: Sequence[str], params: GenerationParams
    ) -> dict[str, float]:
        """P(choice) for each of `choices` as the reply to `messages`, normalised to sum to 1."""
        ...
