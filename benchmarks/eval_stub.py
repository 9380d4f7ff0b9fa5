"""An instant OpenAI-compatible chat endpoint on loopback, for timing evaluation harnesses.

    .venv/bin/python benchmarks/eval_stub.py --port 8123          # serve until Ctrl+C
    .venv/bin/python benchmarks/eval_stub.py --max-rate            # how fast can it answer?

``POST /v1/chat/completions`` answers at once with a small, valid chat completion whose text
is the last user message with a leading ``Say `` removed ("Say w42" -> "w42"), so an exact-match
grader can check that a harness sent the right prompt and read the right field. The same answer
is given for ``POST /v1/responses`` (the Responses API shape), ``GET /v1/models`` lists one model.

It is a single asyncio protocol (no framework), HTTP/1.1 with keep-alive and TCP_NODELAY on every
connection, so it does no more than parse the request line, headers and JSON body. It keeps a
count of completions and the time of the first and last one; ``GET /stats`` returns them and
``POST /reset`` zeroes them (the benchmark reads them to time the part of a run spent calling
the model, without the harness's start-up and shut-down).

``--max-rate`` starts the server in a child process and drives it with a minimal raw-socket
client (32 keep-alive connections, one request in flight on each) for a few seconds, to show
the server is not what limits a harness.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from typing import Any

try:  # the benchmark venv has orjson; the stub also runs without it
    import orjson

    def _loads(data: bytes) -> Any:
        return orjson.loads(data)

    def _dumps(value: Any) -> bytes:
        return orjson.dumps(value)

except ImportError:  # pragma: no cover - fallback

    def _loads(data: bytes) -> Any:
        return json.loads(data)

    def _dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()


class Stats:
    """Completions answered since the last reset, and when the first and last were."""

    def __init__(self) -> None:
        self.count = 0
        self.first = 0.0
        self.last = 0.0

    def hit(self) -> None:
        now = time.time()
        if self.count == 0:
            self.first = now
        self.count += 1
        self.last = now


STATS = Stats()


def _answer_text(body: Any) -> str:
    """The reply: the last user message without a leading 'Say '."""
    text = ""
    if isinstance(body, dict):
        messages = body.get("messages")
        if messages is None:  # Responses API: "input" is a string or a list of items
            messages = body.get("input")
            if isinstance(messages, str):
                messages = [{"role": "user", "content": messages}]
        for message in reversed(messages or []):
            if isinstance(message, dict) and message.get("role") == "user":
                content = message.get("content")
                if isinstance(content, list):  # [{"type": "text", "text": ...}]
                    content = " ".join(
                        str(p.get("text", "")) for p in content if isinstance(p, dict)
                    )
                text = str(content or "")
                break
    text = text.strip()
    return text[4:] if text.startswith("Say ") else (text or "OK")


def _chat_completion(body: Any) -> bytes:
    text = _answer_text(body)
    model = body.get("model", "stub") if isinstance(body, dict) else "stub"
    return _dumps(
        {
            "id": f"chatcmpl-{STATS.count}",
            "object": "chat.completion",
            "created": int(STATS.last),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": {"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6},
        }
    )


def _response(body: Any) -> bytes:
    text = _answer_text(body)
    model = body.get("model", "stub") if isinstance(body, dict) else "stub"
    return _dumps(
        {
            "id": f"resp_{STATS.count}",
            "object": "response",
            "created_at": int(STATS.last),
            "status": "completed",
            "model": model,
            "output": [
                {
                    "type": "message",
                    "id": f"msg_{STATS.count}",
                    "status": "completed",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": text, "annotations": []}],
                }
            ],
            "parallel_tool_calls": False,
            "tool_choice": "auto",
            "tools": [],
            "usage": {
                "input_tokens": 5,
                "output_tokens": 1,
                "total_tokens": 6,
                "input_tokens_details": {"cached_tokens": 0},
                "output_tokens_details": {"reasoning_tokens": 0},
            },
        }
    )


def route(method: str, path: str, body: bytes) -> tuple[int, bytes]:
    """(status, JSON body) for one request."""
    path = path.split("?", 1)[0].rstrip("/")
    if method == "POST" and path.endswith("/chat/completions"):
        STATS.hit()
        return 200, _chat_completion(_loads(body) if body else {})
    if method == "POST" and path.endswith("/responses"):
        STATS.hit()
        return 200, _response(_loads(body) if body else {})
    if method == "GET" and path.endswith("/models"):
        return 200, _dumps({"object": "list", "data": [{"id": "stub", "object": "model"}]})
    if method == "GET" and path == "/stats":
        return 200, _dumps({"count": STATS.count, "first": STATS.first, "last": STATS.last})
    if method == "POST" and path == "/reset":
        STATS.__init__()
        return 200, b"{}"
    return 404, _dumps({"error": {"message": f"no route {method} {path}", "type": "not_found"}})


class HttpProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive; Content-Length and chunked request bodies."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self._one():
            pass

    def _one(self) -> bool:
        """Answer one complete request from the buffer; False when more bytes are needed."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        method, path, _version = head[0].split(" ", 2)
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        start = end + 4
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parsed = _dechunk(self.buffer, start)
            if parsed is None:
                return False
            body, consumed = parsed
        else:
            length = int(headers.get("content-length", "0") or 0)
            if len(self.buffer) < start + length:
                return False
            body, consumed = bytes(self.buffer[start : start + length]), start + length
        del self.buffer[:consumed]
        try:
            status, payload = route(method, path, body)
        except Exception as exc:  # a malformed request gets a 400, not a dead server
            status, payload = 400, _dumps({"error": {"message": str(exc), "type": "bad_request"}})
        close = headers.get("connection", "").lower() == "close"
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}[status]
        assert self.transport is not None
        self.transport.write(
            b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n%s"
            % (
                status,
                reason.encode(),
                len(payload),
                b"Connection: close\r\n" if close else b"",
                payload,
            )
        )
        if close:
            self.transport.close()
            return False
        return True


