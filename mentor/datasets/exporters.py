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

Training formats carry content only (no ids or metadata). Ranking records become every implied
pair in the DPO formats; tied preferences are left out of them (DPO needs a preferred side) and
counted in the result.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

import orjson

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
_SCALAR: Final = ("id", "kind", "tie", "margin", "source", "intent", "language")


@dataclass(frozen=True)
class ExportResult:
    """Where the export went, how many rows it wrote and why any records were left out."""

    path: Path
    format: str
    written: int
    skipped: dict[str, int] = field(default_factory=dict)
    sha256: str = ""


class Unexportable(Exception):
    """A record this format cannot hold; the message says why and what to do."""


class WrongKind(Unexportable):
    """The format holds another kind of record altogether; the export stops."""


def _msgs(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"role": m["role"], **{k: v for k, v in m.items() if k != "role"}} for m in messages]


def _sft(rec: Record) -> Iterator[dict[str, Any]]:
    if rec["kind"] != "sft":
        raise WrongKind(
            f"{rec['kind']} records are not SFT chats; export them with "
            "trl-dpo / openai-dpo, or filter with --kind sft"
        )
    yield {"messages": _msgs(rec["messages"])}


def _openai_chat(rec: Record) -> Iterator[dict[str, Any]]:
    for row in _sft(rec):
        if not any(m["role"] == "assistant" for m in row["messages"]):
            raise Unexportable("no assistant message (OpenAI fine-tuning learns from them)")
        yield row


def _pairs(rec: Record) -> Iterator[tuple[list[Any], list[Any], list[Any]]]:
    if rec["kind"] == "preference":
        if rec.get("tie"):
            raise Unexportable("tied preferences have no preferred side")
        yield rec["prompt"], rec["chosen"], rec["rejected"]
    elif rec["kind"] == "ranking":
        order = rec["ranking"]
        for better, worse in itertools.combinations(order, 2):
            yield rec["prompt"], rec["responses"][better], rec["responses"][worse]
    else:
        raise WrongKind(
            f"{rec['kind']} records hold no preference; export preference or ranking records"
        )


def _trl_dpo(rec: Record) -> Iterator[dict[str, Any]]:
    for prompt, chosen, rejected in _pairs(rec):
        row = {"prompt": _msgs(prompt), "chosen": _msgs(chosen), "rejected": _msgs(rejected)}
        if "margin" in rec:
            row["margin"] = rec["margin"]
        yield row


def _openai_dpo(rec: Record) -> Iterator[dict[str, Any]]:
    for prompt, chosen, rejected in _pairs(rec):
        for side in (chosen, rejected):
            if len(side) != 1 or side[0]["role"] != "assistant":
                raise Unexportable(
                    "OpenAI preference fine-tuning needs exactly one assistant message per output"
                )
        yield {
            "input": {"messages": _msgs(prompt)},
            "preferred_output": _msgs(chosen),
            "non_preferred_output": _msgs(rejected),
        }


def _jsonl(rec: Record) -> Iterator[dict[str, Any]]:
    yield ordered(rec)


ROWS: Final[dict[str, Callable[[Record], Iterator[dict[str, Any]]]]] = {
    "jsonl": _jsonl,
    "trl-sft": _sft,
    "trl-dpo": _trl_dpo,
    "openai-chat": _openai_chat,
    "openai-dpo": _openai_dpo,
}


def _hf_schema(kind: str) -> Any:
    import pyarrow as pa

    msg = pa.list_(
        pa.struct(
            [(k, pa.string()) for k in ("role", "content", "name", "tool_call_id", "tool_calls")]
        )
    )
    content = {
        "sft": [("messages", msg)],
        "preference": [
            ("prompt", msg),
            ("chosen", msg),
            ("rejected", msg),
            ("tie", pa.bool_()),
            ("margin", pa.float64()),
        ],
        "ranking": [
            ("prompt", msg),
            ("responses", pa.list_(msg)),
            ("ranking", pa.list_(pa.int64())),
        ],
        "rating": [("prompt", msg), ("response", msg), ("scores", pa.string())],
    }[kind]
    meta = [(k, pa.string()) for k in ("source", "intent", "language")]
    return pa.schema(
        [
            ("id", pa.string()),
            ("kind", pa.string()),
            *content,
            *meta,
            ("tags", pa.list_(pa.string())),
            ("meta", pa.string()),
        ]
    )


