"""Any OpenAI-compatible chat endpoint (OpenAI, vLLM, TGI, Ollama, llama.cpp server) over httpx.

Answers are read through :mod:`mentor.providers.responses` (size cap, redirects, storable JSON).
"""

from __future__ import annotations

import math
import os
import ssl
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import httpx

from mentor.providers.base import Completion, GenerationParams
from mentor.providers.errors import ProviderError
from mentor.providers.responses import (
    decode_payload,
    http_failures,
    json_kind,
    part_types,
    read_body,
    text_parts,
    token_count,
)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
TOP_LOGPROBS = 20  # the most OpenAI's API returns per token


def request_body(
    model: str, messages: list[dict[str, Any]], params: GenerationParams
) -> dict[str, Any]:
    """The chat-completions request for `messages` with `params` (non-streaming)."""
    body: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "temperature": params.temperature,
        "max_tokens": params.max_tokens,
        "top_p": params.top_p,
        "stream": False,
    }
    if params.seed is not None:
        body["seed"] = params.seed
    if params.stop:
        body["stop"] = list(params.stop)
    return body


def message_text(message: dict[str, Any], finish_reason: str | None, where: str) -> str:
    """The answer in a chat message: its content, a string or a list of parts (text parts
    joined), or, with no content, the model's refusal (OpenAI's ``message.refusal``, which a
    refusal evaluation must read); a :class:`ProviderError` saying why when there is no text."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    refusal = message.get("refusal")
    if content is None and isinstance(refusal, str) and refusal.strip():
        return refusal
    if isinstance(content, list):
        text = text_parts(content)
        if text is None:
            raise ProviderError(
                f"{where}: choices[0].message.content has no text parts ({part_types(content)})"
            )
        return text
    if content is not None:
        raise ProviderError(
            f"{where}: choices[0].message.content is {json_kind(content)}, expected text: "
            f"{str(content)[:100]}"
        )
    if message.get("tool_calls") or message.get("function_call"):
        raise ProviderError(f"{where} answered with tool calls only, no text")
    if finish_reason == "content_filter":
        raise ProviderError(
            f"{where}: the endpoint's content filter withheld the answer "
            "(finish_reason content_filter)"
        )
    raise ProviderError(
        f"{where}: no text in choices[0].message.content (finish_reason {finish_reason})"
    )


def parse_completion(
    payload: dict[str, Any], model: str, latency_s: float, where: str = "the endpoint"
) -> Completion:
    """A :class:`Completion` from a chat-completions response body from `where`; token counts
    that are not counts are left out (a good answer never fails over its usage)."""
    try:
        choice = payload["choices"][0]
        message = choice["message"]
        if not isinstance(message, dict):
            raise TypeError(f"choices[0].message is {json_kind(message)}")
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise ProviderError(
            f"{where}: the response has no choices[0].message: {str(payload)[:300]}"
        ) from exc
    finish = choice.get("finish_reason")
    finish_reason = finish if isinstance(finish, str) else None
    usage = payload.get("usage")
    usage = usage if isinstance(usage, dict) else {}
    return Completion(
        text=message_text(message, finish_reason, where),
        model=str(payload.get("model") or model),
        finish_reason=finish_reason,
        prompt_tokens=token_count(usage.get("prompt_tokens")),
        completion_tokens=token_count(usage.get("completion_tokens")),
        latency_s=latency_s,
        raw=payload,
    )


def _chosen(token: str, choices: Sequence[str]) -> str | None:
    """The choice `token` starts: the one it spells, else (two or more characters) the only
    choice it is the beginning of — a multi-token word such as REFUSAL arrives as "ref"."""
    spelled = [c for c in choices if c.strip().lower() == token]
    if spelled:
        return spelled[0]
    begun = [c for c in choices if len(token) >= 2 and c.strip().lower().startswith(token)]
    return begun[0] if len(begun) == 1 else None


def choice_shares(payload: dict[str, Any], choices: Sequence[str], where: str) -> dict[str, float]:
    """P(choice) from ``choices[0].logprobs.content[0].top_logprobs``: tokens matched to the
    choices ignoring case and spaces (a token that begins exactly one choice counts for it),
    summed per choice and renormalised over the choices."""
    try:
        top = payload["choices"][0]["logprobs"]["content"][0]["top_logprobs"]
        pairs = [(str(t["token"]).strip().lower(), float(t["logprob"])) for t in top]
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ProviderError(
            f"{where} returned no log-probabilities (choices[0].logprobs.content[0]"
            ".top_logprobs); scoring by log-probabilities needs an endpoint that returns them "
            "(use scoring: parse otherwise)"
        ) from exc
    mass = dict.fromkeys(choices, 0.0)
    for token, logprob in pairs:
        choice = _chosen(token, choices)
        if choice is not None:
            mass[choice] += math.exp(logprob)
    total = sum(mass.values())
    if total <= 0.0:
        shown = ", ".join(repr(t) for t, _ in pairs[:10]) or "none"
        raise ProviderError(
            f"{where}: none of the choices {', '.join(choices)} is among the first token's "
            f"{len(pairs)} most likely tokens ({shown})"
        )
    return {c: m / total for c, m in mass.items()}


class OpenAIProvider:
    """Chat completions from `base_url`; the API key comes from `api_key_env` (if set)."""

    name = "openai"

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        *,
        api_key_env: str = "OPENAI_API_KEY",
        timeout_s: float = 600.0,
    ):
        self.model = model
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip(
            "/"
        )
        self.api_key_env = api_key_env
        self._timeout_s = timeout_s
        # One single-connection client per call in flight, reused: httpx's shared pool scans
        # every connection (a readability syscall each) on every request, which cost about
        # twice the CPU of the call itself at concurrency 32 (benchmarks/RESULTS.md).
        self._idle: list[httpx.AsyncClient] = []
        self._clients: list[httpx.AsyncClient] = []
        self._tls: ssl.SSLContext | None = None  # one for all the clients (building one is slow)

    def fingerprint(self) -> dict[str, Any]:
        """Provider, model and endpoint (never the key)."""
        return {"provider": self.name, "model": self.model, "base_url": self.base_url}

    def _new_client(self) -> httpx.AsyncClient:
        key = os.environ.get(self.api_key_env, "")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        if self._tls is None:
            self._tls = ssl.create_default_context()
        client = httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            verify=self._tls,
            timeout=self._timeout_s,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
        )
        self._clients.append(client)
        return client

    async def complete(
        self, messages: list[dict[str, Any]], params: GenerationParams
    ) -> Completion:
        """One chat completion; HTTP failures become :class:`ProviderError`."""
        started = time.perf_counter()
        payload = await self._post(request_body(self.model, messages, params))
        latency_s = time.perf_counter() - started
        return parse_completion(payload, self.model, latency_s, f"{self.base_url}/chat/completions")

    async def choice_probabilities(
        self, messages: list[dict[str, Any]], choices: Sequence[str], params: GenerationParams
    ) -> dict[str, float]:
        """P(choice) from the first token's top log-probabilities (one token is generated);
        a :class:`ProviderError` when the endpoint returns none or none of the choices."""
        body = request_body(self.model, messages, replace(params, max_tokens=1))
        body.update(logprobs=True, top_logprobs=TOP_LOGPROBS)
        payload = await self._post(body)
        return choice_shares(payload, choices, f"{self.base_url}/chat/completions")

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        where = f"{self.base_url}/chat/completions"
        client = self._idle.pop() if self._idle else self._new_client()
        try:
            with http_failures(where):
                # Streamed, so the body is read only up to its cap; leaving the block closes the
                # response, and httpx drops a connection closed before its end.
                async with client.stream("POST", "/chat/completions", json=body) as response:
                    data = await read_body(response, where)
        finally:
            self._idle.append(client)
        return decode_payload(data, where)

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        clients, self._clients, self._idle = self._clients, [], []
        for client in clients:
            await client.aclose()
