"""`mentor serve --workers 2` on the real PostgreSQL server, as a real process tree: a crowd of
annotators keeps every guarantee (never more than k labels an item, no acknowledged label lost,
no one labelling an item twice), failed sign-ins add up whichever worker counts them, and a
worker killed mid-run is replaced by uvicorn while the crowd loses nothing."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import httpx
import psutil
import pytest

import mentor
from mentor.accounts import Role

from .conftest import csrf_of
from .crowd import PASSWORD, Server, Tally, check_invariants, crowd, seed

pytestmark = pytest.mark.postgres

WORKERS: Final = 2
CROWD: Final = 20
ITEMS: Final = 60
K: Final = 2
NAMES: Final = tuple(f"ann{i:02d}" for i in range(CROWD))


def _seed(url: str, folder: Path) -> dict[str, str]:
    """The crowd, a victim of guessing and two projects; returns each annotator's API token."""
    tokens = seed(url, folder, NAMES, ("calm", "storm"), ITEMS, K)
    with mentor.connect(url, user="setup") as ws:
        ws.accounts.add_user("victim", Role.ANNOTATOR, PASSWORD)
    return tokens


@dataclass
class World:
    url: str
    server: Server
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def world(db_url_module: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("workers")
    tokens = _seed(db_url_module, folder)
    server = Server(db_url_module, folder, WORKERS)
    try:
        server.wait_ready()
        yield World(db_url_module, server, tokens)
    finally:
        server.stop()


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def test_a_crowd_on_two_workers_keeps_every_guarantee(world: World) -> None:
    workers = world.server.wait_ready()
    pids = {w.pid for w in workers}
    assert len(pids) == WORKERS and world.server.proc.pid not in pids
    before = {w.pid: _cpu(w) for w in workers}
    tally = crowd(world.server.base, world.tokens, "calm")
    check_invariants(world.url, "calm", tally, ITEMS, K)
    used = {w.pid: _cpu(w) - before[w.pid] for w in workers}
    assert all(seconds > 0.05 for seconds in used.values()), f"a worker sat idle: {used}"


def _login_on(world: World, pid: int, name: str, password: str) -> httpx.Response:
    """One sign-in whose form and POST are both served by the worker `pid` (a fresh connection
    is opened until the kernel hands one to that worker)."""
    for _ in range(200):
        with httpx.Client(base_url=world.server.base, timeout=30) as client:
            form = client.get("/login")
            port = form.extensions["network_stream"].get_extra_info("client_addr")[1]
            if world.server.owner(port) != pid:
                continue
            data = {"name": name, "password": password, "csrf_token": csrf_of(form.text)}
            response = client.post("/login", data=data, follow_redirects=False)
            assert world.server.owner(port) == pid  # the same kept-alive connection
            return response
    raise AssertionError(f"no connection reached worker {pid}")


def test_failed_sign_ins_add_up_across_workers(world: World) -> None:
    first, second = (w.pid for w in world.server.wait_ready())
    # Five failures (the pause comes after five), split 3 + 2 between the workers.
    for pid in (first, second, first, second, first):
        assert _login_on(world, pid, "victim", "wrong-password").status_code == 400
    for pid in (second, first):  # each worker saw at most 3, yet both refuse: the count is shared
        paused = _login_on(world, pid, "victim", PASSWORD)
        assert paused.status_code == 429 and "try again in 1 minute" in paused.text
    assert _login_on(world, second, "ann00", PASSWORD).status_code == 303  # other names go on


def test_a_worker_killed_mid_run_is_replaced_and_nothing_is_lost(world: World) -> None:
    workers = world.server.wait_ready()
    victim = workers[0]

    def kill_midway(tally: Tally) -> None:
        deadline = time.monotonic() + 60
        while len(tally.acknowledged) < ITEMS * K // 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        victim.send_signal(signal.SIGKILL)

    tally = crowd(world.server.base, world.tokens, "storm", kill_midway)
    assert tally.retries > 0, "the killed worker was serving nobody"
    check_invariants(world.url, "storm", tally, ITEMS, K)
    replaced = world.server.wait_ready()  # uvicorn's supervisor starts a new worker
    assert victim.pid not in {w.pid for w in replaced} and world.server.proc.poll() is None
