"""Reading a table of labels from a CSV or JSONL file exported by any annotation tool.

Wide layout: one row per item, one column per annotator (``--annotators a,b,c``).
Long layout: one row per label, with item, annotator and label columns (``--long``).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from mentor.errors import InputError
from mentor.textfile import read_text

Label = str | int | float


@dataclass(frozen=True)
class LabelTable:
    """Items x annotators, with None where an annotator gave no label."""

    items: list[str]
    annotators: list[str]
    rows: list[list[Label | None]]


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        raise InputError("no such file", where=str(path))
    if path.suffix.lower() in (".csv", ".tsv"):
        yield from _csv_rows(path)
        return
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    data = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    raise InputError(
                        f"not valid JSON: {exc.msg}", where=f"{path}:{number}"
                    ) from exc
                if not isinstance(data, dict):
                    raise InputError("expected a JSON object", where=f"{path}:{number}")
                yield number, data


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    tsv = path.suffix.lower() == ".tsv"
    text = read_text(path, "TSV of labels" if tsv else "CSV of labels")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t" if tsv else ",")
    try:
        header = len(reader.fieldnames or ())
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if None in row:  # more cells than the header names
                cells = header + len(row[None])
                raise InputError(f"{cells} cells but the header has {header}", where=where)
            if any(value is None for value in row.values()):
                cells = sum(value is not None for value in row.values())
                raise InputError(f"{cells} cells but the header has {header}", where=where)
            yield reader.line_num, row
    except csv.Error as exc:
        raise InputError(f"not valid CSV: {exc}", where=f"{path}:{reader.line_num}") from exc


def _label(value: Any, where: str) -> Label | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return value
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    if not math.isfinite(number):  # "nan" or "inf": no scale can place it
        raise InputError(
            f"label '{text}' is not a finite number; leave the cell empty for no label",
            where=where,
        )
    return int(number) if number.is_integer() and not isinstance(value, float) else number


def _column(row: dict[str, Any], column: str, where: str) -> Any:
    if column not in row:
        raise InputError(
            f"column '{column}' not found; the columns are {', '.join(row)}", where=where
        )
    return row[column]


def read_label_table(
    path: Path,
    *,
    annotators: list[str] | None = None,
    item: str | None = None,
    long: bool = False,
    annotator: str = "annotator",
    label: str = "label",
) -> LabelTable:
    """Read labels into items x annotators; errors name the file, line and column."""
    if not long and not annotators:
        raise InputError(
            "name the annotator columns (e.g. --annotators a,b,c) or use --long",
            where="--annotators",
        )
    names = list(annotators or [])
    twice = next((a for i, a in enumerate(names) if a in names[:i]), None)
    if twice is not None:
        raise InputError(
            f"annotator column '{twice}' is named twice; name each column once",
            where="--annotators",
        )
    cells: dict[str, dict[str, Label | None]] = {}
    order: list[str] = names
    for number, row in _rows(path):
        where = f"{path}:{number}"
        key = str(_column(row, item, where)) if item else str(len(cells) + 1)
        if long:
            who = str(_column(row, annotator, where))
            if who not in order:
                order.append(who)
            if who in cells.setdefault(key, {}):
                raise InputError(f"annotator '{who}' labels item '{key}' twice", where=where)
            cells[key][who] = _label(_column(row, label, where), where)
        else:
            if key in cells:
                raise InputError(f"item '{key}' appears twice", where=where)
            cells[key] = {a: _label(_column(row, a, where), where) for a in order}
    if not any(v is not None for labels in cells.values() for v in labels.values()):
        empty = "; every label cell is empty" if cells else ""
        raise InputError(f"the file holds no labels{empty}", where=str(path))
    return LabelTable(list(cells), order, [[cells[k].get(a) for a in order] for k in cells])
