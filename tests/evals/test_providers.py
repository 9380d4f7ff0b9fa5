"""Providers: spec strings, the OpenAI-compatible provider over real HTTP against the bundled
model, Anthropic's API shape, external commands, and what failures look like."""

from __future__ import annotations

import asyncio
import hashlib
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from mentor.errors import ConfigError
from mentor.evals import GenerationParams, build_provider
from mentor.providers import ProviderError, provider_names
from mentor.providers.errors import parse_retry_after
from tests.servers import Reply, Stub

CAPITAL = [{"role": "user", "content": "What is the capital of France?"}]


def complete(spec: str | dict[str, Any], messages: list[dict[str, Any]], **params: Any) -> Any:
    async def go() -> Any:
        provider = build_provider(spec)
        try:
            return await provider.complete(messages, GenerationParams(**params))
        finally:
            await provider.aclose()

    return asyncio.run(go())


def test_spec_strings_build_the_right_providers(tmp_path: Path) -> None:
    openai = build_provider("openai:gpt-4o-mini@http://10.0.0.5:8000/v1/")
    assert openai.fingerprint() == {
        "provider": "openai",
        "model": "gpt-4o-mini",
        "base_url": "http://10.0.0.5:8000/v1",
    }
    claude = build_provider({"type": "anthropic", "model": "claude-sonnet-4-5"})
    assert (claude.name, claude.model) == ("anthropic", "claude-sonnet-4-5")
    command = build_provider("command:./model.sh --fast")
    assert command.fingerprint()["command"] == ["./model.sh", "--fast"]
    assert command.model == "model.sh --fast"
    weights = tmp_path / "tiny.gguf"
    weights.write_bytes(b"not really weights")
    local = build_provider(f"hf:{weights}")
    assert local.fingerprint()["sha256"] == hashlib.sha256(b"not really weights").hexdigest()
    names = ["anthropic", "command", "hf", "openai", "replay", "smollm2", "train"]
    assert provider_names() == names


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("gpt4", "unknown provider 'gpt4'; expected one of: smollm2, openai:MODEL"),
        ("openai:", "provider 'openai' needs a model"),
        ("hf:", "provider 'hf' needs a path"),
        ("replay:7", "replay:7 needs a workspace"),
        ("replay:missing.jsonl", "no such file"),
        ({"model": "x"}, "needs 'type'"),
    ],
)
def test_bad_specs_say_what_is_expected(spec: str | dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        build_provider(spec)


def test_openai_provider_against_the_real_bundled_model(model_server: str) -> None:
    spec = f"openai:SmolLM2-135M-Instruct@{model_server}"
    first = complete(spec, CAPITAL, max_tokens=24)
    again = complete(spec, CAPITAL, max_tokens=24)
    assert "Paris" in first.text and first.text == again.text  # greedy: deterministic
    assert first.model == "SmolLM2-135M-Instruct" and first.finish_reason in ("stop", "length")
    assert first.prompt_tokens and first.completion_tokens and first.latency_s > 0
    assert first.raw["choices"][0]["message"]["content"] == first.text


def test_the_bundled_model_is_found_and_fingerprinted_without_loading_it() -> None:
    """The server above runs this same provider; here only what identifies it (no 30 s load)."""
    provider = build_provider("smollm2")
    fingerprint = provider.fingerprint()
    assert (provider.name, provider.model) == ("smollm2", "SmolLM2-135M-Instruct")
    assert fingerprint["file"] == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert fingerprint["sha256"] == hashlib.sha256(provider.path.read_bytes()).hexdigest()
    assert "path" not in fingerprint  # the install folder differs between machines


def test_http_failures_carry_status_and_retry_after(stub: Stub) -> None:
    stub.reset(lambda p, n: Reply(429, {"Retry-After": "7"}, {"error": {"message": "slow down"}}))
    with pytest.raises(ProviderError) as caught:
        complete(f"openai:m@{stub.url}", CAPITAL)
    assert caught.value.status == 429 and caught.value.retryable
    assert caught.value.retry_after == 7.0 and "slow down" in str(caught.value)
    stub.reset(lambda p, n: Reply(401, body={"error": {"message": "bad key"}}))
    with pytest.raises(ProviderError) as caught:
        complete(f"openai:m@{stub.url}", CAPITAL)
    assert not caught.value.retryable and "HTTP 401" in str(caught.value)


def test_unreachable_endpoint_is_a_retryable_error() -> None:
    from tests.conftest import _free_port

    with pytest.raises(ProviderError, match="cannot reach") as caught:
        complete(f"openai:m@http://127.0.0.1:{_free_port()}/v1", CAPITAL)
    assert caught.value.retryable


def test_retry_after_parses_seconds_and_http_dates() -> None:
    at = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("3") == 3.0 and parse_retry_after(" 0.5 ") == 0.5
    later = format_datetime(at + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(later, at=at) == 30.0
    assert parse_retry_after(format_datetime(at - timedelta(seconds=5), usegmt=True), at=at) == 0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_anthropic_provider_speaks_the_messages_api(stub: Stub) -> None:
    """The real `anthropic` SDK against a stub: system split out, text and usage read back."""
    seen: list[dict[str, Any]] = []

    def script(prompt: str, n: int) -> Reply:
        seen.append(stub.seen[-1].body)
        return Reply(
            body={
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "model": "claude-test",
                "content": [{"type": "text", "text": "Paris."}],
                "stop_reason": "end_turn",
                "stop_sequence": None,
                "usage": {"input_tokens": 12, "output_tokens": 2},
            }
        )

    stub.reset(script)
    url = stub.url.removesuffix("/v1")
    system = [{"role": "system", "content": "Be brief."}, *CAPITAL]
    out = complete({"type": "anthropic", "model": "claude-test", "base_url": url}, system)
    assert out.text == "Paris." and (out.prompt_tokens, out.completion_tokens) == (12, 2)
    assert out.finish_reason == "end_turn"
    assert seen[0]["system"] == "Be brief." and seen[0]["messages"] == CAPITAL
    assert seen[0]["temperature"] == 0.0 and seen[0]["max_tokens"] == 256
    stub.reset(lambda p, n: Reply(529, {"retry-after": "2"}, {"error": {"message": "overloaded"}}))
    with pytest.raises(ProviderError) as caught:
        complete({"type": "anthropic", "model": "claude-test", "base_url": url}, CAPITAL)
    assert caught.value.status == 529 and caught.value.retry_after == 2.0
    assert caught.value.retryable


def test_a_command_reads_json_on_stdin_and_answers_on_stdout(tmp_path: Path) -> None:
    script = tmp_path / "model.py"
    script.write_text(
        "import json, sys\n"
        "req = json.load(sys.stdin)\n"
        "if 'fail' in req['messages'][-1]['content']:\n"
        "    sys.exit('model crashed')\n"
        "print(req['messages'][-1]['content'].upper(), req['params']['max_tokens'])\n",
        encoding="utf-8",
    )
    spec = f"command:{sys.executable} {script}"
    out = complete(spec, [{"role": "user", "content": "hello"}], max_tokens=9)
    assert out.text == "HELLO 9"
    with pytest.raises(ProviderError, match="exited with status 1: model crashed"):
        complete(spec, [{"role": "user", "content": "please fail"}])
