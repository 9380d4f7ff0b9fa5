"""The store: migrations match the tables, the audit log is append-only, URLs are checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

import mentor
from mentor.errors import ConfigError
from mentor.store.engine import (
    BULK_CACHE_KIB,
    CACHE_KIB,
    VERSIONS,
    _alembic_config,
    bulk_cache,
    current_revision,
    head_revision,
)
from mentor.store.tables import metadata
from tests.conftest import run_cli
from tests.datasets.test_import import SFT, write_jsonl


def test_empty_database_migrates_to_head_and_matches_the_tables(ws: mentor.Workspace) -> None:
    with ws.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        assert set(metadata.tables) <= set(inspect(conn).get_table_names())
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    head = ScriptDirectory.from_config(_alembic_config(ws.engine)).get_current_head()
    assert version == head == head_revision()


def test_each_migration_is_numbered_by_its_revision_and_revises_the_one_before() -> None:
    # head_revision() reads the head from the file names; this keeps the names honest.
    scripts = ScriptDirectory(str(VERSIONS.parent))
    files = sorted(VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))
    assert len(files) == len(list(scripts.walk_revisions()))
    previous = None
    for path in files:
        number = path.name.split("_", 1)[0]
        script = scripts.get_revision(number)
        assert script is not None and script.path == str(path), path.name
        assert script.down_revision == previous, f"{path.name} revises {script.down_revision}"
        previous = number


def test_a_database_left_at_an_older_revision_is_brought_to_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    mentor.connect(url).close()
    from alembic import command

    engine = mentor.connect(url).engine
    command.downgrade(_alembic_config(engine), "0010")
    engine.dispose()
    again = mentor.connect(url)
    with again.engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == ScriptDirectory(str(VERSIONS.parent)).get_current_head()
        assert {"analysis_tags", "feedback_batches"} <= set(inspect(conn).get_table_names())
    again.close()


def test_commands_started_at_once_on_a_new_workspace_all_work(db_url: str) -> None:
    """The first one migrates; the others wait their turn and find the schema at head."""
    code = (
        "import sys, mentor\n"
        "with mentor.connect(sys.argv[1]) as ws:\n"
        "    print(len(ws.datasets.all()))"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, db_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(5)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.strip() == "0"
    with mentor.connect(db_url) as ws, ws.engine.connect() as conn:
        assert current_revision(conn) == head_revision()


def test_connecting_again_keeps_the_data(ws: mentor.Workspace, tmp_path: Path) -> None:
    ws.datasets.import_file(write_jsonl(tmp_path / "a.jsonl", [SFT]), "a")
    again = mentor.connect(str(ws.engine.url.render_as_string(hide_password=False)))
    assert [d.name for d in again.datasets.all()] == ["a"]
    again.close()


def test_audit_log_refuses_update_and_delete(ws: mentor.Workspace, tmp_path: Path) -> None:
    ws.datasets.import_file(write_jsonl(tmp_path / "a.jsonl", [SFT]), "a")
    for statement in ("UPDATE audit_events SET actor = 'mallory'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), ws.engine.begin() as conn:
            conn.execute(text(statement))
    assert {e.actor for e in ws.audit()} == {"tester"} and len(ws.audit()) == 2


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_ws: mentor.Workspace) -> None:
    with sqlite_ws.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_a_bulk_writers_big_page_cache_ends_when_its_connection_is_returned(
    sqlite_ws: mentor.Workspace,
) -> None:
    """An 8 MB page cache by default keeps long runs flat; an import borrows 64 MB."""
    with sqlite_ws.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert conn.execute(text("PRAGMA cache_size")).scalar() == -CACHE_KIB
        bulk_cache(conn)
        assert conn.execute(text("PRAGMA cache_size")).scalar() == -BULK_CACHE_KIB
    with sqlite_ws.engine.connect() as conn:
        assert conn.connection.driver_connection is raw  # the same pooled connection
        assert conn.execute(text("PRAGMA cache_size")).scalar() == -CACHE_KIB


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://x/y", "backend 'mysql' is not supported"),
        ("not a url", "is not a database URL"),
        ("sqlite:////no/such/folder/m.db", "folder /no/such/folder does not exist"),
    ],
)
def test_bad_database_urls_are_explained(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        mentor.connect(url)


def test_a_file_that_is_not_a_database_is_named_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database\n" * 200)
    before = path.read_bytes()
    result = run_cli("datasets", "list", db=f"sqlite:///{path}")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "cannot open database" in result.stderr and "file is not a database" in result.stderr
    assert path.read_bytes() == before


@pytest.mark.postgres
def test_postgresql_connections_are_kept_for_a_crowd_within_the_pool_size(
    pg_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tests.conftest import pg_database

    monkeypatch.setenv("MENTOR_DB_POOL_SIZE", "6")
    with pg_database(pg_server) as url, mentor.connect(url, home=tmp_path) as ws:

        def backend(_: int) -> int:
            with ws.engine.connect() as conn:
                pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
                conn.execute(text("SELECT pg_sleep(0.002)"))
                return int(pid)

        with ThreadPoolExecutor(6) as crowd:
            pids = set(crowd.map(backend, range(300)))
        # six at a time reuse six backends; with a smaller pool most requests started a new one
        assert len(pids) <= 6
        assert ws.engine.pool.size() == 6  # type: ignore[attr-defined]
