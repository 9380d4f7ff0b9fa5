"""Verdict files: what a judge said, beside what people said, for judges run outside Mentor.

One item per line, JSONL or CSV (either may be gzipped). Two shapes, told apart by their fields:

- **pairwise**: ``item``, ``a``, ``b`` (the two answers), ``verdict_ab`` (the judge's verdict
  with a shown first), ``verdict_ba`` (its verdict with b shown first, naming the ORIGINAL a
  and b), ``human``; each verdict is ``a``, ``b`` or ``tie`` (an empty verdict: the judge's
  reply could not be read). Optional: ``judge``, ``family_a``, ``family_b``, ``judge_family``
  and ``order_ba: swapped`` when ``verdict_ba`` names the shown positions instead (``a`` = the
  answer shown first, which was b).
- **labels**: ``item``, ``judge_label``, ``human_label`` and optional ``judge``; labels are
  compared as text, or as numbers when the file is ordinal.

The whole file is read (streamed) and checked before anything is computed or stored: the first
bad line stops it with ``file:line``, the field and what was expected.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final, Literal, cast

import orjson

from mentor.errors import InputError

Verdict = Literal["a", "b", "tie"]
Kind = Literal["label", "ordinal", "pairwise"]
Label = str | float
SHOWN_CHARS: Final = 1000  # of each answer, kept to show a disagreement
PAIR_FIELDS: Final = frozenset(
    {"item", "a", "b", "verdict_ab", "verdict_ba", "human", "judge", "family_a", "family_b"}
    | {"judge_family", "order_ba"}
)
LABEL_FIELDS: Final = frozenset({"item", "judge_label", "human_label", "judge"})
VERDICTS: Final = ("a", "b", "tie")
UNREAD: Final = ("", "unparsed", "none", "null")


@dataclass(frozen=True)
class PairRow:
    """One pair judged in both orders; verdicts name the original a and b."""

    item: str
    line: int
    human: Verdict
    forward: Verdict | None
    backward: Verdict | None
    a: str  # the first SHOWN_CHARS characters, to read
    b: str
    len_a: int
    len_b: int
    family_a: str = ""
    family_b: str = ""
    judge_family: str = ""


@dataclass(frozen=True)
class LabelRow:
    """One item's label from the judge (None: it gave none) and from people."""

    item: str
    line: int
    human: Label
    judge: Label | None


@dataclass(frozen=True)
class VerdictFile:
    """A checked verdict file: its digest, its shape and its rows by judge name."""

    path: Path
    sha256: str
    rows: int
    kind: Kind
    pairs: dict[str, list[PairRow]] = field(default_factory=dict)
    labels: dict[str, list[LabelRow]] = field(default_factory=dict)

    @property
    def judges(self) -> tuple[str, ...]:
        """The judges the file names, in the order they first appear."""
        return tuple(self.pairs or self.labels)


