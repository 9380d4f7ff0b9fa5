"""`mentor eval serve-model`: the bundled SmolLM2 over a real OpenAI-compatible HTTP API."""

from __future__ import annotations

import httpx
import openai

CAPITAL = [{"role": "user", "content": "What is the capital of France?"}]


def test_the_openai_sdk_talks_to_the_bundled_model(model_server: str) -> None:
    client = openai.OpenAI(base_url=model_server, api_key="unused", max_retries=0)
    models = [m.id for m in client.models.list()]
    assert models == ["SmolLM2-135M-Instruct"]
    reply = client.chat.completions.create(
        model=models[0],
        messages=CAPITAL,
        temperature=0,
        max_tokens=24,  # type: ignore[arg-type]
    )
    assert "Paris" in (reply.choices[0].message.content or "")
    assert reply.usage is not None and reply.usage.prompt_tokens > 5
    assert 0 < reply.usage.completion_tokens <= 24
    assert reply.choices[0].finish_reason in ("stop", "length")


def test_the_server_refuses_what_it_cannot_do(model_server: str) -> None:
    unknown = httpx.post(
        f"{model_server}/chat/completions", json={"model": "gpt-9", "messages": CAPITAL}
    )
    assert unknown.status_code == 404
    assert "use 'SmolLM2-135M-Instruct'" in unknown.json()["error"]["message"]
    streaming = httpx.post(
        f"{model_server}/chat/completions", json={"messages": CAPITAL, "stream": True}
    )
    assert streaming.status_code == 400 and "streaming" in streaming.json()["error"]["message"]
    empty = httpx.post(f"{model_server}/chat/completions", json={"messages": []})
    assert empty.status_code == 422


def test_max_tokens_cuts_the_answer(model_server: str) -> None:
    body = {"messages": CAPITAL, "max_tokens": 2, "temperature": 0}
    reply = httpx.post(f"{model_server}/chat/completions", json=body, timeout=120).json()
    assert reply["usage"]["completion_tokens"] == 2
    assert reply["choices"][0]["finish_reason"] == "length"
