"""Model providers (OpenAI-compatible, Anthropic, local, command, replay), their registry,
named providers and the response cache: below evals, judges, pre-labels and training."""

from mentor.providers.base import Completion, GenerationParams, Provider
from mentor.providers.calls import Called, Caller, CallPolicy, RateLimiter
from mentor.providers.errors import ProviderError
from mentor.providers.registry import build_provider, provider_names, register_provider

__all__ = [
    "CallPolicy",
    "Called",
    "Caller",
    "Completion",
    "GenerationParams",
    "Provider",
    "ProviderError",
    "RateLimiter",
    "build_provider",
    "provider_names",
    "register_provider",
]
