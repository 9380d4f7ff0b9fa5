"""Model providers: OpenAI-compatible endpoints, Anthropic, local models, commands, replay."""

from mentor.evals.providers.base import Completion, GenerationParams, Provider

__all__ = ["Completion", "GenerationParams", "Provider"]
