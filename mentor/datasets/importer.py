"""Importing a file as a new version: read, map, validate, write, all or nothing.

Without ``skip_invalid`` the first bad row stops the import and nothing is written. With it, every
rejected row goes to a quarantine JSONL file with its place and reason, and the rest is imported.
"""

from __future__ import annotations

import contextlib
import functools
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

import orjson
from sqlalchemy import Connection, Engine

from mentor.datasets import maps, targets
from mentor.datasets.prepared import (
    FRAME,
    Batch,
    FileDigest,
    Finished,
    Job,
    boot_program,
    prepare,
    read_digest,
)
from mentor.datasets.readers import open_reader
from mentor.datasets.versions import VersionInfo, by_id, check_name, now_stamp, resolve
from mentor.datasets.writer import VersionSpec, VersionWriter, claim_dataset
from mentor.errors import InputError, MentorError, NotFoundError
from mentor.progress import Progress
from mentor.store.engine import write_transaction

# From this input size on, a second process reads, validates and serialises the rows while this
# one writes them (the two halves cost about the same); below it, starting one (a fresh
# interpreter that imports Mentor, about 0.75 s) costs more than it saves.
_WORKER_MIN_BYTES: Final = 256 << 20
_AHEAD: Final = 8


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
    kind: str | None = None
    ignore_fields: tuple[str, ...] = ()
    quarantine_dir: Path | None = None  # without `quarantine`: a new NAME-STAMP.jsonl here


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


class _Quarantine:
    """Rejected rows, written lazily so a clean import leaves no file behind.

    A path the user chose must not exist yet (it is checked before reading starts); a default
    path that another import took in the same second gets a ``-2``, ``-3``, ... suffix.
    """

    def __init__(self, path: Path | None, source: Path, chosen: bool = True):
        self.path = path
        self.source = source
        self.chosen = chosen
        self.count = 0
        self._fh: IO[bytes] | None = None

    def add(self, line: int | None, error: str, field: str | None, raw: object) -> None:
        if self.path is None:
            raise InputError(error, where=f"{self.source}:{line}", field=field)
        entry = {
            "where": f"{self.source}:{line}",
            "line": line,
            "field": field,
            "error": error,
            "row": raw,
        }
        data = _entry_json(entry)  # before the file is made: a failure leaves no empty file
        if self._fh is None:
            self._fh = self._open(self.path)
        self._fh.write(data)
        self.count += 1

    def _open(self, base: Path) -> IO[bytes]:
        path = base
        for n in range(2, 1000):
            try:
                return targets.open_new(path, "--quarantine")
            except FileExistsError:
                if self.chosen:
                    raise InputError(
                        f"{path} already exists; give a path that does not exist yet",
                        where="--quarantine",
                    ) from None
                path = self.path = base.with_name(f"{base.stem}-{n}{base.suffix}")
        raise InputError(f"no free file name like {base}", where="--quarantine")

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


def _entry_json(entry: dict[str, object]) -> bytes:
    """A quarantine line. A row that JSON cannot hold as it is (text with invalid UTF-8 that a
    reader let through) is kept as its text, with U+FFFD for what cannot be written."""
    try:
        return orjson.dumps(entry, default=str) + b"\n"
    except orjson.JSONEncodeError:
        safe = {k: v if v is None or isinstance(v, int) else _replaced(v) for k, v in entry.items()}
        return orjson.dumps(safe) + b"\n"


def _replaced(value: object) -> str:
    return str(value).encode("utf-8", "surrogatepass").decode("utf-8", "replace")


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
    row_map = maps.resolve(opts.map, opts.map_file, opts.kind, opts.ignore_fields)
    reader = open_reader(path, opts.format, max_line_bytes, opts.split)
    fmt = type(reader).__name__.removesuffix("Reader").lower()
    quarantine = _quarantine(opts, name, path)
    job = Job(
        path,
        opts.format,
        max_line_bytes,
        opts.split,
        opts.map,
        opts.map_file,
        opts.kind,
        opts.ignore_fields,
    )
    worker = _Worker(job) if _worth_a_worker(path) else None
    try:
        with write_transaction(engine) as conn:
            claim_dataset(
                conn, VersionSpec(name, actor, "import", {}, description=opts.description)
            )
            parent = _latest(conn, name)
            params: dict[str, object] = {
                "file": path.name,
                "format": fmt,
                "map": opts.map or (str(opts.map_file) if opts.map_file else "auto"),
            }
            if opts.kind:
                params["kind"] = opts.kind
            if opts.ignore_fields:
                params["ignore_fields"] = list(opts.ignore_fields)
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
            read_here = functools.partial(prepare, reader, row_map, opts.ignore_fields)
            batches = worker.batches(read_here) if worker else read_here()
            _write_batches(batches, writer, quarantine, progress)
            writer.flush()
            if writer.count == 0:
                raise InputError(_empty_reason(quarantine), where=str(path))
            read = (worker.digest if worker else None) or read_digest(reader)
            writer.add_source(str(path.resolve()), read.sha256, read.size, fmt)
            digest = writer.finish()
            if parent is not None and parent.content_hash == digest:
                raise _Unchanged
            version = by_id(conn, writer.version_id)
    except _Unchanged:
        assert parent is not None
        kept = quarantine.path if quarantine.count else None
        return ImportResult(parent, 0, quarantine.count, kept, unchanged=True)
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


def _quarantine(opts: ImportOptions, name: str, source: Path) -> _Quarantine:
    """Where this import's rejected rows go: `opts.quarantine`, which must not exist yet (it
    could be the input itself), else a new file in `opts.quarantine_dir`; None: nowhere."""
    if not opts.skip_invalid:
        return _Quarantine(None, source)
    if opts.quarantine is not None:
        targets.check_target(opts.quarantine, "--quarantine", replace=False, parents=True)
        return _Quarantine(opts.quarantine, source)
    if opts.quarantine_dir is None:
        return _Quarantine(None, source)
    default = opts.quarantine_dir / f"{name}-{now_stamp()}.jsonl"
    return _Quarantine(default, source, chosen=False)


def _write_batches(
    batches: Iterator[Batch],
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


def _worth_a_worker(path: Path) -> bool:
    python = Path(sys.executable or "").name.lower().startswith("python")
    return (
        python
        and not getattr(sys, "frozen", False)
        and path.exists()
        and (_size(path) >= _WORKER_MIN_BYTES)
    )


class _Worker:
    """A second Python process that runs `prepared.serve`: it streams the batches back in a pipe.

    A fresh interpreter (not a fork), so that it is safe from threads and the open database
    connection; it loads only the modules that reading needs (see `prepared.boot_program`). A
    thread here reads the pipe a few batches ahead, so neither process waits on the other's
    bursts (a flush, a slow row); at most `_AHEAD` batches are held in memory.
    """

    def __init__(self, job: Job):
        self.digest: FileDigest | None = None
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self._proc = subprocess.Popen(
            [sys.executable, "-P", "-c", boot_program()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
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
            head = self._proc.stdout.read(FRAME.size)
            size = FRAME.unpack(head)[0] if len(head) == FRAME.size else -1
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

    def batches(self, fallback: Callable[[], Iterator[Batch]]) -> Iterator[Batch]:
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
            if isinstance(item, Batch):
                yield item
                continue
            assert isinstance(item, Finished)
            if item.error is not None:
                raise item.error
            self.digest = item.digest
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
