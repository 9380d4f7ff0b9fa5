"""Maps turn a row as it is in a user's file into a raw record of one canonical kind.

Presets: ``auto`` (recognises Mentor's own shape, TRL's and OpenAI's fine-tuning formats,
Alpaca, ShareGPT and HH-RLHF transcripts), ``hh-rlhf``, ``alpaca`` and ``sharegpt``. A map file
(YAML) renames columns for anything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from mentor import yamlfile
from mentor.errors import InputError, RecordError
from mentor.records import KINDS, Record, messages

RowMap = Callable[[Record], Record]

_TURN = re.compile(r"\n\n(Human|Assistant):[ ]?")
_SHAREGPT_ROLES = {
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
    "system": "system",
    "tool": "tool",
    "function": "tool",
}


def transcript(text: Any, field: str) -> list[dict[str, Any]]:
    """Split an HH-RLHF transcript ("\\n\\nHuman: ...\\n\\nAssistant: ...") into messages."""
    if not isinstance(text, str):
        raise RecordError(f"expected a transcript string, got {type(text).__name__}", field=field)
    parts = _TURN.split(text)
    if parts[0].strip() or len(parts) < 3:
        raise RecordError(
            "expected a transcript of '\\n\\nHuman: ...' and '\\n\\nAssistant: ...' turns",
            field=field,
        )
    return [
        {"role": "user" if who == "Human" else "assistant", "content": body}
        for who, body in zip(parts[1::2], parts[2::2], strict=True)
    ]


def split_shared_prompt(chosen: list[Any], rejected: list[Any], extra: Record) -> Record:
    """Turn two whole conversations into prompt + the two diverging assistant continuations."""
    shared = 0
    limit = min(len(chosen), len(rejected)) - 1
    while shared < limit and chosen[shared] == rejected[shared]:
        shared += 1
    if shared == 0 or chosen[shared].get("role") != "assistant":
        raise RecordError(
            "chosen and rejected must share a prompt and then differ in assistant turns",
            field="chosen",
        )
    return {
        **extra,
        "kind": "preference",
        "prompt": chosen[:shared],
        "chosen": chosen[shared:],
        "rejected": rejected[shared:],
    }


def hh_rlhf(row: Record) -> Record:
    """HH-RLHF: two full transcripts that share every turn but the last assistant reply."""
    chosen = transcript(row.get("chosen"), "chosen")
    rejected = transcript(row.get("rejected"), "rejected")
    rest = {k: v for k, v in row.items() if k not in ("chosen", "rejected")}
    return split_shared_prompt(chosen, rejected, rest)


def alpaca(row: Record) -> Record:
    """Alpaca: instruction (+ optional input) -> output."""
    instruction = row.get("instruction")
    if not isinstance(instruction, str):
        raise RecordError("expected the instruction text", field="instruction")
    prompt = f"{instruction}\n\n{row['input']}" if row.get("input") else instruction
    rest = {k: v for k, v in row.items() if k not in ("instruction", "input", "output")}
    return {
        **rest,
        "kind": "sft",
        "messages": [
            {"role": "user", "content": prompt},
            {"role": "assistant", "content": row.get("output")},
        ],
    }


def sharegpt(row: Record) -> Record:
    """ShareGPT: conversations of {from: human|gpt|system, value}."""
    turns = row.get("conversations")
    if not isinstance(turns, list):
        raise RecordError("expected a list of {from, value} turns", field="conversations")
    msgs = []
    for i, turn in enumerate(turns):
        who = turn.get("from") if isinstance(turn, dict) else None
        if who not in _SHAREGPT_ROLES:
            raise RecordError(
                f"unknown speaker {who!r:.40}; expected one of {', '.join(_SHAREGPT_ROLES)}",
                field=f"conversations[{i}].from",
            )
        msgs.append({"role": _SHAREGPT_ROLES[who], "content": turn.get("value")})
    rest = {k: v for k, v in row.items() if k != "conversations"}
    return {**rest, "kind": "sft", "messages": msgs}


def _openai_dpo(row: Record) -> Record:
    source = row.get("input")
    if not isinstance(source, dict):
        raise RecordError("expected an object with messages", field="input")
    rest = {
        k: v
        for k, v in row.items()
        if k not in ("input", "preferred_output", "non_preferred_output")
    }
    return {
        **rest,
        "kind": "preference",
        "prompt": source.get("messages"),
        "chosen": row.get("preferred_output"),
        "rejected": row.get("non_preferred_output"),
    }


def _auto_chosen_rejected(row: Record) -> Record:
    if "prompt" in row:
        return {**row, "kind": "preference"}
    chosen, rejected = row.get("chosen"), row.get("rejected")
    if isinstance(chosen, str) and "\n\nHuman:" in chosen:
        return hh_rlhf(row)
    rest = {k: v for k, v in row.items() if k not in ("chosen", "rejected")}
    return split_shared_prompt(messages(chosen, "chosen"), messages(rejected, "rejected"), rest)


def auto(row: Record) -> Record:
    """Recognise the record kind from the fields present."""
    if "kind" in row:
        return row
    if "messages" in row:
        return {**row, "kind": "sft"}
    if "chosen" in row and "rejected" in row:
        return _auto_chosen_rejected(row)
    if "preferred_output" in row:
        return _openai_dpo(row)
    if "responses" in row and "ranking" in row:
        return {**row, "kind": "ranking"}
    if "response" in row and "scores" in row:
        return {**row, "kind": "rating"}
    if "prompt" in row and "completion" in row:
        prompt = messages(row["prompt"], "prompt")
        completion = messages(row["completion"], "response")
        rest = {k: v for k, v in row.items() if k not in ("prompt", "completion")}
        return {**rest, "kind": "sft", "messages": prompt + completion}
    if "instruction" in row and "output" in row:
        return alpaca(row)
    if "conversations" in row:
        return sharegpt(row)
    raise RecordError(
        f"cannot tell the record kind from the fields {', '.join(sorted(row)) or '(none)'}; "
        "expected messages | prompt+chosen+rejected | prompt+responses+ranking | "
        "prompt+response+scores | prompt+completion, or pass --map / --map-file",
        field="kind",
    )


PRESETS: dict[str, RowMap] = {
    "alpaca": alpaca,
    "auto": auto,
    "hh-rlhf": hh_rlhf,
    "sharegpt": sharegpt,
}


class MapFile(BaseModel):
    """A user's map file: which column holds each canonical field."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["sft", "preference", "ranking", "rating"]
    fields: dict[str, str] = {}
    scores: list[str] = []
    constants: dict[str, Any] = {}


