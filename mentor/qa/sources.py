"""What a scan reads: a stored version (``NAME@vN``) or a file not imported yet.

A file is read through the same readers, maps and validation as an import, and nothing is
written. Rows that are not valid records do not stop the scan: they come out as lint findings
(``schema``) naming the file and line, since finding them is what a scan is for.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import orjson
from sqlalchemy import Engine, create_engine, select

from mentor.datasets import maps
from mentor.datasets.readers import Reader, open_reader
from mentor.datasets.versions import VersionInfo, iter_records, parse_ref, resolve
from mentor.errors import InputError, NotFoundError, RecordError
from mentor.qa.findings import Finding
from mentor.records import Record, validate
from mentor.store.tables import record_blobs, version_records

# Fields an evaluation file may keep its prompt in when its rows are not records.
_PROMPT_FIELDS: Final = ("input", "prompt", "question", "instruction", "text")
_SUFFIXES: Final = (".jsonl", ".json", ".gz", ".csv", ".tsv", ".parquet", ".pq", ".ndjson")


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file target (as for ``mentor datasets import``)."""

    format: str | None = None
    map: str | None = None
    map_file: Path | None = None
    split: str | None = None
    max_line_bytes: int = 16 << 20


@dataclass(frozen=True, slots=True)
class Batch:
    """Records to check, the rows before them that were not records, and how far reading got.

    Stored records come as their canonical JSON text, which workers decode: text costs far
    less than dicts to send to another process, and the main process never parses it.
    """

    records: list[Record | str]
    invalid: list[Finding]
    done: int


def decode(records: Sequence[Record | str]) -> list[Record]:
    """The records of a batch as dicts (decoding those sent as JSON text)."""
    return [orjson.loads(r) if isinstance(r, str) else r for r in records]


def stored_bodies(engine: Engine, version_id: int, page: int = 5000) -> Iterator[str]:
    """The canonical JSON of a version's records in order (keyset pagination, short reads)."""
    position = -1
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                select(version_records.c.position, record_blobs.c.body)
                .join(record_blobs, record_blobs.c.hash == version_records.c.record_hash)
                .where(
                    version_records.c.version_id == version_id,
                    version_records.c.position > position,
                )
                .order_by(version_records.c.position)
                .limit(page)
            ).all()
        if not rows:
            return
        for row in rows:
            yield row.body
        position = rows[-1].position


def stored_source(engine: Engine, version: VersionInfo) -> Source:
    """The records of a stored version, as a scan reads them."""
    return Source(version.ref, version.record_count, stored_bodies(engine, version.id))


class Source:
    """Records of one target, in batches: a stored version's (`reader` None: progress counts
    records) or a file's (progress counts what its reader has read, in bytes)."""

    def __init__(
        self,
        label: str,
        total: int,
        rows: Iterator[Record | str | Finding],
        reader: Reader | None = None,
    ):
        self.label = label
        self.total = total
        self.stored = reader is None
        self._rows = rows
        self._reader = reader

    def _done(self, records: int) -> int:
        return self._reader.done if self._reader is not None else records

    def batches(self, size: int) -> Iterator[Batch]:
        """Batches of up to `size` records; a last batch may hold only invalid rows."""
        records: list[Record | str] = []
        invalid: list[Finding] = []
        seen = 0
        for row in self._rows:
            if isinstance(row, Finding):
                invalid.append(row)
                continue
            records.append(row)
            seen += 1
            if len(records) >= size:
                yield Batch(records, invalid, self._done(seen))
                records, invalid = [], []
        if records or invalid:
            yield Batch(records, invalid, self.total if self._reader is not None else seen)


def is_file_target(target: str) -> bool:
    """Whether `target` names a file (or HF dataset folder) rather than a stored version.

    What exists on disk is a file; otherwise anything that reads as ``NAME@vN`` and looks
    nothing like a path is a version.
    """
    if Path(target).exists():
        return True
    try:
        parse_ref(target)
    except InputError:
        return True
    return any(sep in target for sep in ("/", "\\")) or target.lower().endswith(_SUFFIXES)


