"""Reading a table of labels from a CSV or JSONL file exported by any annotation tool.

Wide layout: one row per item, one column per annotator (``--annotators a,b,c``).
Long layout: one row per label, with item, annotator and label columns (``--long``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from mentor.errors import InputError

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
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh, delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
            for row in reader:
                yield reader.line_num, row
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


def _label(value: Any) -> Label | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


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
    cells: dict[str, dict[str, Label | None]] = {}
    order: list[str] = list(annotators or [])
    for number, row in _rows(path):
        where = f"{path}:{number}"
        key = str(_column(row, item, where)) if item else str(len(cells) + 1)
        if long:
            who = str(_column(row, annotator, where))
            if who not in order:
                order.append(who)
            if who in cells.setdefault(key, {}):
                raise InputError(f"annotator '{who}' labels item '{key}' twice", where=where)
            cells[key][who] = _label(_column(row, label, where))
        else:
            if key in cells:
                raise InputError(f"item '{key}' appears twice", where=where)
            cells[key] = {a: _label(_column(row, a, where)) for a in order}
    if not cells:
        raise InputError("the file holds no labels", where=str(path))
    return LabelTable(list(cells), order, [[cells[k].get(a) for a in order] for k in cells])
