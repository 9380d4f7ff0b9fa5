"""Model fixtures shared by every test folder: the bundled model served over real HTTP, and a
stub endpoint for faults. ``tests/conftest.py`` registers the fixtures, so each session starts one
model server however many folders use it.

The model server is started once per session as a real `mentor eval serve-model` subprocess (the
model takes ~30 s to load). The stub is a stdlib HTTP server speaking the OpenAI chat API whose
answers a test scripts (429 with Retry-After, 500s, hangs); it records every request it sees.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from mentor.providers.base import Completion

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Reply:
    """What the stub answers: a status, headers, a JSON body, after `delay` s (or never)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    delay: float = 0.0
    hang: bool = False


@dataclass
class Seen:
    """One request the stub received."""

    at: float
    prompt: str
    body: dict[str, Any]


def completion_body(text: str, model: str = "stub-model") -> dict[str, Any]:
    """A chat-completions response carrying `text`."""
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
    }


def echo(prompt: str, _count: int) -> Reply:
    """The default script: answer ``echo: PROMPT``."""
    return Reply(body=completion_body(f"echo: {prompt}"))


class Stub:
    """An OpenAI-compatible stub; `script(prompt, nth_time_this_prompt)` decides each reply."""

    def __init__(self) -> None:
        self.script: Callable[[str, int], Reply] = echo
        self.seen: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.per_prompt: dict[str, int] = {}
        self.url = ""
        self.keep_seen = True  # False: remember nothing per call (for memory measurements)

    @property
    def calls(self) -> int:
        return len(self.seen)

    def reset(self, script: Callable[[str, int], Reply] = echo) -> None:
        with self.lock:
            self.script = script
            self.seen.clear()
            self.per_prompt.clear()
            self.max_in_flight = 0
            self.keep_seen = True

    def prompts(self) -> list[str]:
        with self.lock:
            return [s.prompt for s in self.seen]

    def times(self, prompt: str) -> list[float]:
        with self.lock:
            return [s.at for s in self.seen if s.prompt == prompt]

    def handle(self, body: dict[str, Any]) -> Reply:
        prompt = str(body["messages"][-1]["content"])
        with self.lock:
            if not self.keep_seen:
                return self.script(prompt, 1)
            self.seen.append(Seen(time.monotonic(), prompt, body))
            count = self.per_prompt[prompt] = self.per_prompt.get(prompt, 0) + 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            reply = self.script(prompt, count)
            if reply.hang:
                self.stop.wait(60)
            elif reply.delay:
                time.sleep(reply.delay)
            return reply
        finally:
            with self.lock:
                self.in_flight -= 1


def _handler(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # TCP_NODELAY: no 40 ms Nagle stalls in timing tests

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            reply = stub.handle(body)
            if reply.hang:
                return
            payload = json.dumps(reply.body or {"error": {"message": "stub error"}}).encode()
            self.send_response(reply.status)
            for key, value in {"Content-Type": "application/json", **reply.headers}.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_: Any) -> None:
            pass

    return Handler


class _StubServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that timed out and hung up (the fault tests do) is expected, not news."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def stub_server() -> Iterator[Stub]:
    stub = Stub()
    server = _StubServer(("127.0.0.1", 0), _handler(stub))
    stub.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield stub
    stub.stop.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def stub(stub_server: Stub) -> Iterator[Stub]:
    """The session's stub, reset to echo for this test."""
    stub_server.stop.clear()
    stub_server.reset()
    yield stub_server
    stub_server.stop.set()  # release any hanging handler


@pytest.fixture(scope="session")
def model_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bundled SmolLM2 behind `mentor eval serve-model` on a free loopback port."""
    port = _free_port()
    log = tmp_path_factory.mktemp("model-server") / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mentor", "eval", "serve-model", "--port", str(port)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "TOKENIZERS_PARALLELISM": "false"},
        )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 300
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"serve-model exited with {proc.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"serve-model did not come up in 300 s:\n{log.read_text()}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def write_suite(path: Path, prompts: list[str], *, grader: str = "echo") -> Path:
    """A YAML suite with one case per prompt; each passes when the answer contains `grader`."""
    lines = ["name: stubbed", "cases:"]
    for number, prompt in enumerate(prompts, start=1):
        lines += [
            f"  - id: c{number}",
            f"    prompt: {json.dumps(prompt)}",
            "    graders:",
            f"      - {{type: contains, value: {json.dumps(grader)}}}",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class InProcessModel:
    """A provider plug-in in the test process: `answer(messages)` is each call's Completion (or
    its text), for what no HTTP server can send (a Python object where text belongs)."""

    name = "plugin"

    def __init__(self, answer: Callable[[list[dict[str, Any]]], Any], model: str = "plugin-1"):
        self.answer = answer
        self.model = model

    def fingerprint(self) -> dict[str, Any]:
        return {"provider": self.name, "model": self.model}

    async def complete(self, messages: list[dict[str, Any]], params: Any) -> Completion:
        said = self.answer(messages)
        return said if isinstance(said, Completion) else Completion(text=said, model=self.model)

    async def aclose(self) -> None:
        return None