class _Hashing:
    """Lines of a (maybe gzipped) file as text, hashing the bytes as they pass."""

    def __init__(self, handle: IO[bytes], where: str):
        self.handle, self.where, self.digest, self.line = handle, where, hashlib.sha256(), 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.handle:
            self.digest.update(raw)
            self.line += 1
            try:
                yield raw.decode("utf-8-sig" if self.line == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise InputError("not UTF-8 text", where=f"{self.where}:{self.line}") from exc


def _records(lines: _Hashing, fmt: str) -> Iterator[tuple[int, dict[str, Any]]]:
    if fmt == "csv":
        reader = csv.DictReader(lines)
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                raise InputError(
                    "the row has a different number of cells than the header",
                    where=f"{lines.where}:{reader.line_num}",
                )
            yield reader.line_num, dict(row)
        return
    for text in lines:
        if not text.strip():
            continue
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise InputError(
                f"not valid JSON ({exc})", where=f"{lines.where}:{lines.line}"
            ) from exc
        if not isinstance(value, dict):
            raise InputError("expected a JSON object per line", where=f"{lines.where}:{lines.line}")
        yield lines.line, value


def _format(path: Path) -> tuple[str, bool]:
    name = path.name.lower()
    packed = name.endswith(".gz")
    name = name.removesuffix(".gz")
    for suffix, fmt in ((".jsonl", "jsonl"), (".ndjson", "jsonl"), (".csv", "csv")):
        if name.endswith(suffix):
            return fmt, packed
    raise InputError(
        "expected a verdict file ending in .jsonl, .ndjson or .csv (or .gz)", where=str(path)
    )


def _text(row: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = row.get(key)
    if value is None:
        if required:
            raise InputError("missing; expected text", where=where, field=key)
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(f"expected text, got {type(value).__name__}", where=where, field=key)
    if key in ("a", "b"):  # answers are kept as they are, and may be empty
        return str(value)
    text = str(value).strip()
    if required and not text:
        raise InputError("empty; expected text", where=where, field=key)
    return text


def _verdict(row: dict[str, Any], key: str, where: str, *, required: bool) -> Verdict | None:
    if key not in row:
        raise InputError("missing; expected a, b or tie", where=where, field=key)
    value = row[key]
    said = "" if value is None else str(value).strip().lower()
    if said in VERDICTS:
        return said  # type: ignore[return-value]
    if not required and said in UNREAD:
        return None
    raise InputError(
        f"{value!r} is not a verdict; expected a, b or tie"
        + ("" if required else " (or empty when the judge's reply could not be read)"),
        where=where,
        field=key,
    )


def _swap(v: Verdict | None) -> Verdict | None:
    return "b" if v == "a" else "a" if v == "b" else v


def _pair(row: dict[str, Any], item: str, line: int, where: str) -> PairRow:
    backward = _verdict(row, "verdict_ba", where, required=False)
    order = _text(row, "order_ba", where, required=False).lower()
    if order not in ("", "original", "swapped"):
        raise InputError(f"{order!r}: expected original or swapped", where=where, field="order_ba")
    a, b = _text(row, "a", where), _text(row, "b", where)
    return PairRow(
        item=item,
        line=line,
        human=_verdict(row, "human", where, required=True),  # type: ignore[arg-type]
        forward=_verdict(row, "verdict_ab", where, required=False),
        backward=_swap(backward) if order == "swapped" else backward,
        a=a[:SHOWN_CHARS],
        b=b[:SHOWN_CHARS],
        len_a=len(a),
        len_b=len(b),
        family_a=_text(row, "family_a", where, required=False),
        family_b=_text(row, "family_b", where, required=False),
        judge_family=_text(row, "judge_family", where, required=False),
    )


def _label(value: Any, key: str, where: str, ordinal: bool) -> Label | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(f"expected a label, got {type(value).__name__}", where=where, field=key)
    if not ordinal:
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    try:
        number = float(value)
    except ValueError:
        raise InputError(
            f"{value!r} is not a number; an ordinal file (--ordinal) has numeric labels",
            where=where,
            field=key,
        ) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InputError(f"{value!r} is not a finite number", where=where, field=key)
    return number


def _label_row(row: dict[str, Any], item: str, line: int, where: str, ordinal: bool) -> LabelRow:
    human = _label(row.get("human_label"), "human_label", where, ordinal)
    if human is None:
        raise InputError(
            "missing; every row needs the people's label", where=where, field="human_label"
        )
    if "judge_label" not in row:
        raise InputError(
            "missing; leave it empty when the judge gave no label", where=where, field="judge_label"
        )
    return LabelRow(item, line, human, _label(row["judge_label"], "judge_label", where, ordinal))


def _kind(row: dict[str, Any], where: str, ordinal: bool) -> Kind:
    if "verdict_ab" in row:
        return "pairwise"
    if "judge_label" in row:
        return "ordinal" if ordinal else "label"
    raise InputError(
        "cannot tell the file's shape: expected pairwise fields (item, a, b, verdict_ab, "
        "verdict_ba, human) or label fields (item, judge_label, human_label)",
        where=where,
    )


def read_verdicts(path: Path | str, *, judge: str, ordinal: bool = False) -> VerdictFile:
    """Read and check a verdict file; rows without a ``judge`` field belong to `judge`."""
    path = Path(path)
    fmt, packed = _format(path)
    try:
        raw = cast(IO[bytes], gzip.open(path, "rb") if packed else path.open("rb"))  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}", where="--against") from exc
    with raw:
        lines = _Hashing(raw, str(path))
        try:
            found = _read(_records(lines, fmt), str(path), judge, ordinal)
        except (OSError, EOFError, csv.Error) as exc:
            raise InputError(f"cannot read it: {exc}", where=f"{path}:{lines.line}") from exc
    if not found.pairs and not found.labels:
        raise InputError("the file has no rows", where=str(path))
    return VerdictFile(
        path, lines.digest.hexdigest(), found.rows, found.kind, found.pairs, found.labels
    )


@dataclass
class _Found:
    kind: Kind = "label"
    rows: int = 0
    pairs: dict[str, list[PairRow]] = field(default_factory=dict)
    labels: dict[str, list[LabelRow]] = field(default_factory=dict)
    seen: dict[tuple[str, str], int] = field(default_factory=dict)


def _read(
    records: Iterator[tuple[int, dict[str, Any]]], source: str, judge: str, ordinal: bool
) -> _Found:
    found = _Found()
    for line, row in records:
        where = f"{source}:{line}"
        if found.rows == 0:
            found.kind = _kind(row, where, ordinal)
        allowed = PAIR_FIELDS if found.kind == "pairwise" else LABEL_FIELDS
        unknown = sorted(set(row) - allowed)
        if unknown:
            raise InputError(
                f"unknown field; expected {', '.join(sorted(allowed))}",
                where=where,
                field=unknown[0],
            )
        item = _text(row, "item", where)
        name = _text(row, "judge", where, required=False) or judge
        first = found.seen.setdefault((name, item), line)
        if first != line:
            raise InputError(
                f"item {item!r} of judge {name!r} again (first on line {first})",
                where=where,
                field="item",
            )
        if found.kind == "pairwise":
            found.pairs.setdefault(name, []).append(_pair(row, item, line, where))
        else:
            found.labels.setdefault(name, []).append(_label_row(row, item, line, where, ordinal))
        found.rows += 1
    return found
