"""Anthropic's Messages API through the `anthropic` SDK (its retries off: the runner retries)."""

from __future__ import annotations

import os
import time
from typing import Any

from mentor.providers.base import Completion, GenerationParams
from mentor.providers.errors import ProviderError, http_error
from mentor.providers.responses import (
    decode_payload,
    http_failures,
    part_types,
    read_body,
    text_parts,
    token_count,
)


def split_system(messages: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Anthropic takes system prompts apart from the turns: (system text, other messages)."""
    system = "\n\n".join(str(m.get("content") or "") for m in messages if m.get("role") == "system")
    turns = [
        {"role": m["role"], "content": m.get("content") or ""}
        for m in messages
        if m.get("role") != "system"
    ]
    return system, turns


def parse_message(raw: dict[str, Any], model: str, latency_s: float) -> Completion:
    """A :class:`Completion` from a Messages API response: its text blocks joined; a
    :class:`ProviderError` saying why when it has none (tool calls only, say)."""
    blocks = raw.get("content")
    if not isinstance(blocks, list):
        raise ProviderError(f"Anthropic's answer has no list of content blocks: {str(raw)[:300]}")
    stop = raw.get("stop_reason")
    stop_reason = stop if isinstance(stop, str) else None
    text = text_parts(blocks)
    if text is None:
        if any(isinstance(b, dict) and b.get("type") == "tool_use" for b in blocks):
            raise ProviderError("Anthropic answered with tool calls only, no text")
        raise ProviderError(
            f"Anthropic answered with no text ({part_types(blocks)}; stop_reason {stop_reason})"
        )
    usage = raw.get("usage")
    usage = usage if isinstance(usage, dict) else {}
    return Completion(
        text=text,
        model=str(raw.get("model") or model),
        finish_reason=stop_reason,
        prompt_tokens=token_count(usage.get("input_tokens")),
        completion_tokens=token_count(usage.get("output_tokens")),
        latency_s=latency_s,
        raw=raw,
    )


class AnthropicProvider:
    """Claude models; the key comes from `api_key_env`, the endpoint from `base_url` if given."""

    name = "anthropic"

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        *,
        api_key_env: str = "ANTHROPIC_API_KEY",
        timeout_s: float = 600.0,
    ):
        self.model = model
        self.base_url = base_url or os.environ.get("ANTHROPIC_BASE_URL")
        self.api_key_env = api_key_env
        self._timeout_s = timeout_s
        self._client: Any = None

    def fingerprint(self) -> dict[str, Any]:
        """Provider, model and endpoint (never the key)."""
        return {
            "provider": self.name,
            "model": self.model,
            "base_url": self.base_url or "https://api.anthropic.com",
        }

    def _sdk(self) -> Any:
        if self._client is None:
            import anthropic

            self._client = anthropic.AsyncAnthropic(
                api_key=os.environ.get(self.api_key_env) or "unset",
                base_url=self.base_url,
                max_retries=0,
                timeout=self._timeout_s,
            )
        return self._client

    async def complete(
        self, messages: list[dict[str, Any]], params: GenerationParams
    ) -> Completion:
        """One message; SDK errors become :class:`ProviderError` with status and Retry-After."""
        import anthropic

        system, turns = split_system(messages)
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": turns,
            "max_tokens": params.max_tokens,
        }
        # Newer SDKs dropped the sampling arguments; the API still reads them from the body.
        sampling: dict[str, Any] = {"temperature": params.temperature}
        if params.top_p != 1.0:
            sampling["top_p"] = params.top_p
        kwargs["extra_body"] = sampling
        if system:
            kwargs["system"] = system
        if params.stop:
            kwargs["stop_sequences"] = list(params.stop)
        started = time.perf_counter()
        try:
            # Streamed, so the body is read only up to MAX_RESPONSE_BYTES (the SDK reads an
            # error's whole body itself).
            async with self._sdk().messages.with_streaming_response.create(**kwargs) as response:
                with http_failures("Anthropic"):
                    data = await read_body(response.http_response, "Anthropic")
        except anthropic.APIStatusError as exc:
            raise http_error(
                exc.status_code,
                exc.response.text,
                exc.response.headers.get("retry-after"),
                "Anthropic",
            ) from exc
        except anthropic.APITimeoutError as exc:
            raise ProviderError("Anthropic did not answer in time", retryable=True) from exc
        except anthropic.APIConnectionError as exc:
            raise ProviderError(f"cannot reach Anthropic: {exc}", retryable=True) from exc
        raw = decode_payload(data, "Anthropic")
        return parse_message(raw, self.model, time.perf_counter() - started)

    async def aclose(self) -> None:
        """Close the SDK's HTTP connections."""
        if self._client is not None:
            await self._client.close()
            self._client = None