def _dechunk(buffer: bytearray, start: int) -> tuple[bytes, int] | None:
    body = bytearray()
    at = start
    while True:
        eol = buffer.find(b"\r\n", at)
        if eol < 0:
            return None
        size = int(bytes(buffer[at:eol]).split(b";")[0], 16)
        at = eol + 2
        if size == 0:
            trailer = buffer.find(b"\r\n", at)
            return (bytes(body), trailer + 2) if trailer >= 0 else None
        if len(buffer) < at + size + 2:
            return None
        body += buffer[at : at + size]
        at += size + 2


async def serve(host: str, port: int, ready: bool) -> None:
    """Serve until cancelled; with `ready`, print the bound port on stdout once listening."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(HttpProtocol, host, port, backlog=1024, reuse_address=True)
    bound = server.sockets[0].getsockname()[1]
    if ready:
        print(bound, flush=True)
    async with server:
        await server.serve_forever()


def start_stub(python: str = sys.executable) -> tuple[subprocess.Popen[str], int]:
    """The stub in a child process on a free loopback port: (process, port)."""
    proc = subprocess.Popen(
        [python, os.path.abspath(__file__), "--port", "0", "--ready"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.strip().isdigit():
        proc.kill()
        raise RuntimeError(f"the stub did not start: {line!r}")
    return proc, int(line)


_BODY = b'{"model":"x","messages":[{"role":"user","content":"Say w1"}]}'
_REQUEST = (
    b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(_BODY), _BODY)
)


class _ClientProtocol(asyncio.Protocol):
    """One keep-alive connection sending the next request as soon as a reply is complete."""

    def __init__(self, deadline: float, done: asyncio.Future[int]) -> None:
        self.deadline = deadline
        self.done = done
        self.count = 0
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        transport.write(_REQUEST)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        at = self.buffer.find(b"Content-Length: ", 0, end) + 16
        length = int(self.buffer[at : self.buffer.find(b"\r\n", at)])
        if len(self.buffer) < end + 4 + length:
            return
        del self.buffer[: end + 4 + length]
        self.count += 1
        assert self.transport is not None
        if time.perf_counter() < self.deadline:
            self.transport.write(_REQUEST)
        else:
            self.transport.close()
            self.done.set_result(self.count)


async def _drive(port: int, seconds: float, connections: int) -> int:
    loop = asyncio.get_running_loop()
    deadline = time.perf_counter() + seconds
    futures = []
    for _ in range(connections):
        done: asyncio.Future[int] = loop.create_future()
        await loop.create_connection(lambda d=done: _ClientProtocol(deadline, d), "127.0.0.1", port)
        futures.append(done)
    return sum(await asyncio.gather(*futures))


def _drive_process(port: int, seconds: float, connections: int) -> int:
    return asyncio.run(_drive(port, seconds, connections))


def max_rate(seconds: float = 5.0, connections: int = 32, clients: int = 1) -> dict[str, float]:
    """Requests/s the stub answers for a minimal raw-socket client on `connections` keep-alive
    connections (split over `clients` processes), and the CPU the stub spent per request."""
    from concurrent.futures import ProcessPoolExecutor

    import psutil

    proc, port = start_stub()
    try:
        stub = psutil.Process(proc.pid)
        with ProcessPoolExecutor(clients) as pool:
            list(pool.map(abs, range(clients)))  # start the workers before timing
            cpu0 = sum(stub.cpu_times()[:2])
            started = time.perf_counter()
            each = [connections // clients] * clients
            jobs = [pool.submit(_drive_process, port, seconds, n) for n in each]
            done = sum(j.result() for j in jobs)
            wall = time.perf_counter() - started
            cpu = sum(stub.cpu_times()[:2]) - cpu0
    finally:
        proc.terminate()
        proc.wait()
    return {
        "requests": done,
        "seconds": round(wall, 3),
        "rate": round(done / wall),
        "client_processes": clients,
        "stub_cpu_share": round(cpu / wall, 3),
        "stub_cpu_us_per_request": round(1e6 * cpu / max(done, 1), 1),
        "stub_capacity_per_core": round(done / max(cpu, 1e-9)),
        "load": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--ready", action="store_true", help="print the bound port when ready")
    parser.add_argument("--max-rate", action="store_true", help="measure the stub's top rate")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=1, help="client processes (--max-rate)")
    args = parser.parse_args()
    if args.max_rate:
        print(json.dumps(max_rate(args.seconds, clients=args.clients), indent=2))
        return
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, args.ready))


if __name__ == "__main__":
    main()
