"""Writers that must not wait (the web server's event loop): without_waiting() makes a write
transaction give up before doing anything when the write lock is taken, and says by whom."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from mentor.store.engine import WouldWait, open_engine, without_waiting, write_transaction


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with write_transaction(engine) as conn:
        conn.execute(text("CREATE TABLE notes (body TEXT)"))
    return engine


def _notes(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [row.body for row in conn.execute(text("SELECT body FROM notes ORDER BY rowid"))]


def _write(engine: Engine, body: str) -> None:
    with without_waiting(), write_transaction(engine) as conn:
        conn.execute(text("INSERT INTO notes VALUES (:body)"), {"body": body})


def test_a_free_lock_is_taken_and_the_write_lands(engine: Engine) -> None:
    _write(engine, "first")
    assert _notes(engine) == ["first"]


def test_another_process_holding_the_lock_is_reported_at_once(
    engine: Engine, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "w.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(WouldWait) as busy:
        _write(engine, "lost?")
    assert not busy.value.here and "another process" in str(busy.value)
    other.execute("COMMIT")
    other.close()
    _write(engine, "after")
    assert _notes(engine) == ["after"]
    with engine.connect() as conn:  # writers outside without_waiting() still wait as before
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_another_writer_of_this_process_is_reported_as_here(engine: Engine) -> None:
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        with write_transaction(engine):
            holding.set()
            done.wait(10)

    writer = threading.Thread(target=hold)
    writer.start()
    holding.wait(10)
    with pytest.raises(WouldWait) as busy:
        _write(engine, "lost?")
    assert busy.value.here
    done.set()
    writer.join()
    _write(engine, "after")
    assert _notes(engine) == ["after"]