def open_source(engine: Engine, target: str, opts: ReadOptions) -> Source:
    """The records of `target`: a version reference or a file path."""
    if not is_file_target(target):
        with engine.connect() as conn:
            return stored_source(engine, resolve(conn, target))
    path = Path(target)
    if not path.exists():
        raise InputError("no such file or dataset version", where=target)
    row_map = maps.resolve(opts.map, opts.map_file)
    reader = open_reader(path, opts.format, opts.max_line_bytes, opts.split)
    reader.total = path.stat().st_size if path.is_file() else 0

    def rows() -> Iterator[Record | Finding]:
        for row in reader.rows():
            if row.data is None:
                yield _schema(path, row.line, row.error or "unreadable row", None)
                continue
            try:
                yield validate(row_map(row.data))
            except RecordError as err:
                yield _schema(path, row.line, err.reason, err.field)

    return Source(str(path), reader.total, rows(), reader)


def _schema(path: Path, line: int, reason: str, field: str | None) -> Finding:
    return Finding(
        record_id=f"{path.name}:{line}",
        check="lint",
        code="schema",
        severity="high",
        message=f"{path}:{line}: {reason}" + (f" (field '{field}')" if field else ""),
        evidence=field or "",
    )


class StoredRecords:
    """The records of a stored version, read afresh each time they are iterated.

    Pickling keeps only the database URL and the version, so a check holding these can go to
    worker processes without the records going with it.
    """

    def __init__(self, engine: Engine, version_id: int):
        self._engine: Engine | None = engine
        self._url = engine.url.render_as_string(hide_password=False)
        self.version_id = version_id

    def __iter__(self) -> Iterator[Record]:
        if self._engine is None:
            self._engine = create_engine(self._url)
        return iter_records(self._engine, self.version_id)

    def __getstate__(self) -> dict[str, Any]:
        return {"_engine": None, "_url": self._url, "version_id": self.version_id}


class FileRecords:
    """The items of an evaluation file, read afresh each time they are iterated.

    Rows that are not records but hold a prompt (``input``, ``prompt``, ``question``...)
    count as single-turn items; any other bad row stops with its file and line.
    """

    def __init__(self, path: Path, opts: ReadOptions):
        self.path = path
        self.opts = opts

    def __iter__(self) -> Iterator[Record]:
        path, opts = self.path, self.opts
        row_map = maps.resolve(opts.map, opts.map_file)
        for row in open_reader(path, None, opts.max_line_bytes).rows():
            if row.data is None:
                raise InputError(row.error or "unreadable row", where=f"{path}:{row.line}")
            try:
                yield validate(row_map(row.data))
            except RecordError as err:
                text = next(
                    (row.data[k] for k in _PROMPT_FIELDS if isinstance(row.data.get(k), str)), None
                )
                if text is None:
                    raise InputError(
                        err.reason, where=f"{path}:{row.line}", field=err.field
                    ) from err
                rid = str(row.data.get("id") or f"line-{row.line}")
                yield {"kind": "sft", "id": rid, "messages": [{"role": "user", "content": text}]}


def read_against(
    engine: Engine, targets: list[str], opts: ReadOptions
) -> dict[str, Iterable[Record]]:
    """The ``--against`` targets (versions or files) by label, each readable as records."""
    found: dict[str, Iterable[Record]] = {}
    for target in targets:
        if not is_file_target(target):
            try:
                with engine.connect() as conn:
                    version = resolve(conn, target)
            except NotFoundError as exc:
                raise NotFoundError(f"--against {target}: {exc}") from exc
            found[version.ref] = StoredRecords(engine, version.id)
            continue
        path = Path(target)
        if not path.exists():
            raise InputError("no such file or dataset version", where=f"--against {target}")
        found[path.name] = FileRecords(path, ReadOptions(max_line_bytes=opts.max_line_bytes))
    return found
