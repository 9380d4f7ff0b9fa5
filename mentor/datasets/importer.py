"""Importing a file as a new version: read, map, validate, write, all or nothing.

Without ``skip_invalid`` the first bad row stops the import and nothing is written. With it, every
rejected row goes to a quarantine JSONL file with its place and reason, and the rest is imported.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Final, Protocol

import orjson
from sqlalchemy import Connection, Engine

import mentor
from mentor.datasets import maps
from mentor.datasets.readers import Reader, open_reader
from mentor.datasets.versions import VersionInfo, by_id, check_name, resolve
from mentor.datasets.writer import Prepared, VersionSpec, VersionWriter, claim_dataset
from mentor.errors import InputError, MentorError, NotFoundError, RecordError
from mentor.records import validate
from mentor.store.engine import write_transaction

_BATCH_ROWS: Final = 2000
# From this input size on, a second process reads, validates and serialises the rows while this
# one writes them (the two halves cost about the same); below it, starting one (a fresh
# interpreter that imports Mentor, about 0.75 s) costs more than it saves.
_WORKER_MIN_BYTES: Final = 256 << 20
_AHEAD: Final = 8
_FRAME: Final = struct.Struct("<Q")


class Progress(Protocol):
    """Told how far a long operation has got; `total` is in the same unit (bytes, rows)."""

    def __call__(self, done: int, total: int) -> None: ...


@dataclass(frozen=True)
class ImportOptions:
    """How to read a file: its format, the map to apply, what to do with bad rows."""

    format: str | None = None
    map: str | None = None
    map_file: Path | None = None
    skip_invalid: bool = False
    quarantine: Path | None = None
    split: str | None = None
    description: str = ""
    note: str = ""


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the version (new, or the existing one with identical content)."""

    version: VersionInfo
    imported: int
    rejected: int
    quarantine: Path | None
    unchanged: bool


class _Unchanged(Exception):
    """The file holds exactly what the newest version holds: keep that version."""


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, or of every file under a folder (names and contents, sorted)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode() + b"\0")
        with file.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


class _Quarantine:
    """Rejected rows, written lazily so a clean import leaves no file behind."""

    def __init__(self, path: Path | None, source: Path):
        self.path = path
        self.source = source
        self.count = 0
        self._fh: IO[bytes] | None = None

    def add(self, line: int | None, error: str, field: str | None, raw: object) -> None:
        if self.path is None:
            raise InputError(error, where=f"{self.source}:{line}", field=field)
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("wb")
        entry = {
            "where": f"{self.source}:{line}",
            "line": line,
            "field": field,
            "error": error,
            "row": raw,
        }
        self._fh.write(orjson.dumps(entry, default=str) + b"\n")
        self.count += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


def import_file(
    engine: Engine,
    path: Path,
    name: str,
    actor: str,
    opts: ImportOptions,
    progress: Progress | None = None,
    max_line_bytes: int = 16 << 20,
) -> ImportResult:
    """Import `path` into dataset `name` as its next version (see module docstring)."""
    check_name(name)
    row_map = maps.resolve(opts.map, opts.map_file)
    reader = open_reader(path, opts.format, max_line_bytes, opts.split)
    fmt = type(reader).__name__.removesuffix("Reader").lower()
    quarantine = _Quarantine(opts.quarantine if opts.skip_invalid else None, path)
    job = _Job(path, opts.format, max_line_bytes, opts.split, opts.map, opts.map_file)
    worker = _Worker(job) if _worth_a_worker(path) else None
    try:
        with write_transaction(engine) as conn:
            claim_dataset(
                conn, VersionSpec(name, actor, "import", {}, description=opts.description)
            )
            parent = _latest(conn, name)
            params = {
                "file": path.name,
                "format": fmt,
                "map": opts.map or (str(opts.map_file) if opts.map_file else "auto"),
            }
            spec = VersionSpec(
                dataset=name,
                actor=actor,
                transform="import",
                params=params,
                parents=(parent.id,) if parent else (),
                note=opts.note,
                description=opts.description,
            )
            writer = VersionWriter(
                conn,
                spec,
                on_reject=lambda line, err: quarantine.add(line, err.reason, err.field, None),
            )
            prepare = functools.partial(_prepare, reader, row_map)
            batches = worker.batches(prepare) if worker else prepare()
            _write_batches(batches, writer, quarantine, progress)
            writer.flush()
            if writer.count == 0:
                raise InputError(_empty_reason(quarantine), where=str(path))
            writer.add_source(
                str(path.resolve()),
                worker.sha256 if worker else reader.sha256 or file_sha256(path),
                _size(path),
                fmt,
            )
            digest = writer.finish()
            if parent is not None and parent.content_hash == digest:
                raise _Unchanged
            version = by_id(conn, writer.version_id)
    except _Unchanged:
        assert parent is not None
        return ImportResult(parent, 0, quarantine.count, None, unchanged=True)
    finally:
        if worker is not None:
            worker.close()
        quarantine.close()
    return ImportResult(
        version,
        writer.count,
        quarantine.count,
        quarantine.path if quarantine.count else None,
        unchanged=False,
    )


