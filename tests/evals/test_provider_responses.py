"""What a misbehaving OpenAI-compatible server's answers become, over real HTTP: text that can
always be stored, an error that says what came back, and the run's other results kept."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socketserver
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

import mentor
from mentor.evals import RunOptions
from mentor.providers import ProviderError
from mentor.providers.base import Completion, GenerationParams
from mentor.providers.errors import parse_retry_after
from mentor.providers.openai_compat import OpenAIProvider
from tests.conftest import run_cli
from tests.evals.test_runner import provider, suite_of
from tests.servers import Reply, Stub, completion_body, write_suite

CAPITAL = [{"role": "user", "content": "What is the capital of France?"}]
FAST = RunOptions(concurrency=4, retries=0, backoff_s=0.01, timeout_s=10)
MiB = 2**20


def ask(url: str) -> Completion:
    """The answer of the OpenAI-compatible endpoint at `url`."""

    async def go() -> Completion:
        model = OpenAIProvider("m", url)
        try:
            return await model.complete(CAPITAL, GenerationParams())
        finally:
            await model.aclose()

    return asyncio.run(go())


def failure(url: str) -> ProviderError:
    """The ProviderError that asking `url` raises."""
    with pytest.raises(ProviderError) as caught:
        ask(url)
    return caught.value


def answer(message: dict[str, Any], finish_reason: str | None = "stop") -> Reply:
    """A 200 whose choices[0] is `message`."""
    body = completion_body("")
    body["choices"][0].update(message=message, finish_reason=finish_reason)
    return Reply(body=body)


def peak_bytes(url: str) -> tuple[ProviderError, int]:
    """The error asking `url` raises, and the most memory Python held meanwhile."""
    tracemalloc.start()
    try:
        error = failure(url)
        return error, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class RawServer(socketserver.ThreadingTCPServer):
    """Answers every request with the bytes in `answer`, then hangs up: for what the JSON stub
    cannot send (no body at all, a body cut short, megabytes sent without building them)."""

    daemon_threads = True
    allow_reuse_address = True
    answer = b""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _RawHandler(socketserver.StreamRequestHandler):
    server: RawServer

    def handle(self) -> None:
        length = 0
        while (line := self.rfile.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        self.rfile.read(length)
        with contextlib.suppress(ConnectionError):  # the client stops reading past its limit
            self.wfile.write(self.server.answer)


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    server = RawServer(("127.0.0.1", 0), _RawHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def http(status: str, body: bytes, length: int | None = None) -> bytes:
    """A raw HTTP/1.1 response; `length` overrides the Content-Length (to cut a body short)."""
    size = len(body) if length is None else length
    return f"HTTP/1.1 {status}\r\nContent-Length: {size}\r\n\r\n".encode() + body


# -- 1. what comes back can always be stored ------------------------------------------------


def test_a_lone_surrogate_or_a_huge_integer_is_stored_and_the_batch_kept(
    ws: mentor.Workspace, stub: Stub
) -> None:
    def script(prompt: str, _n: int) -> Reply:
        reply = Reply(body=completion_body(f"echo {prompt}"))
        if prompt == "question 0":
            reply.body = completion_body("echo Paris \ud800")
        elif prompt == "question 1":
            assert reply.body is not None
            reply.body["usage"] = {"prompt_tokens": 10**30, "completion_tokens": 2**64 - 1}
            reply.body.update(system_fingerprint="fp \udc00", seed=-(2**70), ok=2**62)
        return reply

    stub.reset(script)
    run = ws.evals.run(suite_of(4), provider(stub), options=FAST)
    assert run.status == "completed" and run.counts == {"passed": 4}
    results = {r.case_id: r for r in ws.evals.results(run.id)}
    assert results["c0"].output == "echo Paris \ufffd"
    raw = results["c1"].raw
    assert raw["usage"] == {"prompt_tokens": str(10**30), "completion_tokens": str(2**64 - 1)}
    assert (raw["system_fingerprint"], raw["seed"], raw["ok"]) == (
        "fp \ufffd",
        str(-(2**70)),
        2**62,
    )
    assert (results["c1"].prompt_tokens, results["c1"].completion_tokens) == (None, None)
    again = ws.evals.run(suite_of(4), provider(stub), options=FAST)  # from the cache
    assert stub.calls == 4 and again.counts == {"passed": 4}
    assert next(ws.evals.results(again.id)).output == "echo Paris \ufffd"


def test_what_the_provider_returns_can_be_stored(stub: Stub) -> None:
    """Text and raw payload come back as orjson (so every store) can write them."""
    body = completion_body("Paris \ud800")
    body.update(usage={"prompt_tokens": 10**30, "completion_tokens": 3}, note="\udc00 x")
    body.update(small=-(2**63), big=-(2**63) - 1, unsigned=2**64 - 1, digits=10**4000)
    stub.reset(lambda p, n: Reply(body=body))
    got = ask(stub.url)
    assert got.text == "Paris \ufffd" and got.raw["note"] == "\ufffd x"
    assert got.raw["usage"]["prompt_tokens"] == str(10**30) and got.prompt_tokens is None
    assert (got.raw["small"], got.raw["big"]) == (-(2**63), str(-(2**63) - 1))
    assert (got.raw["unsigned"], got.raw["digits"]) == (str(2**64 - 1), str(10**4000))
    assert orjson.loads(orjson.dumps(got.raw)) == got.raw


# -- 2. content that is not a string ---------------------------------------------------------


def test_content_parts_are_joined_into_the_text(stub: Stub) -> None:
    parts = [
        {"type": "text", "text": "Par"},
        {"type": "image_url", "image_url": {"url": "http://x/p.png"}},
        {"type": "text", "text": "is."},
    ]
    stub.reset(lambda p, n: answer({"role": "assistant", "content": parts}))
    got = ask(stub.url)
    assert got.text == "Paris." and got.raw["choices"][0]["message"]["content"] == parts


def test_an_empty_string_is_still_an_answer(stub: Stub) -> None:
    stub.reset(lambda p, n: answer({"role": "assistant", "content": ""}))
    assert ask(stub.url).text == ""


def test_a_refusal_given_apart_from_the_content_is_the_answer(stub: Stub) -> None:
    said = "I'm sorry, I can't help with that."
    stub.reset(lambda p, n: answer({"role": "assistant", "content": None, "refusal": said}))
    assert ask(stub.url).text == said


@pytest.mark.parametrize(
    ("message", "finish_reason", "says"),
    [
        ({"content": 42}, "stop", ": choices[0].message.content is a number, expected text: 42"),
        (
            {"content": {"text": "x"}},
            "stop",
            ": choices[0].message.content is an object, expected text: {'text': 'x'}",
        ),
        (
            {"content": True},
            "stop",
            ": choices[0].message.content is a boolean, expected text: True",
        ),
        (
            {"content": [{"type": "image_url"}]},
            "stop",
            ": choices[0].message.content has no text parts (image_url)",
        ),
        (
            {"content": None, "tool_calls": [{"id": "1", "type": "function"}]},
            "tool_calls",
            " answered with tool calls only, no text",
        ),
        (
            {"content": None},
            "content_filter",
            ": the endpoint's content filter withheld the answer (finish_reason content_filter)",
        ),
        ({}, "length", ": no text in choices[0].message.content (finish_reason length)"),
    ],
)
def test_a_message_without_text_is_an_error_saying_why(
    stub: Stub, message: dict[str, Any], finish_reason: str, says: str
) -> None:
    stub.reset(lambda p, n: answer({"role": "assistant", **message}, finish_reason))
    error = failure(stub.url)
    assert str(error) == f"{stub.url}/chat/completions{says}" and not error.retryable


def test_a_run_keeps_its_other_results_when_an_answer_has_no_text(
    stub: Stub, tmp_path: Path
) -> None:
    tools = {"content": None, "tool_calls": [{"id": "1", "type": "function"}]}
    stub.reset(
        lambda p, n: (
            answer({"role": "assistant", **tools}, "tool_calls")
            if p == "q2"
            else Reply(body=completion_body(f"echo {p}"))
        )
    )
    suite = write_suite(tmp_path / "s.yaml", ["q1", "q2", "q3"])
    db = f"sqlite:///{tmp_path / 'm.db'}"
    ran = run_cli("eval", "run", str(suite), "--provider", f"openai:m@{stub.url}", db=db)
    assert ran.returncode == 0, ran.stderr
    assert "2 passed" in ran.stdout and "errors     1" in ran.stdout
    shown = json.loads(run_cli("eval", "show", "1", "--json", db=db).stdout)
    by_id = {r["case"]["id"]: r for r in shown["results"]}
    assert [by_id[c]["status"] for c in ("c1", "c2", "c3")] == ["passed", "error", "passed"]
    assert by_id["c2"]["error"] == (
        f"{stub.url}/chat/completions answered with tool calls only, no text"
    )


# -- 3. usage of the wrong shape --------------------------------------------------------------


@pytest.mark.parametrize(
    ("usage", "tokens"),
    [
        (["7", "3"], (None, None)),
        ("lots", (None, None)),
        ({"prompt_tokens": "7", "completion_tokens": -3}, (None, None)),
        ({"prompt_tokens": True, "completion_tokens": 2**63}, (None, None)),
        ({"prompt_tokens": 7.0, "completion_tokens": 3}, (None, 3)),
    ],
)
def test_usage_of_the_wrong_shape_never_fails_a_good_answer(
    stub: Stub, usage: Any, tokens: tuple[int | None, int | None]
) -> None:
    stub.reset(lambda p, n: Reply(body={**completion_body("Paris."), "usage": usage}))
    got = ask(stub.url)
    assert got.text == "Paris." and (got.prompt_tokens, got.completion_tokens) == tokens


# -- 4. size limits ---------------------------------------------------------------------------


def test_an_oversized_answer_stops_at_the_cap(raw_server: RawServer) -> None:
    text = b"x" * (30 * MiB)
    raw_server.answer = http("200 OK", b'{"choices":[{"message":{"content":"' + text + b'"}}]}')
    error, peak = peak_bytes(raw_server.url)
    assert str(error) == (
        f"{raw_server.url}/chat/completions sent an answer larger than 8 MiB, the most Mentor "
        "reads; check the endpoint (or lower max_tokens)"
    )
    assert not error.retryable and peak < 16 * MiB  # not the 30 MB sent


def test_an_error_page_is_read_only_as_far_as_its_snippet(raw_server: RawServer) -> None:
    raw_server.answer = http("500 Internal Server Error", b"<html> " + b"x" * (20 * MiB))
    error, peak = peak_bytes(raw_server.url)
    assert str(error).startswith(f"{raw_server.url}/chat/completions answered HTTP 500: <html> xx")
    assert len(str(error)) < 400 and error.retryable and error.status == 500
    assert peak < 2 * MiB  # not the 20 MB sent


def test_an_abandoned_answer_never_spoils_the_next_call(stub: Stub) -> None:
    """A body left half-read (over the cap, or an error's) closes its connection: the next call
    on the same client gets a connection of its own, not the rest of the old body."""
    big = completion_body("x" * (9 * MiB))
    scripted = {1: Reply(body=big), 3: Reply(500, body={"error": {"message": "y" * 200_000}})}
    stub.reset(lambda p, n: scripted.get(n, Reply(body=completion_body(f"echo {n}"))))

    async def go() -> list[str]:
        model = OpenAIProvider("m", stub.url)
        seen: list[str] = []
        try:
            for _ in range(4):
                try:
                    seen.append((await model.complete(CAPITAL, GenerationParams())).text)
                except ProviderError as exc:
                    seen.append(str(exc))
            return seen
        finally:
            await model.aclose()

    where = f"{stub.url}/chat/completions"
    seen = asyncio.run(go())
    assert [s.startswith(f"{where} sent an answer larger") for s in seen] == [
        True,
        False,
        False,
        False,
    ]
    assert seen[1] == "echo 2" and seen[2].startswith(f"{where} answered HTTP 500")
    assert seen[3] == "echo 4"


def test_a_connection_closed_mid_answer_may_be_retried(raw_server: RawServer) -> None:
    raw_server.answer = http("200 OK", b'{"choices": [', length=1000)
    error = failure(raw_server.url)
    assert str(error).startswith(f"cannot reach {raw_server.url}/chat/completions: ")
    assert error.retryable


# -- 5. redirects and empty bodies ------------------------------------------------------------


def test_a_redirect_names_where_it_points(stub: Stub) -> None:
    moved = "https://api.example.test/v1/chat/completions"
    stub.reset(lambda p, n: Reply(302, {"Location": moved}))
    error = failure(stub.url)
    assert str(error) == (
        f"{stub.url}/chat/completions answered HTTP 302 (redirect to {moved}); "
        "give the final URL as the base URL"
    )
    assert not error.retryable and stub.calls == 1  # not followed
    stub.reset(lambda p, n: Reply(308, {"Location": "/v2/chat/completions"}))
    root = stub.url.removesuffix("/v1")
    assert f"HTTP 308 (redirect to {root}/v2/chat/completions)" in str(failure(stub.url))
    stub.reset(lambda p, n: Reply(301))
    assert str(failure(stub.url)).endswith("answered HTTP 301, a redirect with no Location")


def test_an_empty_body_says_so(stub: Stub, raw_server: RawServer) -> None:
    stub.reset(lambda p, n: Reply(204))
    assert str(failure(stub.url)) == (
        f"{stub.url}/chat/completions answered HTTP 204 with an empty body"
    )
    raw_server.answer = http("200 OK", b"")
    error = failure(raw_server.url)
    assert str(error) == f"{raw_server.url}/chat/completions answered HTTP 200 with an empty body"
    assert not error.retryable


# -- 6. bodies that cannot be read ------------------------------------------------------------


def test_a_body_that_cannot_be_decompressed_is_an_error_naming_the_endpoint(stub: Stub) -> None:
    stub.reset(lambda p, n: Reply(headers={"Content-Encoding": "gzip"}, body=completion_body("x")))
    error = failure(stub.url)
    assert str(error).startswith(
        f"{stub.url}/chat/completions sent a body that cannot be decompressed: "
    )
    assert not error.retryable


def test_json_nested_too_deep_is_an_error_naming_the_endpoint(
    stub: Stub, raw_server: RawServer
) -> None:
    deep: Any = []
    for _ in range(300):
        deep = [deep]
    stub.reset(lambda p, n: Reply(body={**completion_body("Paris."), "extra": deep}))
    says = "answered with JSON nested too deep to store"
    assert str(failure(stub.url)) == f"{stub.url}/chat/completions {says}"
    raw_server.answer = http("200 OK", b"[" * 100_000 + b"]" * 100_000)
    error = failure(raw_server.url)
    assert str(error) == f"{raw_server.url}/chat/completions {says}" and not error.retryable


# -- 7. Retry-After that is not a wait --------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "wait"), [("nan", None), ("-5", None), ("inf", float("inf")), ("2", 2.0)]
)
def test_retry_after_that_is_not_a_wait_leaves_the_backoff_to_the_runner(
    stub: Stub, header: str, wait: float | None
) -> None:
    stub.reset(lambda p, n: Reply(429, {"Retry-After": header}))
    error = failure(stub.url)
    assert error.status == 429 and error.retryable and error.retry_after == wait
    assert parse_retry_after(header) == wait
