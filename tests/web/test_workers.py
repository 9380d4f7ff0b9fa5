"""`mentor serve --workers 2` on the real PostgreSQL server, as a real process tree: a crowd of
annotators keeps every guarantee (never more than k labels an item, no acknowledged label lost,
no one labelling an item twice), failed sign-ins add up whichever worker counts them, and a
worker killed mid-run is replaced by uvicorn while the crowd loses nothing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import httpx
import orjson
import psutil
import pytest

import mentor
from mentor.accounts import Role
from mentor.annotate import ProjectSettings

from .conftest import csrf_of

pytestmark = pytest.mark.postgres

WORKERS: Final = 2
CROWD: Final = 20
ITEMS: Final = 60
K: Final = 2
PASSWORD: Final = "workers-test-password"
GUIDE: Final = "# Guide\n\nPick the better response.\n"
NAMES: Final = tuple(f"ann{i:02d}" for i in range(CROWD))


def _seed(url: str, folder: Path) -> dict[str, str]:
    """The crowd, a victim of guessing and two projects; returns each annotator's API token."""
    rows = [
        {"id": f"r{i}", "prompt": f"Q{i}?", "chosen": f"Good {i}", "rejected": f"Poor {i}"}
        for i in range(ITEMS)
    ]
    path = folder / "prefs.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    with mentor.connect(url, user="setup") as ws:
        ws.datasets.import_file(path, "prefs")
        for project in ("calm", "storm"):
            ws.projects.create(
                project,
                dataset="prefs@v1",
                task="pairwise",
                guideline=GUIDE,
                settings=ProjectSettings(overlap=K),
            )
        ws.accounts.add_user("victim", Role.ANNOTATOR, PASSWORD)
        tokens = {}
        for name in NAMES:
            ws.accounts.add_user(name, Role.ANNOTATOR, PASSWORD)
            tokens[name] = ws.accounts.create_token(name, "crowd").token
        return tokens


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`mentor serve --workers 2` as a subprocess; its workers are the children listening on
    its port (the supervisor only watches them)."""

    def __init__(self, url: str, folder: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / "serve.log"
        argv = [sys.executable, "-m", "mentor", "serve", "--workers", str(WORKERS)]
        env = {**os.environ, "MENTOR_DB": url, "MENTOR_HOME": str(folder / "home")}
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [*argv, "--port", str(self.port)], env=env, cwd=folder, stdout=out, stderr=out
            )
        self.parent = psutil.Process(self.proc.pid)

    def workers(self) -> list[psutil.Process]:
        """The live worker processes."""
        found = []
        for child in self.parent.children(recursive=True):
            try:
                listening = any(
                    c.status == psutil.CONN_LISTEN and c.laddr.port == self.port
                    for c in child.net_connections(kind="tcp")
                )
            except psutil.NoSuchProcess:
                continue
            if listening and child.status() != psutil.STATUS_ZOMBIE:
                found.append(child)
        return found

    def wait_ready(self, timeout: float = 60) -> list[psutil.Process]:
        """Wait for WORKERS workers and an answer on the port; the workers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            workers = self.workers()
            if len(workers) == WORKERS:
                try:
                    if httpx.get(f"{self.base}/login", timeout=5).status_code == 200:
                        return workers
                except httpx.TransportError:
                    pass
            time.sleep(0.2)
        raise AssertionError(f"{WORKERS} workers did not start:\n{self.log.read_text()}")

    def owner(self, client_port: int) -> int:
        """The PID of the worker holding the connection from `client_port`."""
        for worker in self.workers():
            for c in worker.net_connections(kind="tcp"):
                if c.raddr and c.raddr.port == client_port and c.laddr.port == self.port:
                    return int(worker.pid)
        raise AssertionError(f"no worker holds the connection from port {client_port}")

    def stop(self) -> None:
        children = self.parent.children(recursive=True)
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for child in children:
            if child.is_running():
                child.kill()


@dataclass
class World:
    url: str
    server: Server
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def world(db_url_module: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("workers")
    tokens = _seed(db_url_module, folder)
    server = Server(db_url_module, folder)
    try:
        server.wait_ready()
        yield World(db_url_module, server, tokens)
    finally:
        server.stop()


@dataclass
class Tally:
    """What the crowd was told: every acknowledged annotation id, and the retries it made."""

    acknowledged: dict[str, int] = field(default_factory=dict)  # client_id -> annotation id
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _post(
    client: httpx.Client, path: str, tally: Tally, body: Mapping[str, object] | None = None
) -> httpx.Response:
    """POST, retrying a request whose connection broke (a killed worker) as a client would."""
    for _ in range(50):
        try:
            return client.post(path, json=body)
        except httpx.TransportError:
            with tally.lock:
                tally.retries += 1
            time.sleep(0.1)
    raise AssertionError(f"{path}: no worker answered")


def _annotate(base: str, project: str, name: str, token: str, tally: Tally) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{base}/api/projects", headers=headers, timeout=60) as client:
        while True:
            task = _post(client, f"/{project}/next", tally)
            if task.status_code == 204:
                return
            assert task.status_code == 200, task.text
            item = task.json()["item_id"]
            client_id = f"{name}-{project}-{item}"
            body = {"payload": {"choice": "A", "strength": 1}, "client_id": client_id}
            stored = _post(client, f"/{project}/items/{item}/annotations", tally, body)
            # 200: a retry of a submission whose first answer the killed worker never sent.
            assert stored.status_code in (200, 201), stored.text
            with tally.lock:
                tally.acknowledged[client_id] = stored.json()["annotation_id"]


def _crowd(world: World, project: str, during: Callable[[Tally], None] | None = None) -> Tally:
    tally = Tally()
    threads = [
        threading.Thread(target=_annotate, args=(world.server.base, project, n, t, tally))
        for n, t in world.tokens.items()
    ]
    for thread in threads:
        thread.start()
    if during is not None:
        during(tally)
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "the crowd did not finish"
    return tally


def _check_invariants(url: str, project: str, tally: Tally) -> None:
    with mentor.connect(url, user="checker") as ws:
        stored = ws.projects.annotations(project)
    per_item = Counter(a.item_id for a in stored)
    pairs = Counter((a.item_id, a.annotator) for a in stored)
    assert max(per_item.values()) <= K, "an item has more than k annotations"
    assert max(pairs.values()) == 1, "an annotator labelled an item twice"
    by_client = {a.client_id: a.id for a in stored}
    lost = {c: i for c, i in tally.acknowledged.items() if by_client.get(c) != i}
    assert lost == {}, "acknowledged submissions are not in the database"
    assert len(stored) == len(tally.acknowledged) == ITEMS * K  # every item done, k times


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def test_a_crowd_on_two_workers_keeps_every_guarantee(world: World) -> None:
    workers = world.server.wait_ready()
    pids = {w.pid for w in workers}
    assert len(pids) == WORKERS and world.server.proc.pid not in pids
    before = {w.pid: _cpu(w) for w in workers}
    tally = _crowd(world, "calm")
    _check_invariants(world.url, "calm", tally)
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

    tally = _crowd(world, "storm", kill_midway)
    assert tally.retries > 0, "the killed worker was serving nobody"
    _check_invariants(world.url, "storm", tally)
    replaced = world.server.wait_ready()  # uvicorn's supervisor starts a new worker
    assert victim.pid not in {w.pid for w in replaced} and world.server.proc.poll() is None
