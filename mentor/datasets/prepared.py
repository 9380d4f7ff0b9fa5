"""Prepared records: input rows read, mapped, validated, serialised and hashed, in batches.

This is the half of an import that needs no database, so that a second process can do it while
the importing one writes (see ``importer``). That process runs `serve`: a `Job` arrives on its
stdin, and framed, pickled `Batch` values (then one `Finished`) leave on its stdout. It starts
from `boot_program`, which loads this module and the few it needs without running Mentor's
package ``__init__`` (that imports the database layer and everything else: 0.75 s or more).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import signal
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final

import orjson

from mentor.datasets import maps
from mentor.datasets.readers import Reader, open_reader
from mentor.errors import RecordError
from mentor.records import Record, canonical_json, validate

BATCH_ROWS: Final = 2000
FRAME: Final = struct.Struct("<Q")
_PIPE_BYTES: Final = 1 << 20  # Linux's default pipe holds 64 KiB: a batch is about 2 MB
# Values of columnar types that JSON has no form for, and what to do instead.
_NOT_JSON: Final = (
    (bytes, "binary values are not supported; store them as text (base64, say)"),
    (Decimal, "decimal values are not supported; cast the column to float64 or string"),
    (timedelta, "durations are not supported; store them as numbers (of seconds, say)"),
)


@dataclass(frozen=True, slots=True)
class Prepared:
    """Validated records as they are stored, column by column (cheap to batch and to pickle).

    For each record: its id and kind, its canonical JSON, that JSON's SHA-256, the input line it
    came from and whether its id was derived from its content.
    """

    ids: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)
    lines: list[int | None] = field(default_factory=list)
    derived: list[bool] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    def append(self, rec: Record, line: int | None = None, derived: bool = False) -> None:
        """Add one validated record, serialised and hashed."""
        body = exact(canonical_json(rec))
        self.ids.append(rec["id"])
        self.kinds.append(rec["kind"])
        self.bodies.append(body)
        self.digests.append(hashlib.sha256(body).hexdigest())
        self.lines.append(line)
        self.derived.append(derived)

    def extend(self, other: Prepared, start: int, stop: int) -> None:
        """Add the records ``other[start:stop]``."""
        self.ids.extend(other.ids[start:stop])
        self.kinds.extend(other.kinds[start:stop])
        self.bodies.extend(other.bodies[start:stop])
        self.digests.extend(other.digests[start:stop])
        self.lines.extend(other.lines[start:stop])
        self.derived.extend(other.derived[start:stop])


def exact(data: bytes) -> bytes:
    """A copy of `data` that takes its length in memory: a bytes object made by orjson takes
    several times that for as long as it lives, and record bodies may wait a while."""
    return bytes(memoryview(data))


@dataclass(frozen=True)
class Rejected:
    """A row refused before writing; `before` is its place among its batch's records."""

    before: int
    line: int | None
    reason: str
    field: str | None
    raw: object


@dataclass(frozen=True)
class Batch:
    """Up to BATCH_ROWS input rows, validated and serialised, and how far the reader has got."""

    records: Prepared
    rejected: list[Rejected]
    done: int
    total: int


@dataclass(frozen=True)
class Job:
    """What the reading process is to read, and how (a map file is loaded again there)."""

    path: Path
    format: str | None
    max_line_bytes: int
    split: str | None
    map: str | None
    map_file: Path | None
    kind: str | None = None
    ignore_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileDigest:
    """An input's SHA-256 and how many bytes of content it covers (a file that grows while it
    is read has more by the time it could be measured again)."""

    sha256: str
    size: int


@dataclass(frozen=True)
class Finished:
    """The reading process's last message: the input's digest, or what went wrong."""

    digest: FileDigest | None = None
    error: BaseException | None = field(default=None)


