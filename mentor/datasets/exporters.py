"""Exporting a version to the formats training tools read, written atomically.

=============== ==============================================================================
format          what is written
=============== ==============================================================================
``jsonl``       Mentor's canonical records, one per line (ids and metadata kept)
``parquet``     the same records as columns; nested fields (messages, scores, meta) as JSON text
``hf``          a Hugging Face ``datasets`` folder (``save_to_disk``) of one record kind
``trl-sft``     ``{"messages": [...]}`` (TRL's conversational language-modelling format)
``trl-dpo``     ``{"prompt": [...], "chosen": [...], "rejected": [...]}`` (TRL DPO / reward)
``openai-chat`` ``{"messages": [...]}`` as the OpenAI supervised fine-tuning API reads it
``openai-dpo``  ``{"input": {"messages"}, "preferred_output", "non_preferred_output"}``
=============== ==============================================================================

Training formats carry content only (no ids or metadata); their rows are made in
:mod:`~mentor.datasets.trl_format` and :mod:`~mentor.datasets.openai_format` (which also checks
OpenAI's published rules), the ``hf`` folder in :mod:`~mentor.datasets.hf_export`. Records a
format cannot hold are left out and counted by reason; writing no rows at all is an error.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

import orjson

from mentor.datasets import openai_format, targets, trl_format
from mentor.datasets.chat_rows import Unexportable, WrongKind
from mentor.datasets.hf_export import write_hf
from mentor.errors import InputError
from mentor.records import Record, ordered

FORMATS: Final = ("jsonl", "parquet", "hf", "trl-sft", "trl-dpo", "openai-chat", "openai-dpo")
_NESTED: Final = (
    "messages",
    "prompt",
    "chosen",
    "rejected",
    "responses",
    "ranking",
    "response",
    "scores",
    "meta",
)
_SCALAR: Final = ("id", "kind", "tie", "margin", "unranked", "source", "intent", "language")


@dataclass(frozen=True)
class ExportResult:
    """Where the export went, how many rows it wrote, which records were left out and why."""

    path: Path
    format: str
    written: int
    skipped: dict[str, int] = field(default_factory=dict)
    sha256: str = ""
    skipped_ids: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _jsonl(rec: Record) -> Iterator[dict[str, Any]]:
    yield ordered(rec)


ROWS: Final[dict[str, Callable[[Record], Iterator[dict[str, Any]]]]] = {
    "jsonl": _jsonl,
    "trl-sft": trl_format.sft,
    "trl-dpo": trl_format.dpo,
    "openai-chat": openai_format.chat_rows,
    "openai-dpo": openai_format.preference_rows,
}
_EXAMPLES: Final = 5  # record ids kept per reason for leaving records out


@dataclass
class _Tally:
    """What an export left out (count and first ids per reason) and what it noted."""

    skipped: Counter[str] = field(default_factory=Counter)
    ids: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def leave_out(self, reason: str, rid: str) -> None:
        self.skipped[reason] += 1
        examples = self.ids.setdefault(reason, [])
        if len(examples) < _EXAMPLES:
            examples.append(rid)

    def why_empty(self) -> str:
        if not self.skipped:
            return "the version holds no records to export"
        reasons = "; ".join(
            f"{n:,} {reason} (e.g. {', '.join(self.ids[reason])})"
            for reason, n in self.skipped.most_common()
        )
        return f"every record was left out: {reasons}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        with file.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def write(
    records: Iterator[Record],
    fmt: str,
    out: Path,
    tick: Callable[[], None],
    strict: bool = False,
    allow_empty: bool = False,
) -> ExportResult:
    """Write `records` to `out` in `fmt`; the target appears only once it is complete.

    Records the format cannot hold one by one (a tie, a row OpenAI would reject) are left out
    and counted in ``skipped``; with `strict` the first stops the export. A record of the wrong
    kind always stops it, and so does writing no rows at all unless `allow_empty`.
    """
    if fmt not in FORMATS:
        raise InputError(
            f"unknown format '{fmt}'; expected one of {', '.join(FORMATS)}", where="--to"
        )
    if fmt == "hf" and targets.what_is(out) is not None:
        raise InputError(f"{out} already exists; give a new folder for hf", where="OUT")
    targets.check_target(out, "OUT")
    tally = _Tally()

    def counted(recs: Iterator[Record]) -> Iterator[Record]:
        for rec in recs:
            tick()
            yield rec

    if fmt == "hf":
        written = write_hf(counted(records), out, tally.notes)
        if not written:
            raise InputError(tally.why_empty(), where="--to hf")
        return _result(out, fmt, written, tally, _sha256(out))
    tmp = targets.temp_beside(out, "OUT")
    try:  # the temporary file goes whatever stops the export (an error, Ctrl-C, SIGTERM)
        if fmt == "parquet":
            written, sha256 = _write_parquet(counted(records), tmp), _sha256(tmp)
        else:
            written, sha256 = _write_jsonl(counted(records), ROWS[fmt], tmp, tally, strict)
        if not written and not allow_empty:
            raise InputError(
                f"wrote no rows: {tally.why_empty()} (pass --allow-empty to write an empty file)",
                where=f"--to {fmt}",
            )
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return _result(out, fmt, written, tally, sha256)


def _result(out: Path, fmt: str, written: int, tally: _Tally, sha256: str) -> ExportResult:
    return ExportResult(
        out, fmt, written, dict(tally.skipped), sha256, dict(tally.ids), list(tally.notes)
    )


def _write_jsonl(
    records: Iterator[Record],
    rows: Callable[[Record], Iterator[dict[str, Any]]],
    tmp: Path,
    tally: _Tally,
    strict: bool,
) -> tuple[int, str]:
    """Write the rows; return how many and the SHA-256 of the file (hashed as it is written)."""
    written, margins, digest, chunk = 0, 0, hashlib.sha256(), list[bytes]()
    with tmp.open("wb") as fh:
        for rec in records:
            if rows is _jsonl:  # one row per record, and never refused
                chunk.append(orjson.dumps(ordered(rec), option=orjson.OPT_APPEND_NEWLINE))
                written += 1
            else:
                try:
                    found = list(rows(rec))
                except Unexportable as exc:
                    if strict or isinstance(exc, WrongKind):
                        raise InputError(str(exc), where=f"record {rec['id']}") from exc
                    tally.leave_out(str(exc), rec["id"])
                    continue
                chunk.extend(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE) for row in found)
                written += len(found)
                margins += sum("margin" in row for row in found)
            if len(chunk) >= 1024:
                _put(fh, digest, chunk)
        _put(fh, digest, chunk)
    if 0 < margins < written:
        tally.notes.append(
            f"margin left out: only {margins:,} of {written:,} rows have one "
            "(a column with missing values stops reward trainers)"
        )
        return written, _drop_margins(tmp)
    return written, digest.hexdigest()


def _drop_margins(path: Path) -> str:
    """Rewrite the JSONL file at `path` without ``margin``; return its new SHA-256."""
    digest, chunk = hashlib.sha256(), list[bytes]()
    stripped = path.with_name(path.name + ".margins")
    try:
        with path.open("rb") as src, stripped.open("wb") as fh:
            for line in src:
                row = orjson.loads(line)
                row.pop("margin", None)
                chunk.append(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE))
                if len(chunk) >= 1024:
                    _put(fh, digest, chunk)
            _put(fh, digest, chunk)
        stripped.replace(path)
    finally:
        stripped.unlink(missing_ok=True)
    return digest.hexdigest()


def _put(fh: IO[bytes], digest: Any, chunk: list[bytes]) -> None:
    data = b"".join(chunk)
    digest.update(data)
    fh.write(data)
    chunk.clear()


def _write_parquet(records: Iterator[Record], tmp: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    bools = {"tie": pa.bool_(), "unranked": pa.bool_()}
    schema = pa.schema(
        [
            *(
                pa.field(k, bools.get(k, pa.float64() if k == "margin" else pa.string()))
                for k in _SCALAR
            ),
            pa.field("tags", pa.list_(pa.string())),
            *(pa.field(k, pa.string()) for k in _NESTED),
        ]
    )
    written = 0
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        while (group := _row_group(records, schema)) is not None:
            writer.write_table(group)
            written += group.num_rows
    return written


def _row_group(records: Iterator[Record], schema: Any) -> Any:
    """Up to 10,000 records as one table (None when there are no more), converted 2,000 at a
    time: orjson's output buffers are larger than their JSON, so fewer alive is less memory."""
    import pyarrow as pa

    parts: list[Any] = []
    while len(parts) < 5 and (columns := _columns(itertools.islice(records, 2_000))):
        parts.append(pa.Table.from_pydict(columns, schema=schema))
    return pa.concat_tables(parts).combine_chunks() if parts else None


def _columns(records: Iterator[Record]) -> dict[str, list[Any]] | None:
    """The Parquet columns of `records` (None if there are none): scalars as they are, nested
    fields as sorted-key JSON. Column by column, so no record is kept once it is read."""
    columns: dict[str, list[Any]] = {k: [] for k in (*_SCALAR, "tags", *_NESTED)}
    scalars = [(columns[k].append, k) for k in _SCALAR]
    nested = [(columns[k].append, k) for k in _NESTED]
    tags, dumps, sort = columns["tags"].append, orjson.dumps, orjson.OPT_SORT_KEYS
    for rec in records:
        for add, key in scalars:
            add(rec.get(key))
        tags(rec.get("tags", []))
        for add, key in nested:  # JSON text as UTF-8 bytes: Arrow checks and keeps them as is
            add(dumps(rec[key], option=sort) if key in rec else None)
    return columns if columns["id"] else None
