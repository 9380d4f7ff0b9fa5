"""A throwaway PostgreSQL cluster for benchmarks: Debian's initdb/pg_ctl in a temp folder, on a
free loopback port, stopped (and the folder removed) on exit, Ctrl+C or error; and the CPU of a
process tree, counting the children it has already reaped.

    with PgCluster() as pg:
        url = pg.create_database("bench")    # postgresql+psycopg://postgres@127.0.0.1:PORT/bench
        meter = pg.cpu_meter()                # the postmaster and all its backends

As root the cluster runs as the ``postgres`` user (``runuser``), like tests/conftest.py. Commits
are acknowledged before the WAL reaches the disk (``synchronous_commit=off``), which is what
Mentor's SQLite does (WAL, ``synchronous=NORMAL``): a process crash loses nothing, a power cut may.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path
from types import FrameType, TracebackType
from typing import Final

import psutil
import psycopg

SETTINGS: Final = "-c listen_addresses=127.0.0.1 -c synchronous_commit=off -c max_connections=200"


def pg_bin(name: str) -> str:
    """The path of PostgreSQL's `name` program (on PATH or Debian's /usr/lib/postgresql)."""
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if not found:
        raise SystemExit(f"PostgreSQL's {name} not found: install Debian's postgresql package")
    return found


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TreeCpu:
    """CPU seconds (user + system) of a process and all its descendants since the meter was made.

    A descendant that died still counts: once reaped, its CPU is in its parent's children times
    (Linux adds a waited-for child's own and children times); until then, while it is a zombie
    or cannot be read, its last reading counts."""

    def __init__(self, pid: int):
        self.root = psutil.Process(pid)
        self.last: dict[int, float] = {}
        self.base = 0.0
        self.base = self.total()

    @staticmethod
    def _own(process: psutil.Process) -> float:
        t = process.cpu_times()
        return float(t.user + t.system + t.children_user + t.children_system)

    def total(self) -> float:
        """CPU seconds used by the tree since the meter was made."""
        used = self._own(self.root)  # first: a child reaped from now on is in the next reading
        seen: dict[int, float] = {}
        for child in self.root.children(recursive=True):
            try:
                seen[child.pid] = self._own(child)
            except psutil.Error:
                if child.pid in self.last:
                    seen[child.pid] = self.last[child.pid]
        self.last = seen
        return used + sum(seen.values()) - self.base


class PgCluster:
    """A fresh PostgreSQL cluster on loopback; a context manager that always stops it."""

    def __init__(self) -> None:
        self.data = Path(tempfile.mkdtemp(prefix="bench-pg-"))
        self.port = _free_port()
        self.server = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"
        self._started = False
        self._old_term: object = None

    def __enter__(self) -> PgCluster:
        self._old_term = signal.signal(signal.SIGTERM, exit_on_term)
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
        signal.signal(signal.SIGTERM, self._old_term)  # type: ignore[arg-type]

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
        init = [pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
        subprocess.run(
            _as_postgres([*init, "-E", "UTF8", "--no-sync"]), check=True, capture_output=True
        )
        opts = f"-p {self.port} -k {self.data} {SETTINGS}"
        ctl = [pg_bin("pg_ctl"), "-D", str(self.data), "-o", opts, "-w"]
        self._started = True
        subprocess.run(
            _as_postgres([*ctl, "-l", str(self.data / "log"), "start"]),
            check=True,
            capture_output=True,
        )

    def create_database(self, name: str) -> str:
        """A new empty database; its SQLAlchemy URL."""
        plain = self.server.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(f"{plain}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"{self.server}/{name}"

    def postmaster(self) -> int:
        """The PID of the cluster's postmaster."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def cpu_meter(self) -> TreeCpu:
        """A meter of the postmaster and every backend, from now."""
        return TreeCpu(self.postmaster())

    def stop(self) -> None:
        if self._started:
            stop = [pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]
            subprocess.run(_as_postgres(stop), capture_output=True)
            self._started = False
        shutil.rmtree(self.data, ignore_errors=True)


def exit_on_term(signum: int, frame: FrameType | None) -> None:
    """SIGTERM unwinds like Ctrl+C, so every `finally` (stopping servers, the cluster) runs."""
    raise SystemExit(128 + signum)