def _hf_msgs(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for m in messages:
        if not isinstance(m.get("content"), str | None):
            raise WrongKind("hf export holds text content only; this record has content parts")
        calls = m.get("tool_calls")
        out.append({**m, "tool_calls": orjson.dumps(calls).decode() if calls else None})
    return out


def _hf_row(rec: Record) -> dict[str, Any]:
    row = dict(rec)
    for key in ("messages", "prompt", "chosen", "rejected", "response"):
        if key in row:
            row[key] = _hf_msgs(row[key])
    if "responses" in row:
        row["responses"] = [_hf_msgs(r) for r in row["responses"]]
    for key in ("scores", "meta"):
        if key in row:
            row[key] = orjson.dumps(row[key], option=orjson.OPT_SORT_KEYS).decode()
    return row


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        with file.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def write(
    records: Iterator[Record], fmt: str, out: Path, tick: Callable[[], None], strict: bool = False
) -> ExportResult:
    """Write `records` to `out` in `fmt`; the target appears only once it is complete.

    Records the format cannot hold one by one (a tie, a two-message output) are left out and
    counted in ``skipped``; with `strict` they stop the export. A record of the wrong kind always
    stops it.
    """
    if fmt not in FORMATS:
        raise InputError(
            f"unknown format '{fmt}'; expected one of {', '.join(FORMATS)}", where="--to"
        )
    if not out.parent.is_dir():
        raise InputError("the folder to write into does not exist", where=str(out.parent))
    skipped: Counter[str] = Counter()

    def counted(recs: Iterator[Record]) -> Iterator[Record]:
        for rec in recs:
            tick()
            yield rec

    if fmt == "hf":
        written = _write_hf(counted(records), out)
        return ExportResult(out, fmt, written, dict(skipped), _sha256(out))
    tmp = Path(tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")[1])
    try:
        if fmt == "parquet":
            written, sha256 = _write_parquet(counted(records), tmp), _sha256(tmp)
        else:
            written, sha256 = _write_jsonl(counted(records), ROWS[fmt], tmp, skipped, strict)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return ExportResult(out, fmt, written, dict(skipped), sha256)


def _write_jsonl(
    records: Iterator[Record],
    rows: Callable[[Record], Iterator[dict[str, Any]]],
    tmp: Path,
    skipped: Counter[str],
    strict: bool,
) -> tuple[int, str]:
    """Write the rows; return how many and the SHA-256 of the file (hashed as it is written)."""
    written, digest, chunk = 0, hashlib.sha256(), list[bytes]()
    with tmp.open("wb") as fh:
        for rec in records:
            if rows is _jsonl:  # one row per record, and never refused
                chunk.append(orjson.dumps(ordered(rec), option=orjson.OPT_APPEND_NEWLINE))
                written += 1
            else:
                try:
                    lines = [orjson.dumps(row) for row in rows(rec)]
                except Unexportable as exc:
                    if strict or isinstance(exc, WrongKind):
                        raise InputError(str(exc), where=f"record {rec['id']}") from exc
                    skipped[str(exc)] += 1
                    continue
                chunk.append(b"\n".join(lines) + b"\n")
                written += len(lines)
            if len(chunk) >= 1024:
                _put(fh, digest, chunk)
        _put(fh, digest, chunk)
    return written, digest.hexdigest()


def _put(fh: IO[bytes], digest: Any, chunk: list[bytes]) -> None:
    data = b"".join(chunk)
    digest.update(data)
    fh.write(data)
    chunk.clear()


def _write_parquet(records: Iterator[Record], tmp: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            *(
                pa.field(
                    k, pa.bool_() if k == "tie" else pa.float64() if k == "margin" else pa.string()
                )
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


def _write_hf(records: Iterator[Record], out: Path) -> int:
    try:
        import datasets
    except ImportError as exc:
        raise InputError(
            "exporting to Hugging Face datasets needs the 'datasets' package: "
            "pip install 'mentor[hf]'",
            where="--to hf",
        ) from exc
    import pyarrow as pa

    if out.exists():
        raise InputError("the target folder already exists", where=str(out))
    written, kind = 0, None
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}.") as tmp:
        arrow = Path(tmp) / "data.arrow"
        with pa.OSFile(str(arrow), "wb") as sink:
            writer = None
            while chunk := list(itertools.islice(records, 10_000)):
                kinds = {r["kind"] for r in chunk} | ({kind} if kind else set())
                if len(kinds) > 1:
                    raise InputError(
                        "an hf export holds one record kind; this version mixes "
                        f"{', '.join(sorted(kinds))} (filter with --kind)",
                        where="--to hf",
                    )
                kind = kinds.pop()
                schema = _hf_schema(kind)
                writer = writer or pa.ipc.new_stream(sink, schema)
                writer.write_table(pa.Table.from_pylist([_hf_row(r) for r in chunk], schema=schema))
                written += len(chunk)
            if writer is None:
                raise InputError("the version holds no records to export", where="--to hf")
            writer.close()
        staged = Path(tmp) / "dataset"
        datasets.disable_progress_bars()
        datasets.Dataset.from_file(str(arrow)).save_to_disk(str(staged))
        os.replace(staged, out)
    return written
