"""A crowd of annotators over real HTTP against `mentor serve` as a real process tree, and the
guarantees read back from the database afterwards; shared by the server tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import httpx
import orjson
import psutil

import mentor
from mentor.accounts import Role
from mentor.annotate import ProjectSettings

PASSWORD: Final = "crowd-test-password"
GUIDE: Final = "# Guide\n\nPick the better response.\n"


def seed(
    url: str,
    folder: Path,
    names: Sequence[str],
    projects: Sequence[str],
    items: int,
    k: int,
    text: str = "",
) -> dict[str, str]:
    """A pairwise dataset of `items` pairs (each response padded with `text`), a project with
    overlap `k` over it for each name in `projects`, and annotators `names` with the password
    PASSWORD; returns each annotator's API token."""
    rows = [
        {"id": f"r{i}", "prompt": f"Q{i}?", "chosen": f"Good {i}{text}", "rejected": f"Poor {i}"}
        for i in range(items)
    ]
    path = folder / "prefs.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    with mentor.connect(url, user="setup") as ws:
        ws.datasets.import_file(path, "prefs")
        for project in projects:
            settings = ProjectSettings(overlap=k)
            ws.projects.create(
                project, dataset="prefs@v1", task="pairwise", guideline=GUIDE, settings=settings
            )
        tokens = {}
        for name in names:
            ws.accounts.add_user(name, Role.ANNOTATOR, PASSWORD)
            tokens[name] = ws.accounts.create_token(name, "crowd").token
        return tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`mentor serve --workers N` as a subprocess. With N > 1 its workers are the children
    listening on its port (the supervisor only watches them); with 1, the process itself."""

    def __init__(self, url: str, folder: Path, workers: int = 2):
        self.count = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / "serve.log"
        argv = [sys.executable, "-m", "mentor", "serve", "--workers", str(workers)]
        env = {**os.environ, "MENTOR_DB": url, "MENTOR_HOME": str(folder / "home")}
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [*argv, "--port", str(self.port)], env=env, cwd=folder, stdout=out, stderr=out
            )
        self.parent = psutil.Process(self.proc.pid)

    def workers(self) -> list[psutil.Process]:
        """The live worker processes."""
        if self.count == 1:
            return [self.parent] if self.proc.poll() is None else []
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
        """Wait for the workers and an answer on the port; the workers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            workers = self.workers()
            if len(workers) == self.count:
                try:
                    if httpx.get(f"{self.base}/login", timeout=5).status_code == 200:
                        return workers
                except httpx.TransportError:
                    pass
            time.sleep(0.2)
        raise AssertionError(f"{self.count} workers did not start:\n{self.log.read_text()}")

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
class Tally:
    """What the crowd was told: every acknowledged annotation id, and the retries it made."""

    acknowledged: dict[str, int] = field(default_factory=dict)  # client_id -> annotation id
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def post(
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


def annotate(base: str, project: str, name: str, token: str, tally: Tally) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{base}/api/projects", headers=headers, timeout=60) as client:
        while True:
            task = post(client, f"/{project}/next", tally)
            if task.status_code == 204:
                return
            assert task.status_code == 200, task.text
            item = task.json()["item_id"]
            client_id = f"{name}-{project}-{item}"
            body = {"payload": {"choice": "A", "strength": 1}, "client_id": client_id}
            stored = post(client, f"/{project}/items/{item}/annotations", tally, body)
            # 200: a retry of a submission whose first answer the killed worker never sent.
            assert stored.status_code in (200, 201), stored.text
            with tally.lock:
                tally.acknowledged[client_id] = stored.json()["annotation_id"]


def crowd(
    base: str,
    tokens: Mapping[str, str],
    project: str,
    during: Callable[[Tally], None] | None = None,
) -> Tally:
    """Every annotator of `tokens` labels `project` in a thread of their own until none is left;
    `during` runs meanwhile."""
    tally = Tally()
    threads = [
        threading.Thread(target=annotate, args=(base, project, n, t, tally))
        for n, t in tokens.items()
    ]
    for thread in threads:
        thread.start()
    if during is not None:
        during(tally)
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "the crowd did not finish"
    return tally


def check_invariants(url: str, project: str, tally: Tally, items: int, k: int) -> None:
    """Read from the database: no item over k, no one twice, nothing acknowledged lost, all done."""
    with mentor.connect(url, user="checker") as ws:
        stored = ws.projects.annotations(project)
    per_item = Counter(a.item_id for a in stored)
    pairs = Counter((a.item_id, a.annotator) for a in stored)
    assert max(per_item.values()) <= k, "an item has more than k annotations"
    assert max(pairs.values()) == 1, "an annotator labelled an item twice"
    by_client = {a.client_id: a.id for a in stored}
    lost = {c: i for c, i in tally.acknowledged.items() if by_client.get(c) != i}
    assert lost == {}, "acknowledged submissions are not in the database"
    assert len(stored) == len(tally.acknowledged) == items * k  # every item done, k times
