"""Model providers: OpenAI-compatible endpoints, Anthropic, local models, commands, replay."""

from mentor.evals.providers.base import Completion, GenerationParams, Provider
from mentor.evals.providers.errors import ProviderError
from mentor.evals.providers.registry import build_provider, provider_names, register_provider

__all__ = [
    "Completion",
    "GenerationParams",
    "Provider",
    "ProviderError",
    "build_provider",
    "provider_names",
    "register_provider",
]
