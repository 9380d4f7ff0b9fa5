"""Shared fixtures: a fresh workspace on real SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

import mentor
from tests.servers import ROOT, _free_port, model_server, stub, stub_server

__all__ = ["model_server", "stub", "stub_server"]  # fixtures for every folder (tests/servers.py)
HH = ROOT / "mentor" / "demo" / "hh-rlhf-harmless-base-test.jsonl.gz"
# The files that take longest, longest first (measured with --junitxml on the 2-core machine,
# 2026-12-07). `make test` runs pytest-xdist with `--dist loadfile --no-loadscope-reorder`, so
# files start in this order and no worker is left running a two-minute file alone at the end.
# Only a scheduling hint: a file missing here runs anyway, in collection order.
SLOW_FIRST = (
    "tests/web/test_fuzz.py",
    "tests/demo/test_demo_evals.py",
    "tests/evals/test_streaming.py",
    "tests/datasets/test_import_shapes.py",
    "tests/datasets/test_trainers.py",
    "tests/accounts/test_throttle.py",
    "tests/test_docs.py",
    "tests/cli/test_datasets_cli.py",
    "tests/judges/test_review.py",
    "tests/accounts/test_accounts.py",
    "tests/annotate/test_projects_cli.py",
    "tests/train/test_train_runs.py",
    "tests/demo/test_demo_candidates.py",
    "tests/demo/test_demo_training.py",
    "tests/demo/test_demo_analysis.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the slow files first (a stable sort: each file's tests keep their order)."""

    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return SLOW_FIRST.index(path) if path in SLOW_FIRST else len(SLOW_FIRST)

    items.sort(key=rank)


def _pg_bin(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if not found:
        pytest.fail(
            f"PostgreSQL's {name} not found: run the tests with `make test`, which "
            "installs Debian's postgresql package"
        )
    return found


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A real PostgreSQL server on loopback for the session (or MENTOR_TEST_PG if set)."""
    if os.environ.get("MENTOR_TEST_PG"):
        yield os.environ["MENTOR_TEST_PG"].rstrip("/")
        return
    data = Path(tempfile.mkdtemp(prefix="mentor-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    subprocess.run(
        _as_postgres(
            [
                _pg_bin("initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    opts = (
        f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )
    subprocess.run(
        _as_postgres(
            [_pg_bin("pg_ctl"), "-D", str(data), "-o", opts, "-w", "-l", str(data / "log"), "start"]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)


@contextmanager
def pg_database(server: str) -> Iterator[str]:
    """A new, empty database on the PostgreSQL `server`, dropped afterwards; yields its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    plain = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(f"{plain}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{plain}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file, or a new database on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'mentor.db'}"
        return
    with pg_database(request.getfixturevalue("pg_server")) as url:
        yield url


@pytest.fixture(scope="module")
def db_url_module(pg_server: str) -> Iterator[str]:
    """A new PostgreSQL database for one test module (e.g. behind its live server)."""
    with pg_database(pg_server) as url:
        yield url


@pytest.fixture
def ws(db_url: str, tmp_path: Path) -> Iterator[mentor.Workspace]:
    """A fresh workspace on each backend, acting as user 'tester'."""
    workspace = mentor.connect(db_url, home=tmp_path / "home", user="tester")
    yield workspace
    workspace.close()


@pytest.fixture
def sqlite_ws(tmp_path: Path) -> Iterator[mentor.Workspace]:
    """A fresh SQLite workspace, for tests about files rather than the database."""
    workspace = mentor.connect(
        f"sqlite:///{tmp_path / 'mentor.db'}", home=tmp_path / "home", user="tester"
    )
    yield workspace
    workspace.close()


def run_cli(
    *args: str, db: str | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real `mentor` command in a subprocess."""
    argv = [sys.executable, "-m", "mentor", *args]
    full_env = {**os.environ, "MENTOR_USER": "tester", **(env or {})}
    if db:
        full_env["MENTOR_DB"] = db
    full_env.pop("MENTOR_DEBUG", None)
    return subprocess.run(argv, capture_output=True, text=True, cwd=cwd, env=full_env, timeout=300)
