"""What a misbehaving Anthropic-style server's answers become, through the real `anthropic` SDK
and a stub over HTTP: the same rules as for OpenAI-compatible endpoints."""

from __future__ import annotations

import asyncio
import tracemalloc
from typing import Any

import pytest

from mentor.evals import build_provider
from mentor.providers import ProviderError
from mentor.providers.base import Completion, GenerationParams
from mentor.providers.errors import http_error
from tests.servers import Reply, Stub

CAPITAL = [{"role": "user", "content": "What is the capital of France?"}]


def message(content: Any, **fields: Any) -> dict[str, Any]:
    """A Messages API response body with `content` blocks."""
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": content,
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 12, "output_tokens": 2},
        **fields,
    }


def claude(stub: Stub, body: dict[str, Any]) -> Completion:
    """Anthropic's provider asked once, the stub answering `body`."""
    stub.reset(lambda p, n: Reply(body=body))
    spec = {"type": "anthropic", "model": "claude-test", "base_url": stub.url.removesuffix("/v1")}

    async def go() -> Completion:
        provider = build_provider(spec)
        try:
            return await provider.complete(CAPITAL, GenerationParams())
        finally:
            await provider.aclose()

    return asyncio.run(go())


def test_only_text_blocks_make_the_answer(stub: Stub) -> None:
    blocks = [
        {"type": "thinking", "thinking": "France...", "signature": "s"},
        {"type": "text", "text": "Par"},
        {"type": "text", "text": "is."},
    ]
    got = claude(stub, message(blocks))
    assert got.text == "Paris." and got.raw["content"] == blocks


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (
            [{"type": "tool_use", "id": "t1", "name": "search", "input": {}}],
            "Anthropic answered with tool calls only, no text",
        ),
        (
            [{"type": "thinking", "thinking": "hm", "signature": "s"}],
            "Anthropic answered with no text (thinking; stop_reason end_turn)",
        ),
        ("Paris.", "Anthropic's answer has no list of content blocks: {'id': 'msg_1'"),
    ],
)
def test_an_answer_without_text_blocks_is_an_error_saying_why(
    stub: Stub, content: Any, says: str
) -> None:
    with pytest.raises(ProviderError) as caught:
        claude(stub, message(content))
    assert str(caught.value).startswith(says) and not caught.value.retryable


@pytest.mark.parametrize(
    ("usage", "tokens"),
    [
        (["12"], (None, None)),
        ({"input_tokens": "12", "output_tokens": -2}, (None, None)),
        ({"input_tokens": 12, "output_tokens": 10**30}, (12, None)),
    ],
)
def test_usage_of_the_wrong_shape_never_fails_a_good_answer(
    stub: Stub, usage: Any, tokens: tuple[int | None, int | None]
) -> None:
    got = claude(stub, message([{"type": "text", "text": "Paris."}], usage=usage))
    assert got.text == "Paris." and (got.prompt_tokens, got.completion_tokens) == tokens


def test_a_lone_surrogate_or_a_huge_integer_comes_back_storable(stub: Stub) -> None:
    body = message([{"type": "text", "text": "Paris \ud800"}], extra={"n": -(2**70)})
    got = claude(stub, body)
    assert got.text == "Paris \ufffd" and got.raw["extra"] == {"n": str(-(2**70))}


def test_an_oversized_answer_stops_at_the_cap(stub: Stub) -> None:
    with pytest.raises(ProviderError) as caught:
        claude(stub, message([{"type": "text", "text": "x" * (9 * 2**20)}]))
    assert str(caught.value).startswith("Anthropic sent an answer larger than 8 MiB")
    assert not caught.value.retryable


def test_a_huge_error_body_is_not_copied_to_make_its_snippet() -> None:
    """The SDK hands over an error's whole body; only its start is looked at."""
    page = "<html> " + "x " * 10_000_000
    tracemalloc.start()
    try:
        error = http_error(500, page, None, "Anthropic")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(error).startswith("Anthropic answered HTTP 500: <html> x x") and error.retryable
    assert len(str(error)) < 350 and peak < 2 * 2**20