@dataclass(frozen=True)
class _Rejected:
    """A row refused before writing; `before` is its place among its batch's records."""

    before: int
    line: int | None
    reason: str
    field: str | None
    raw: object


@dataclass(frozen=True)
class _Batch:
    """Up to _BATCH_ROWS input rows, validated and serialised, and how far the reader has got."""

    records: Prepared
    rejected: list[_Rejected]
    done: int
    total: int


def _prepare(reader: Reader, row_map: maps.RowMap) -> Iterator[_Batch]:
    """Read, map, validate and serialise the rows, in batches."""
    records, rejected = Prepared(), list[_Rejected]()
    for seen, row in enumerate(reader.rows(), start=1):
        if row.data is None:
            rejected.append(
                _Rejected(len(records), row.line, row.error or "unreadable row", None, row.raw)
            )
        else:
            try:
                raw = row_map(row.data)
                rec = validate(raw)
            except RecordError as err:
                rejected.append(_Rejected(len(records), row.line, err.reason, err.field, row.data))
            else:
                records.append(rec, row.line, derived=not raw.get("id"))
        if seen % _BATCH_ROWS == 0:
            yield _Batch(records, rejected, reader.done, reader.total)
            records, rejected = Prepared(), []
    yield _Batch(records, rejected, reader.total, reader.total)


def _write_batches(
    batches: Iterator[_Batch],
    writer: VersionWriter,
    quarantine: _Quarantine,
    progress: Progress | None,
) -> None:
    """Hand records to the writer and refusals to the quarantine, in input order."""
    for batch in batches:
        start = 0
        for rejected in batch.rejected:
            writer.add_prepared(batch.records, start, rejected.before)
            quarantine.add(rejected.line, rejected.reason, rejected.field, rejected.raw)
            start = rejected.before
        writer.add_prepared(batch.records, start)
        if progress is not None:
            progress(batch.done, batch.total)


@dataclass(frozen=True)
class _Job:
    """What the reading process is to read, and how (a map file is loaded again there)."""

    path: Path
    format: str | None
    max_line_bytes: int
    split: str | None
    map: str | None
    map_file: Path | None


@dataclass(frozen=True)
class _Finished:
    """The reading process's last message: the input's SHA-256, or what went wrong."""

    sha256: str = ""
    error: BaseException | None = field(default=None)


def _worth_a_worker(path: Path) -> bool:
    python = Path(sys.executable or "").name.lower().startswith("python")
    return (
        python
        and not getattr(sys, "frozen", False)
        and path.exists()
        and (_size(path) >= _WORKER_MIN_BYTES)
    )