def _column(row: Record, column: str, field: str) -> Any:
    value: Any = row
    for part in column.split("."):
        if not isinstance(value, dict) or part not in value:
            raise RecordError(
                f"column '{column}' is not in the row (columns: {', '.join(sorted(row))})",
                field=field,
            )
        value = value[part]
    return value


def _score(value: Any) -> Any:
    """CSV cells are text: a score column's "4" or "3.5" is read as the number."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def from_file(path: Path) -> RowMap:
    """Load a YAML map file; errors name the file and the key."""
    try:
        data = yamlfile.load(path.read_text(encoding="utf-8"), str(path))
        spec = MapFile.model_validate(data)
    except OSError as exc:
        raise InputError(
            f"cannot read the map file: {exc.strerror}", where=f"--map-file {path}"
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', exc)}", where=where) from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(
            f"{err['msg']} (kinds: {', '.join(KINDS)})",
            where=str(path),
            field=".".join(str(p) for p in err["loc"]),
        ) from exc

    def apply(row: Record) -> Record:
        out: Record = {"kind": spec.kind, **spec.constants}
        for field, column in spec.fields.items():
            out[field] = _column(row, column, field)
        if spec.scores:
            out["scores"] = {c: _score(_column(row, c, f"scores.{c}")) for c in spec.scores}
        return out

    return apply


def resolve(preset: str | None, map_file: Path | None) -> RowMap:
    """The map a user chose with --map or --map-file (auto when neither)."""
    if preset and map_file:
        raise InputError("give either --map or --map-file, not both", where="--map")
    if map_file:
        return from_file(map_file)
    name = preset or "auto"
    if name not in PRESETS:
        raise InputError(
            f"unknown preset '{name}'; expected one of {', '.join(sorted(PRESETS))} "
            "(or --map-file FILE)",
            where="--map",
        )
    return PRESETS[name]
