"""Opening a workspace database: engine settings per backend, and migrating it to head."""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError

from mentor.config import load_settings
from mentor.errors import ConfigError, InputError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSIONS = MIGRATIONS / "versions"
# One writer at a time per SQLite engine, queued in this process. SQLite's own busy handler
# makes a waiting writer sleep and poll (1, 2, 5, 10 ... 100 ms), so under contention the write
# lock sits free while every waiter sleeps; a lock here wakes the next writer the moment the
# last one commits. Other processes still meet busy_timeout, as before.
_WRITERS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
BUSY_TIMEOUT_MS: Final = 30000
_NO_WAIT: ContextVar[bool] = ContextVar("mentor_no_wait", default=False)


class WouldWait(Exception):
    """A write transaction inside :func:`without_waiting` that could not take the write lock at
    once; nothing of it was done. `here`: the lock is held by another writer of this process
    (whose transactions are short), not by another process (which may hold it for long)."""

    def __init__(self, message: str, *, here: bool):
        super().__init__(message)
        self.here = here


@contextmanager
def without_waiting() -> Iterator[None]:
    """Inside: a write transaction on SQLite whose write lock is taken (by a writer of this
    process or another) raises WouldWait before doing anything, instead of waiting for it. For
    callers that must not block (the web server's event loop), and that run the work again
    elsewhere from the start: each write transaction either committed or never began."""
    reset = _NO_WAIT.set(True)
    try:
        yield
    finally:
        _NO_WAIT.reset(reset)


# SQLite's page cache is per connection and fills up to its limit with every page a connection
# touches. A small default keeps a long eval run or a web server flat in memory (with 64 MB, a
# 100,000-case run grew by 40 MB as it wrote); bulk writers that revisit large B-trees, such as
# a dataset import, raise it on their own connection with bulk_cache().
CACHE_KIB: Final = 8192
BULK_CACHE_KIB: Final = 65536


def bulk_cache(conn: Connection) -> None:
    """Give `conn` a 64 MB SQLite page cache until it goes back to the pool (no-op elsewhere)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
        conn.info["bulk_cache"] = True


def _sqlite_checkin(dbapi_conn: Any, record: Any) -> None:
    if dbapi_conn is not None and record.info.pop("bulk_cache", False):
        dbapi_conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Mentor issues BEGIN itself (see _sqlite_begin), so writers can take the lock up front.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    # First: the pragmas below wait their turn too (switching a new database to WAL needs its
    # lock; a process starting beside another one would else fail at once, "database is locked").
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # Takes effect only when the database is new (an existing one keeps its page size). Pages of
    # 16 KiB waste less space around record bodies of a few KB than the default 4 KiB and need a
    # quarter of the page reads and writes for the same data: the inserts and commit of a million
    # records of ~1 KB took 30% less CPU in SQLite (benchmarks/RESULTS.md).
    cur.execute("PRAGMA page_size=16384")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # Straight to the driver: BEGIN returns no rows, and every transaction starts here.
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    driver = conn.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    if mode != "IMMEDIATE" or not _NO_WAIT.get():
        driver.execute(f"BEGIN {mode}")
        return
    # Another process may hold the write lock: ask once, without SQLite's busy handler.
    driver.execute("PRAGMA busy_timeout=0")
    try:
        driver.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
            raise
        raise WouldWait("another process holds the database's write lock", here=False) from exc
    finally:
        driver.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


@contextmanager
def _writer_lock(engine: Engine) -> Iterator[None]:
    lock = _WRITERS.get(engine)
    if lock is None:
        yield
        return
    if not lock.acquire(blocking=not _NO_WAIT.get()):
        raise WouldWait("another request of this process is writing", here=True)
    try:
        yield
    finally:
        lock.release()


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: on SQLite it takes the write lock at once (BEGIN IMMEDIATE),
    so concurrent writers queue instead of failing half-way with 'database is locked'. Writers of
    one process queue on an in-process lock first (see _WRITERS); inside without_waiting() a
    writer finding either lock taken raises WouldWait instead."""
    with _writer_lock(engine), engine.connect() as conn:
        conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            yield conn


def _postgres_nul(context: ExceptionContext) -> None:
    """PostgreSQL's refusal of a NUL character as the one-line error it is, not a traceback.

    Every route people and models take into the store checks for NUL where the text enters and
    names the field; this is the net under the ones that have not (a plug-in, an SDK caller)."""
    original = context.original_exception
    if type(original).__name__ == "DataError" and "NUL" in str(original):
        raise InputError(
            "text holding a NUL character (U+0000) cannot be stored in PostgreSQL; remove it "
            "from the value given"
        ) from original


def open_engine(url: str, pool_size: int | None = None) -> Engine:
    """Create an engine for `url`, with WAL and foreign keys on for SQLite; on PostgreSQL a pool
    of `pool_size` connections (default: the setting ``MENTOR_DB_POOL_SIZE``)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(
            f"--db / MENTOR_DB: '{url}' is not a database URL; expected e.g. "
            "sqlite:///mentor.db or postgresql+psycopg://user@host/dbname"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).expanduser().resolve().parent
            if not folder.is_dir():
                raise ConfigError(f"--db / MENTOR_DB: folder {folder} does not exist")
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "checkin", _sqlite_checkin)
        event.listen(engine, "begin", _sqlite_begin)
        _WRITERS[engine] = threading.RLock()
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        # A fixed pool: connections stay open between requests, and a request beyond the pool
        # waits for one. With overflow connections (closed again when the pool is full), a crowd
        # of 20 made PostgreSQL start over 100 backends in 9 s, and the database spent more CPU
        # than Mentor.
        size = pool_size or load_settings().db_pool_size
        engine = create_engine(parsed, pool_pre_ping=True, pool_size=size, max_overflow=0)
        event.listen(engine, "handle_error", _postgres_nul)
        return engine
    raise ConfigError(
        f"--db / MENTOR_DB: backend '{backend}' is not supported; use sqlite:/// or "
        "postgresql+psycopg://"
    )


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    """The newest migration's revision id. Migrations are files ``NNNN_name.py`` whose revision
    is ``NNNN`` and revises the one numbered before it (tests/store/test_store.py holds them to
    that), so the head is the largest number: found without importing Alembic, which costs
    about a quarter of a second at every command's start."""
    return max(path.name.split("_", 1)[0] for path in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def current_revision(conn: Connection) -> str | None:
    """The revision the database is at (None for a database never migrated)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    found: str | None = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return found


def migrate(engine: Engine) -> None:
    """Bring the database schema to the newest migration (a no-op when it is there)."""
    try:
        with engine.connect() as conn:
            current = current_revision(conn)
    except DatabaseError as exc:  # unreachable server, wrong password, not a database file
        raise ConfigError(f"cannot open database {engine.url!r}: {exc.orig}") from exc
    if current != head_revision():
        from alembic import command  # only when the schema must change

        command.upgrade(_alembic_config(engine), "head")
