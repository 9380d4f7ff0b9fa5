"""`mentor serve` on SQLite, one process, as a real process: annotators' next and submit run on
the event loop while the write lock is free; when another process holds it (the CLI importing a
dataset, say) they wait for it in the thread pool, and the rest of the server keeps answering. Its
responses, each sent in one write, come back whole and in order, pipelined or large."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import httpx
import orjson
import pytest

import mentor
from mentor.accounts import Role

from .crowd import PASSWORD, Server, Tally, check_invariants, crowd, seed

NAMES: Final = tuple(f"ann{i:02d}" for i in range(10))
ITEMS: Final = 40
K: Final = 2
PADDING: Final = " lorem ipsum" * 400  # about 5 KB a record: 40 records make a large response
# The server answers a page in milliseconds; this allows for a slow, busy test machine.
PROMPT_S: Final = 2.0


@dataclass
class World:
    url: str
    path: Path
    server: Server
    tokens: dict[str, str]
    admin: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("serve-sqlite")
    path = folder / "mentor.db"
    url = f"sqlite:///{path}"
    tokens = seed(url, folder, NAMES, ("calm", "held"), ITEMS, K, text=PADDING)
    with mentor.connect(url, user="setup") as ws:
        ws.accounts.add_user("boss", Role.ADMIN, PASSWORD)
        admin = ws.accounts.create_token("boss", "pipelining").token
    server = Server(url, folder, 1)
    try:
        server.wait_ready()
        yield World(url, path, server, tokens, admin)
    finally:
        server.stop()


@contextmanager
def write_lock(path: Path) -> Iterator[None]:
    """Hold the database's write lock from this process, as another program writing would."""
    other = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
        other.execute("COMMIT")
    finally:
        other.close()


def _login_page_time(base: str) -> float:
    started = time.monotonic()
    response = httpx.get(f"{base}/login", timeout=30)
    assert response.status_code == 200
    return time.monotonic() - started


def test_a_crowd_keeps_every_guarantee_while_another_process_takes_the_write_lock(
    world: World,
) -> None:
    answered: list[float] = []

    def other_program(tally: Tally) -> None:
        for _ in range(5):
            with write_lock(world.path):
                time.sleep(0.2)
                answered.append(_login_page_time(world.server.base))
            time.sleep(0.2)

    tally = crowd(world.server.base, world.tokens, "calm", other_program)
    check_invariants(world.url, "calm", tally, ITEMS, K)
    assert len(answered) == 5 and max(answered) < PROMPT_S, answered


def test_next_waits_for_another_process_without_stopping_the_server(world: World) -> None:
    headers = {"Authorization": f"Bearer {world.tokens['ann00']}"}
    got: list[httpx.Response] = []

    def ask() -> None:
        url = f"{world.server.base}/api/projects/held/next"
        got.append(httpx.post(url, headers=headers, timeout=60))

    # Used once first, so the token's use is recorded now and next needs no other write.
    assert httpx.get(f"{world.server.base}/api/projects", headers=headers).status_code == 200
    asker = threading.Thread(target=ask)
    with write_lock(world.path):
        asker.start()
        time.sleep(0.5)
        assert _login_page_time(world.server.base) < PROMPT_S  # the loop is not stuck
        assert asker.is_alive() and not got, "next answered while it could not write"
        time.sleep(0.5)
    asker.join(timeout=30)
    assert got and got[0].status_code == 200, got
    assert got[0].json()["project"] == "held"


def _responses(raw: bytes) -> list[tuple[int, bytes]]:
    """The (status, body) of each HTTP/1.1 response in `raw`, in order (each has a length)."""
    found = []
    while raw:
        head, _, rest = raw.partition(b"\r\n\r\n")
        status_line, *fields = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (f.partition(":") for f in fields)}
        length = int(headers["content-length"])
        found.append((int(status_line.split()[1]), rest[:length]))
        assert len(rest) >= length, f"a response was cut short: {status_line}"
        raw = rest[length:]
    return found


def _request(path: str, token: str = "", last: bool = False) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"Authorization: Bearer {token}"] if token else []
    lines += ["Connection: close"] if last else []
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_pipelined_and_large_responses_come_back_whole_and_in_order(world: World) -> None:
    records = "/api/datasets/prefs/v/1/records?per_page=40"
    sent = (
        _request("/login")
        + _request(records, world.admin)
        + _request("/api/projects/nowhere", world.admin)
        + _request("/api/projects", world.tokens["ann01"], last=True)
    )
    with socket.create_connection(("127.0.0.1", world.server.port), timeout=30) as sock:
        sock.sendall(sent)
        raw = b""
        while chunk := sock.recv(1 << 16):
            raw += chunk
    answers = _responses(raw)
    assert [status for status, _ in answers] == [200, 200, 404, 200]
    page = orjson.loads(answers[1][1])
    assert len(answers[1][1]) > 150_000 and len(page["records"]) == 40
    assert all(PADDING in orjson.dumps(r).decode() for r in page["records"])
    assert orjson.loads(answers[2][1])["error"] == "Not found"
    assert {p["name"] for p in orjson.loads(answers[3][1])} == {"calm", "held"}