def file_digest(path: Path) -> FileDigest:
    """SHA-256 and size of a file, or of every file under a folder (names and contents, sorted;
    the size counts the contents)."""
    digest, size = hashlib.sha256(), 0
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode() + b"\0")
        with file.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    return FileDigest(digest.hexdigest(), size)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, or of every file under a folder (names and contents, sorted)."""
    return file_digest(path).sha256


def read_digest(reader: Reader) -> FileDigest:
    """The digest of what `reader` has read through, hashed as it went or (a reader that does
    not read the bytes itself) now."""
    if reader.sha256 is not None:
        return FileDigest(reader.sha256, reader.size)
    return file_digest(reader.path)


def prepare(reader: Reader, row_map: maps.RowMap, ignore: tuple[str, ...] = ()) -> Iterator[Batch]:
    """Read, map, validate and serialise the rows, in batches (`ignore`: the input fields the
    map leaves out)."""
    records, rejected = Prepared(), list[Rejected]()
    for seen, row in enumerate(reader.rows(), start=1):
        if row.data is None:
            rejected.append(
                Rejected(len(records), row.line, row.error or "unreadable row", row.field, row.raw)
            )
        elif reader.not_json_columns and (bad := _not_json(row.data, reader, ignore)):
            rejected.append(Rejected(len(records), row.line, bad[1], bad[0], row.data))
        else:
            try:
                raw = row_map(row.data)
                rec = validate(raw)
                records.append(rec, row.line, derived=raw.get("id") is None)
            except RecordError as err:
                rejected.append(Rejected(len(records), row.line, err.reason, err.field, row.data))
            except orjson.JSONEncodeError as exc:  # a value the readers let through
                reason = f"a value cannot be stored as JSON: {exc}"
                rejected.append(Rejected(len(records), row.line, reason, None, row.data))
        if seen % BATCH_ROWS == 0:
            yield Batch(records, rejected, reader.done, reader.total)
            records, rejected = Prepared(), []
    yield Batch(records, rejected, reader.total, reader.total)


def _not_json(
    row: dict[str, Any], reader: Reader, ignore: tuple[str, ...]
) -> tuple[str, str] | None:
    """A columnar row's first value that JSON cannot hold: (its field, the problem)."""
    for column in reader.not_json_columns:
        found = _not_json_value(row.get(column), column) if column not in ignore else None
        if found is not None:
            path, problem = found
            return path, f"{problem}, or leave the column out with --ignore-field {column}"
    return None


def _not_json_value(value: Any, path: str) -> tuple[str, str] | None:
    """The first value under `value` that JSON cannot hold: (its field path, the problem)."""
    if isinstance(value, dict):
        for key, item in value.items():
            found = _not_json_value(item, f"{path}.{key}")
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = _not_json_value(item, f"{path}[{i}]")
            if found is not None:
                return found
    else:
        for kind, problem in _NOT_JSON:
            if isinstance(value, kind):
                return path, problem
    return None


def boot_program() -> str:
    """The ``python -c`` program that starts a reading process: Mentor's packages are put in
    place empty (their folders known), so that importing this module runs no package
    ``__init__``."""
    datasets = Path(__file__).resolve().parent
    packages = {"mentor": str(datasets.parent), "mentor.datasets": str(datasets)}
    return (
        "import sys, types\n"
        f"for name, folder in {packages!r}.items():\n"
        "    package = types.ModuleType(name)\n"
        "    package.__path__ = [folder]\n"
        "    sys.modules[name] = package\n"
        "from mentor.datasets.prepared import serve\n"
        "serve()\n"
    )


def serve() -> None:
    """The reading process: a `Job` on stdin; framed, pickled batches on stdout."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the importing process
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever else prints goes to stderr, not into the frames
    _widen_pipe(out)
    # What is loaded by now lives as long as this process: keep the collector from going
    # through it again and again while the rows' short-lived objects come and go.
    gc.freeze()
    try:
        job: Job = pickle.load(sys.stdin.buffer)
        reader = open_reader(job.path, job.format, job.max_line_bytes, job.split)
        row_map = maps.resolve(job.map, job.map_file, job.kind, job.ignore_fields)
        for batch in prepare(reader, row_map, job.ignore_fields):
            _send(out, batch)
        finished = Finished(digest=read_digest(reader))
    except Exception as exc:  # raised again in the importing process
        finished = Finished(error=_picklable(exc))
    with contextlib.suppress(BrokenPipeError):  # the importing process has stopped already
        _send(out, finished)


def _widen_pipe(out: IO[bytes]) -> None:
    """Let the pipe hold a batch (Linux only; a smaller pipe works too, with more wake-ups)."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(out.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def _send(out: IO[bytes], item: Batch | Finished) -> None:
    data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(FRAME.pack(len(data)))
    out.write(data)
    out.flush()


def _picklable(exc: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
