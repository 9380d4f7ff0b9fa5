"""The ``hf`` export: a Hugging Face ``datasets`` folder of one record kind, with typed features.

Messages are structs (``role``, ``content``, ``name``, ``tool_call_id``, ``tool_calls``,
``weight``); a tool
call is ``{id, type, function: {name, arguments}}`` with ``arguments`` a ``Json`` feature, so it
loads as the object chat templates expect. ``scores``, ``meta`` and ``tools`` are ``Json``
features (their keys differ from record to record). ``tie`` is always true or false, and
``margin`` is a column only when every record has one: ``datasets`` fills a missing value with
null, which reward trainers cannot read.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from mentor.datasets.chat_rows import Unexportable, calls_as
from mentor.errors import InputError
from mentor.records import Record

_MESSAGE_LISTS = ("messages", "prompt", "chosen", "rejected", "response")


def _schema(kind: str) -> Any:
    """The Arrow schema `kind` is staged in; JSON-valued fields are JSON text until the end."""
    import pyarrow as pa

    json = pa.string()

    function = pa.struct([("name", pa.string()), ("arguments", json)])
    call = pa.struct([("id", pa.string()), ("type", pa.string()), ("function", function)])
    tools = [("tools", json), ("parallel_tool_calls", pa.bool_())]
    msg = pa.list_(
        pa.struct(
            [
                *((k, pa.string()) for k in ("role", "content", "name", "tool_call_id")),
                ("tool_calls", pa.list_(call)),
                ("weight", pa.int64()),
            ]
        )
    )
    content = {
        "sft": [("messages", msg), *tools, ("text_completion", pa.bool_())],
        "preference": [
            ("prompt", msg),
            ("chosen", msg),
            ("rejected", msg),
            ("tie", pa.bool_()),
            ("margin", pa.float64()),
            *tools,
        ],
        "ranking": [
            ("prompt", msg),
            ("responses", pa.list_(msg)),
            ("ranking", pa.list_(pa.int64())),
        ],
        "rating": [("prompt", msg), ("response", msg), ("scores", json)],
    }[kind]
    meta = [(k, pa.string()) for k in ("source", "intent", "language")]
    return pa.schema(
        [
            ("id", pa.string()),
            ("kind", pa.string()),
            *content,
            *meta,
            ("tags", pa.list_(pa.string())),
            ("meta", json),
        ]
    )


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i, m in enumerate(messages):
        if not isinstance(m.get("content"), str | None):
            raise Unexportable(
                f"message {i} has content parts; an hf export holds text content only "
                "(export this version to jsonl or parquet instead)"
            )
        msg = dict(m)
        if m.get("tool_calls"):
            msg["tool_calls"] = [
                {**c, "function": {**c["function"], "arguments": _json(c["function"]["arguments"])}}
                for c in calls_as(m["tool_calls"], "object")
            ]
        out.append(msg)
    return out


def _has_calls(rec: Record) -> bool:
    lists = [rec[k] for k in _MESSAGE_LISTS if k in rec] + rec.get("responses", [])
    return any(m.get("tool_calls") for messages in lists for m in messages)


def _row(rec: Record) -> dict[str, Any]:
    if rec.get("unranked"):
        raise Unexportable(
            "its responses are not ranked yet; rank them in a project and export the version "
            "it releases (or export to jsonl or parquet, which keep the unranked records)"
        )
    row = dict(rec)
    for key in _MESSAGE_LISTS:
        if key in row:
            row[key] = _messages(row[key])
    if "responses" in row:
        row["responses"] = [_messages(r) for r in row["responses"]]
    for key in ("scores", "meta", "tools"):
        if key in row:
            row[key] = _json(row[key])
    if rec["kind"] == "preference":
        row["tie"] = bool(rec.get("tie"))
    return row


def _table(chunk: list[Record], kind: str) -> Any:
    import pyarrow as pa

    rows = []
    for rec in chunk:
        try:
            rows.append(_row(rec))
        except Unexportable as exc:
            raise InputError(str(exc), where=f"record {rec['id']}") from exc
    return pa.Table.from_pylist(rows, schema=_schema(kind))


def _typed(dataset: Any, calls: bool) -> Any:
    """`dataset` with its JSON text as ``Json`` features. Tool-call arguments become ``Json``
    only when there are tool calls: ``datasets`` 5.2 cannot size a ``Json`` field inside lists
    that are all empty."""
    import datasets

    features = dataset.features.copy()
    for key in ("scores", "meta", "tools"):
        if key in features:
            features[key] = datasets.Json()
    if calls:
        for key in (*_MESSAGE_LISTS, "responses"):
            if key in features:
                lists = features[key].feature if key == "responses" else features[key]
                function = lists.feature["tool_calls"].feature["function"]
                function["arguments"] = datasets.Json()
    return dataset.cast(features)


def _kind(chunk: list[Record], kind: str | None) -> str:
    kinds = {r["kind"] for r in chunk} | ({kind} if kind else set())
    if len(kinds) > 1:
        raise InputError(
            "an hf export holds one record kind; this version mixes "
            f"{', '.join(sorted(kinds))} (filter with --kind)",
            where="--to hf",
        )
    return kinds.pop()


def write_hf(records: Iterator[Record], out: Path, notes: list[str]) -> int:
    """Write `records` as a ``save_to_disk`` folder at `out`; return how many were written."""
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
    written, margins, calls, kind = 0, 0, False, None
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}.") as tmp:
        arrow = Path(tmp) / "data.arrow"
        with pa.OSFile(str(arrow), "wb") as sink:
            writer = None
            while chunk := list(itertools.islice(records, 10_000)):
                kind = _kind(chunk, kind)
                table = _table(chunk, kind)
                writer = writer or pa.ipc.new_stream(sink, table.schema)
                writer.write_table(table)
                written += len(chunk)
                margins += sum("margin" in r for r in chunk)
                calls = calls or any(map(_has_calls, chunk))
            if writer is not None:
                writer.close()
        if writer is None:
            return 0
        datasets.disable_progress_bars()
        dataset = _typed(datasets.Dataset.from_file(str(arrow)), calls)
        if kind == "preference" and margins < written:
            dataset = dataset.remove_columns("margin")
            if margins:
                notes.append(
                    f"margin left out: only {margins:,} of {written:,} records have one "
                    "(a column with missing values stops reward trainers)"
                )
        staged = Path(tmp) / "dataset"
        dataset.save_to_disk(str(staged))
        os.replace(staged, out)
    return written
