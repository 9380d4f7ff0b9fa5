"""The CSV reader: a header row, then one record per row, with JSON in structured cells and
``scores.X`` columns (see the CSV row of docs/datasets.md)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Final

import orjson

from mentor.datasets.readers import (
    JSON_CELLS,
    Reader,
    Row,
    open_binary,
)
from mentor.errors import InputError
from mentor.records import number_from_text

_MESSAGE_CELLS: Final = ("messages", "prompt", "chosen", "rejected", "response", "completion")
# How a cell that was meant as JSON starts: a list or object of objects, lists or strings.
_LOOKS_JSON: Final = re.compile(r"[\[{]\s*(?:[\[{\"]|$)")
_TRUE: Final = ("1", "true", "yes")
_FALSE: Final = ("0", "false", "no")


class _BadCell(Exception):
    """A CSV cell that cannot mean what its column holds."""

    def __init__(self, column: str, problem: str):
        super().__init__(problem)
        self.column = column


def _cell(column: str, value: str) -> Any:
    """A CSV cell as the value its column holds (see the CSV row of docs/datasets.md)."""
    if value == "":
        return None
    if column in JSON_CELLS and value[:1] in "[{":
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError as exc:
            if column in _MESSAGE_CELLS and column != "messages" and not _LOOKS_JSON.match(value):
                return value  # text such as "[INST] Hi" or "{name}, hello": not JSON at all
            hint = f" (to give text that starts with {value[:1]!r}, write a JSON list of messages)"
            raise _BadCell(
                column,
                f"a cell of this column that starts with {value[:1]!r} is read as JSON, and this "
                f"one is not valid JSON: {exc.msg} at column {exc.colno}"
                + (hint if column in _MESSAGE_CELLS else ""),
            ) from None
    if column in ("tie", "parallel_tool_calls", "text_completion"):
        flag = value.strip().lower()
        if flag not in _TRUE + _FALSE:
            raise _BadCell(
                column, f"expected true or false ({', '.join(_TRUE + _FALSE)}), got {value!r:.40}"
            )
        return flag in _TRUE
    if column == "margin" or column.startswith("scores."):
        return number_from_text(value)
    return value


class CsvReader(Reader):
    """A header row, then one record per row; JSON in structured cells; `scores.X` columns."""

    unit = "row"

    def rows(self) -> Iterator[Row]:
        self.total = self.path.stat().st_size
        stream, hashed = open_binary(self.path)
        raw = hashed.raw
        csv.field_size_limit(self.max_line_bytes)
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
        with text, raw:
            reader = csv.reader(text)
            try:
                header = next(reader)
            except StopIteration:
                self.sha256, self.size = hashed.hexdigest(), hashed.size
                return
            except csv.Error as exc:
                raise InputError(f"cannot read the header: {exc}", where=f"{self.path}:1") from exc
            _check_header(self.path, header)
            yield from self._records(reader, header, raw)
            self.sha256, self.size = hashed.hexdigest(), hashed.size

    def _records(self, reader: Any, header: list[str], raw: IO[bytes]) -> Iterator[Row]:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                yield Row(reader.line_num, None, f"malformed CSV: {exc}")
                continue
            number = reader.line_num
            self.done = raw.tell()
            if not cells:
                continue
            if len(cells) != len(header):
                problem = f"expected {len(header)} columns, got {len(cells)}"
                yield Row(number, None, problem, _raw(cells))
                continue
            bad = next((c for c, v in zip(header, cells, strict=True) if _has_bad_bytes(v)), None)
            if bad is not None:
                yield Row(number, None, f"invalid UTF-8 bytes in column '{bad}'", _raw(cells))
                continue
            try:
                data = _cells(header, cells)
            except _BadCell as bad_cell:
                yield Row(number, None, str(bad_cell), _raw(cells), field=bad_cell.column)
                continue
            yield Row(number, data)
        self.done = self.total


def _cells(header: list[str], cells: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for column, value in zip(header, cells, strict=True):
        if column.startswith("scores."):
            data.setdefault("scores", {})[column[7:]] = _cell(column, value)
        else:
            data[column] = _cell(column, value)
    return data


def _check_header(path: Path, header: list[str]) -> None:
    """Refuse a header whose names are not UTF-8, empty, repeated, or give scores twice."""
    for n, name in enumerate(header, start=1):
        if _has_bad_bytes(name):
            byte = next(ord(ch) - 0xDC00 for ch in name if "\udc80" <= ch <= "\udcff")
            raise InputError(
                f"not valid UTF-8 (byte 0x{byte:02x} in the column name "
                f"{_printable(name)!r}); save the file as UTF-8",
                where=f"{path}:1:column {n}",
            )
    if len(set(header)) != len(header) or any(not h.strip() for h in header):
        raise InputError(
            f"header has empty or repeated column names: {header}",
            where=f"{path}:1 (header)",
        )
    criteria = [h for h in header if h.startswith("scores.")]
    if "scores" in header and criteria:
        raise InputError(
            f"columns 'scores' (column {header.index('scores') + 1}) and '{criteria[0]}' "
            f"(column {header.index(criteria[0]) + 1}) both give scores; keep one: a JSON "
            "object in 'scores', or one 'scores.X' column per criterion",
            where=f"{path}:1 (header)",
        )
    if "scores." in header:
        raise InputError(
            f"column 'scores.' (column {header.index('scores.') + 1}) names no criterion; "
            "name it 'scores.X'",
            where=f"{path}:1 (header)",
        )


def _has_bad_bytes(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value) if not value.isascii() else False


def _printable(text: str) -> str:
    """Text read with ``surrogateescape``, its invalid bytes as U+FFFD (so it can be written)."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _raw(cells: list[str]) -> str:
    """A refused row as text for the quarantine file."""
    joined = ",".join(cells)
    return joined if joined.isascii() else _printable(joined)