class _Worker:
    """A second Python process that runs `_prepare` and streams the batches back through a pipe.

    A fresh interpreter (not a fork), so that it is safe from threads and the open database
    connection. A thread here reads the pipe a few batches ahead, so neither process waits on the
    other's bursts (a flush, a slow row); at most `_AHEAD` batches are held in memory.
    """

    def __init__(self, job: _Job):
        root = str(Path(mentor.__file__).resolve().parent.parent)
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
        self.sha256 = ""
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self._proc = subprocess.Popen(
            [sys.executable, "-P", "-c", "from mentor.datasets.importer import _serve; _serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env={**os.environ, "PYTHONPATH": path},
        )
        assert self._proc.stdin is not None
        with self._proc.stdin as stdin, contextlib.suppress(BrokenPipeError):
            pickle.dump(job, stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self._frames: queue.Queue[bytes | None] = queue.Queue(maxsize=_AHEAD)
        self._closing = threading.Event()
        self._pump = threading.Thread(target=self._read_frames, daemon=True)
        self._pump.start()

    def _read_frames(self) -> None:
        assert self._proc.stdout is not None
        while not self._closing.is_set():
            head = self._proc.stdout.read(_FRAME.size)
            size = _FRAME.unpack(head)[0] if len(head) == _FRAME.size else -1
            frame = self._proc.stdout.read(size) if size >= 0 else b""
            whole = len(frame) == size
            while not self._closing.is_set():
                try:
                    self._frames.put(frame if whole else None, timeout=0.2)
                    break
                except queue.Full:
                    continue
            if not whole:
                return

    def batches(self, fallback: Callable[[], Iterator[_Batch]]) -> Iterator[_Batch]:
        """The batches in input order; raises what the reading process raised. If that process
        could not start at all (an unusual Python setup), `fallback` reads them here instead."""
        started = False
        while True:
            frame = self._frames.get()
            if frame is None and not started:
                yield from fallback()
                return
            if frame is None:
                self._stderr.seek(0)
                said = self._stderr.read()[-2000:].decode(errors="replace").strip()
                raise MentorError(
                    f"the process reading the input stopped unexpectedly (exit code "
                    f"{self._proc.wait()})" + (f":\n{said}" if said else "")
                )
            started = True
            item = pickle.loads(frame)
            if isinstance(item, _Batch):
                yield item
                continue
            assert isinstance(item, _Finished)
            if item.error is not None:
                raise item.error
            self.sha256 = item.sha256
            return

    def close(self) -> None:
        """Stop the reading process (if it is still running) and wait for it."""
        self._closing.set()
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        self._pump.join()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._stderr.close()


def _serve() -> None:
    """The reading process: a `_Job` on stdin; framed, pickled batches on stdout."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the importing process
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever else prints goes to stderr, not into the frames
    try:
        job: _Job = pickle.load(sys.stdin.buffer)
        # Everything imported so far lives as long as this process: keep the collector from
        # going through it again and again while the rows' short-lived objects come and go.
        gc.freeze()
        reader = open_reader(job.path, job.format, job.max_line_bytes, job.split)
        for batch in _prepare(reader, maps.resolve(job.map, job.map_file)):
            _send(out, batch)
        finished = _Finished(sha256=reader.sha256 or file_sha256(job.path))
    except Exception as exc:  # raised again in the importing process
        finished = _Finished(error=_picklable(exc))
    with contextlib.suppress(BrokenPipeError):  # the importing process has stopped already
        _send(out, finished)


def _send(out: IO[bytes], item: _Batch | _Finished) -> None:
    data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_FRAME.pack(len(data)))
    out.write(data)
    out.flush()


def _picklable(exc: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _latest(conn: Connection, name: str) -> VersionInfo | None:
    try:
        return resolve(conn, name)
    except NotFoundError:
        return None


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def _empty_reason(quarantine: _Quarantine) -> str:
    if quarantine.count:
        return (
            f"no valid records: all {quarantine.count} rows were rejected (see {quarantine.path})"
        )
    return "the file holds no records (it is empty or only blank lines)"
