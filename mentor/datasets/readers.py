"""Streaming readers for JSONL (plain or gzip), JSON arrays, Parquet and HF datasets, and the
base every reader shares (CSV is in :mod:`mentor.datasets.csv_reader`).

A reader yields :class:`Row` values one by one in bounded memory. Problems with one row (bad JSON,
invalid UTF-8, an over-long line) are yielded as rows with an error so the importer can reject or
quarantine them; problems with the whole file raise :class:`InputError`.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final, NoReturn, cast

import orjson

from mentor.datasets.targets import what_is
from mentor.errors import InputError

FORMATS: Final = ("jsonl", "json", "csv", "parquet", "hf")
# Files are read in chunks of this size (Python's default, 8 KiB, costs a system call for every
# few lines of a typical JSONL file).
_CHUNK: Final = 1 << 20
_BOM: Final = b"\xef\xbb\xbf"  # UTF-8's byte-order mark
# Other encodings' byte-order marks, longest first (UTF-32 LE starts like UTF-16 LE).
_WIDE_BOMS: Final = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
JSON_CELLS: Final = frozenset(
    {
        "messages",
        "prompt",
        "chosen",
        "rejected",
        "responses",
        "ranking",
        "response",
        "scores",
        "tags",
        "meta",
        "completion",
        "conversations",
        "tools",
    }
)


@dataclass(frozen=True, slots=True)
class Row:
    """One input row: its 1-based line (or row) number, the parsed data or the problem (and the
    field it is in, when one is to blame, and the row's text, for the quarantine file)."""

    line: int
    data: dict[str, Any] | None
    error: str | None = None
    raw: str | None = None
    field: str | None = None


class Reader:
    """Base: knows the file, its size and how far reading has got (for progress bars).

    Readers that read the file's bytes themselves set `sha256` (of the file as stored) and `size`
    (how many bytes that hash covers) once `rows` has gone through all of it, so that the file
    need not be read a second time for it.
    """

    unit = "line"

    def __init__(self, path: Path, max_line_bytes: int):
        self.path = path
        self.max_line_bytes = max_line_bytes
        self.total = 0
        self.done = 0
        self.sha256: str | None = None
        self.size = 0
        # Columns whose type holds values JSON has no form for (binary, decimal, duration):
        # set by columnar readers when reading starts, for the importer to check.
        self.not_json_columns: list[str] = []

    def rows(self) -> Iterator[Row]:
        raise NotImplementedError


class _Hashed(io.RawIOBase):
    """A file that hashes every byte read from it."""

    def __init__(self, raw: io.FileIO):
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0  # bytes hashed so far: a file that grows meanwhile has more

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = self.raw.readinto(buffer) or 0
        self.digest.update(memoryview(buffer)[:size])
        self.size += size
        return size

    def hexdigest(self) -> str:
        """The SHA-256 of the whole file (reading what is left of it first)."""
        while chunk := self.raw.read(_CHUNK):
            self.digest.update(chunk)
            self.size += len(chunk)
        return self.digest.hexdigest()


def open_binary(path: Path) -> tuple[IO[bytes], _Hashed]:
    """Open `path`, transparently un-gzipping; return (stream to read, the file as stored)."""
    raw = io.FileIO(path, "rb")
    gzipped = raw.read(2) == b"\x1f\x8b"
    raw.seek(0)
    hashed = _Hashed(raw)
    stream = io.BufferedReader(hashed, _CHUNK)
    gunzip = _Gunzip(path, hashed, stream) if gzipped else None
    try:
        _refuse_wide_encoding(path, (gunzip or stream).peek(4))
    except InputError:
        raw.close()
        raise
    return (cast(IO[bytes], gunzip) if gunzip else stream), hashed


def _refuse_wide_encoding(path: Path, head: bytes) -> None:
    """A file saved as UTF-16 or UTF-32 (Windows tools do) is refused as a whole, by name."""
    for bom, encoding in _WIDE_BOMS:
        if head.startswith(bom):
            raise InputError(
                f"the file is encoded as {encoding} (it starts with a {encoding} byte-order "
                "mark); save it as UTF-8",
                where=f"{path}:1",
            )


class _Gunzip(gzip.GzipFile):
    """A gzip stream whose corruption (truncation, bad CRC, bad deflate data) is an InputError.

    Left alone, a truncated file raises EOFError, which the CLI reports as a bare "Aborted.".
    """

    def __init__(self, path: Path, hashed: _Hashed, stream: IO[bytes]):
        super().__init__(fileobj=stream, mode="rb")
        self._path, self._hashed, self._lines = path, hashed, 0

    def _corrupt(self, exc: Exception) -> InputError:
        cause = (
            "the file ends before the end of the compressed data (truncated?)"
            if isinstance(exc, EOFError)
            else str(exc) or type(exc).__name__
        )
        size = self._path.stat().st_size
        return InputError(
            f"corrupt gzip file: {cause}; read up to compressed byte "
            f"{self._hashed.raw.tell():,} of {size:,}, after {self._lines:,} complete lines; "
            "nothing was imported: re-download or re-compress the file",
            where=f"{self._path}:{self._lines + 1}",
        )

    def _counted(self, data: bytes) -> bytes:
        self._lines += data.count(b"\n")
        return data

    def read(self, size: int | None = -1) -> bytes:
        try:
            return self._counted(super().read(size))
        except (EOFError, OSError, zlib.error) as exc:
            raise self._corrupt(exc) from exc

    def read1(self, size: int = -1) -> bytes:
        try:
            return self._counted(super().read1(size))
        except (EOFError, OSError, zlib.error) as exc:
            raise self._corrupt(exc) from exc

    def readline(self, size: int | None = -1) -> bytes:
        try:
            return self._counted(super().readline(size))
        except (EOFError, OSError, zlib.error) as exc:
            raise self._corrupt(exc) from exc

    def peek(self, n: int) -> bytes:
        try:
            return super().peek(n)
        except (EOFError, OSError, zlib.error) as exc:
            raise self._corrupt(exc) from exc


_OLD_MAC: Final = "; lines end with CR only (old Mac); save it with LF line endings"


def _explain_bad_json(line: bytes, exc: orjson.JSONDecodeError) -> str:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"invalid UTF-8 byte 0x{line[bad.start]:02x} at column {bad.start + 1}"
    return f"not valid JSON: {exc.msg} at column {exc.colno}" + _cr_hint(line)


def _cr_hint(line: bytes) -> str:
    """A hint when a line holds a bare CR (and so likely more than one record)."""
    return _OLD_MAC if b"\r" in line.rstrip(b"\r\n") else ""


class JsonlReader(Reader):
    """One JSON object per line; blank lines are skipped; `.gz` is read directly."""

    def rows(self) -> Iterator[Row]:
        self.total = self.path.stat().st_size
        stream, hashed = open_binary(self.path)
        raw = hashed.raw
        limit = self.max_line_bytes
        loads = orjson.loads
        with stream, raw:
            number = 0
            while True:
                line = stream.readline(limit + 1)
                if not line:
                    break
                number += 1
                if len(line) > limit and not line.endswith(b"\n"):
                    size = len(line) + self._skip_rest(stream)
                    yield Row(
                        number,
                        None,
                        f"line is {size:,} bytes, over the limit of "
                        f"{limit:,} (MENTOR_MAX_LINE_BYTES)" + _cr_hint(line),
                    )
                    continue
                if number % 512 == 0:
                    self.done = raw.tell()
                if number == 1 and line.startswith(_BOM):  # some editors write one
                    line = line[len(_BOM) :]
                if line.isspace():
                    continue
                try:
                    data = loads(line)
                except orjson.JSONDecodeError as exc:
                    text = line.decode("utf-8", "replace").rstrip("\n")
                    yield Row(number, None, _explain_bad_json(line, exc), text)
                    continue
                if not isinstance(data, dict):
                    yield Row(
                        number,
                        None,
                        f"expected a JSON object, got {type(data).__name__}",
                        line.decode("utf-8", "replace").rstrip("\n"),
                    )
                    continue
                yield Row(number, data)
            self.sha256 = hashed.hexdigest()
            self.size = hashed.size
            self.done = self.total

    @staticmethod
    def _skip_rest(stream: IO[bytes]) -> int:
        skipped = 0
        while True:
            chunk = stream.readline(1 << 20)
            skipped += len(chunk)
            if not chunk or chunk.endswith(b"\n"):
                return skipped


# What can end or nest a JSON value, an escape inside a string (two bytes), or a quote.
_JSON_TOKENS: Final = re.compile(rb'\\.|["{}\[\],]', re.DOTALL)


class JsonReader(JsonlReader):
    """A ``.json`` file: one array of objects (``alpaca_data.json``, ShareGPT dumps), read one
    element at a time so memory stays flat; a file that starts with ``{`` is JSON Lines."""

    def rows(self) -> Iterator[Row]:
        stream, hashed = open_binary(self.path)
        with stream, hashed.raw:
            head = stream.read(_CHUNK)
            first = head.removeprefix(_BOM).lstrip()[:1]
            if first == b"[":
                yield from self._elements(stream, hashed, head)
                return
        if first in (b"{", b""):
            yield from super().rows()
            return
        line = head[: len(head) - len(head.lstrip())].count(b"\n") + 1
        raise InputError(
            f"a .json file holds an array of objects ([{{...}}, ...]) or one object per line; "
            f"this one starts with {first.decode('utf-8', 'replace')!r}",
            where=f"{self.path}:{line}",
        )

    def _elements(self, stream: IO[bytes], hashed: _Hashed, buf: bytes) -> Iterator[Row]:
        self.total = self.path.stat().st_size
        limit = self.max_line_bytes
        start = buf.index(b"[") + 1  # where the element being read starts
        scan, depth, in_string = start, 0, False
        line, counted = 1 + buf.count(b"\n", 0, start), start  # the line at `counted`
        seen = 0
        while True:
            for match in _JSON_TOKENS.finditer(buf, scan):
                token = match.group()
                scan = match.end()
                if in_string:
                    in_string = token != b'"'
                elif token == b'"':
                    in_string = True
                elif token in (b"{", b"["):
                    depth += 1
                elif token in (b"}", b"]") and depth > 0:
                    depth -= 1
                elif token in (b",", b"]") and depth == 0:
                    text = buf[start : match.start()]
                    body = text.lstrip()
                    at = start + len(text) - len(body)
                    line += buf.count(b"\n", counted, at)
                    counted = at
                    if body.strip():
                        seen += 1
                        yield self._element(body, line)
                    elif token == b"," or seen:
                        self._fail("an empty element (a stray comma?)", line)
                    if token == b"]":
                        self._finish(stream, hashed, buf[match.end() :], line)
                        return
                    start = match.end()
            line += buf.count(b"\n", counted, start)
            buf, scan, counted = buf[start:], scan - start, 0
            start = 0
            chunk = stream.read(_CHUNK)
            self.done = hashed.raw.tell()
            if not chunk:
                self._fail("the file ends inside the array (no closing ']')", line)
            buf += chunk
            if len(buf) > limit + _CHUNK:
                self._fail(
                    f"an element is over the limit of {limit:,} bytes (MENTOR_MAX_LINE_BYTES)",
                    line,
                )

    @staticmethod
    def _element(body: bytes, line: int) -> Row:
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            text = body.decode("utf-8", "replace")
            return Row(line, None, _explain_bad_json(body, exc), text[:2000])
        if not isinstance(data, dict):
            text = body.decode("utf-8", "replace")[:2000]
            return Row(line, None, f"expected a JSON object, got {type(data).__name__}", text)
        return Row(line, data)

    def _finish(self, stream: IO[bytes], hashed: _Hashed, rest: bytes, line: int) -> None:
        while True:
            if rest.strip():
                self._fail("text after the array's closing ']'", line)
            rest = stream.read(_CHUNK)
            if not rest:
                break
        self.sha256 = hashed.hexdigest()
        self.size = hashed.size
        self.done = self.total

    def _fail(self, problem: str, line: int) -> NoReturn:
        raise InputError(
            f"not a JSON array of objects: {problem}; a .json file holds one array "
            "([{...}, ...]) or one object per line",
            where=f"{self.path}:{line}",
        )


def _json_text(value: str) -> Any:
    """A columnar format's JSON text as the value, or the text itself if it is not JSON."""
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return value


def _drop_nulls(row: dict[str, Any]) -> dict[str, Any]:
    """Columnar rows: leave out empty columns and decode nested fields kept as JSON text."""
    out = {}
    for key, value in row.items():
        if value is None:
            continue
        if key in JSON_CELLS and isinstance(value, str) and value[:1] in "[{":
            value = _json_text(value)
        out[key] = value
    return out


def _not_json_columns(schema: Any) -> list[str]:
    """The columns of an Arrow `schema` whose type holds binary, decimal or duration values."""
    return [f.name for f in schema if _not_json_type(f.type)]


def _not_json_type(kind: Any) -> bool:
    import pyarrow as pa

    t = pa.types
    if t.is_dictionary(kind):
        return _not_json_type(kind.value_type)
    if (
        t.is_binary(kind)
        or t.is_large_binary(kind)
        or t.is_fixed_size_binary(kind)
        or t.is_decimal(kind)
        or t.is_duration(kind)
        or (hasattr(t, "is_binary_view") and t.is_binary_view(kind))
    ):
        return True
    return any(_not_json_type(kind.field(i).type) for i in range(kind.num_fields))


class ParquetReader(Reader):
    """Parquet read in record batches; nested columns come back as lists and dicts."""

    unit = "row"

    def rows(self) -> Iterator[Row]:
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(self.path)
        except Exception as exc:
            raise InputError(f"not a readable Parquet file: {exc}", where=str(self.path)) from exc
        self.total = pf.metadata.num_rows
        self.not_json_columns = _not_json_columns(pf.schema_arrow)
        number = 0
        for batch in pf.iter_batches(batch_size=4096):
            for item in batch.to_pylist():
                number += 1
                yield Row(number, _drop_nulls(item))
            self.done = number


class HfReader(Reader):
    """A dataset saved with ``save_to_disk`` (or any name ``datasets.load_dataset`` resolves)."""

    unit = "row"
    split: str | None = None

    def rows(self) -> Iterator[Row]:
        try:
            import datasets
        except ImportError as exc:
            raise InputError(
                "reading Hugging Face datasets needs the 'datasets' package: "
                "pip install 'mentor[hf]'",
                where="--format hf",
            ) from exc
        data = self._load(datasets)
        self.total = len(data)
        self.not_json_columns = _not_json_columns(data.features.arrow_schema)
        for number, item in enumerate(data, start=1):
            yield Row(number, _drop_nulls(item))
            self.done = number

    def _load(self, datasets: Any) -> Any:
        try:
            if self.path.is_dir():
                data = datasets.load_from_disk(str(self.path))
            else:
                data = datasets.load_dataset(str(self.path))
        except Exception as exc:
            raise InputError(
                f"cannot load the Hugging Face dataset: {exc}", where=str(self.path)
            ) from exc
        if isinstance(data, datasets.DatasetDict):
            splits = list(data)
            name = self.split or (
                "train" if "train" in data else splits[0] if len(splits) == 1 else None
            )
            if name not in data:
                raise InputError(
                    f"choose a split with --split; this dataset has {splits}", where=str(self.path)
                )
            data = data[name]
        return data


def guess_format(path: Path) -> str:
    """The format a file's name suggests (jsonl unless it says csv or parquet)."""
    name = path.name.lower().removesuffix(".gz")
    if path.is_dir():
        return "hf"
    if name.endswith((".csv", ".tsv")):
        return "csv"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith(".json"):
        return "json"
    return "jsonl"


def open_reader(
    path: Path, fmt: str | None, max_line_bytes: int, split: str | None = None
) -> Reader:
    """Choose the reader for `path`; check that the file exists and the format is known."""
    fmt = fmt or guess_format(path)
    if fmt not in FORMATS:
        raise InputError(
            f"unknown format '{fmt}'; expected one of {', '.join(FORMATS)}", where="--format"
        )
    if split is not None and fmt != "hf":
        raise InputError(
            f"only a Hugging Face dataset (--format hf) has splits; this is read as {fmt}",
            where="--split",
        )
    found = what_is(path, follow=True)
    if fmt != "hf" and found != "a regular file":
        problem = "no such file" if found is None else f"is {found}, not a regular file"
        raise InputError(problem, where=str(path))
    from mentor.datasets.csv_reader import CsvReader  # it builds on this module's Reader

    readers: dict[str, type[Reader]] = {
        "jsonl": JsonlReader,
        "json": JsonReader,
        "csv": CsvReader,
        "parquet": ParquetReader,
        "hf": HfReader,
    }
    reader = readers[fmt](path, max_line_bytes)
    if isinstance(reader, HfReader):
        reader.split = split
    return reader
