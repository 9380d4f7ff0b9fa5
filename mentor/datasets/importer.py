"""Importing a file as a new version: read, map, validate, write, all or nothing.

Without ``skip_invalid`` the first bad row stops the import and nothing is written. With it, every
rejected row goes to a quarantine JSONL file with its place and reason, and the rest is imported.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

import orjson
from sqlalchemy import Connection, Engine

from mentor.datasets import maps
from mentor.datasets.readers import Reader, open_reader
from mentor.datasets.versions import VersionInfo, by_id, check_name, resolve
from mentor.datasets.writer import VersionSpec, VersionWriter
from mentor.errors import InputError, NotFoundError, RecordError
from mentor.records import validate


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
        entry = {"where": f"{self.source}:{line}", "line": line, "field": field, "error": error,
                 "row": raw}
        self._fh.write(orjson.dumps(entry, default=str) + b"\n")
        self.count += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


def import_file(engine: Engine, path: Path, name: str, actor: str, opts: ImportOptions,
                progress: Progress | None = None, max_line_bytes: int = 16 << 20) -> ImportResult:
    """Import `path` into dataset `name` as its next version (see module docstring)."""
    check_name(name)
    row_map = maps.resolve(opts.map, opts.map_file)
    reader = open_reader(path, opts.format, max_line_bytes, opts.split)
    fmt = type(reader).__name__.removesuffix("Reader").lower()
    quarantine = _Quarantine(opts.quarantine if opts.skip_invalid else None, path)
    try:
        with engine.begin() as conn:
            parent = _latest(conn, name)
            params = {"file": path.name, "format": fmt, "map": opts.map or
                      (str(opts.map_file) if opts.map_file else "auto")}
            spec = VersionSpec(dataset=name, actor=actor, transform="import", params=params,
                               parents=(parent.id,) if parent else (), note=opts.note,
                               description=opts.description)
            writer = VersionWriter(conn, spec, on_reject=lambda line, err: quarantine.add(
                line, err.reason, err.field, None))
            _stream(reader, row_map, writer, quarantine, progress)
            writer.flush()
            if writer.count == 0:
                raise InputError(_empty_reason(quarantine), where=str(path))
            writer.add_source(str(path.resolve()), file_sha256(path),
                              _size(path), fmt)
            digest = writer.finish()
            if parent is not None and parent.content_hash == digest:
                raise _Unchanged
            version = by_id(conn, writer.version_id)
    except _Unchanged:
        assert parent is not None
        return ImportResult(parent, 0, quarantine.count, None, unchanged=True)
    finally:
        quarantine.close()
    return ImportResult(version, writer.count, quarantine.count,
                        quarantine.path if quarantine.count else None, unchanged=False)


def _stream(reader: Reader, row_map: maps.RowMap, writer: VersionWriter,
            quarantine: _Quarantine, progress: Progress | None) -> None:
    seen = 0
    for row in reader.rows():
        seen += 1
        if progress is not None and seen % 2000 == 0:
            progress(reader.done, reader.total)
        if row.data is None:
            quarantine.add(row.line, row.error or "unreadable row", None, row.raw)
            continue
        try:
            raw = row_map(row.data)
            rec = validate(raw)
        except RecordError as err:
            quarantine.add(row.line, err.reason, err.field, row.data)
            continue
        writer.add(rec, row.line, derived=not raw.get("id"))
    if progress is not None:
        progress(reader.total, reader.total)


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
        return (f"no valid records: all {quarantine.count} rows were rejected "
                f"(see {quarantine.path})")
    return "the file holds no records (it is empty or only blank lines)"
