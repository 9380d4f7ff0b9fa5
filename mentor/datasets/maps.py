"""Maps turn a row as it is in a user's file into a raw record of one canonical kind.

Presets: ``auto`` (recognises Mentor's own shape, TRL's and OpenAI's fine-tuning formats,
Alpaca, ShareGPT, UltraFeedback and HH-RLHF transcripts), ``hh-rlhf``, ``alpaca``, ``sharegpt``
and ``ultrafeedback``. A map file (YAML) renames columns for anything else.

Nothing is dropped on the way: input keys that a map does not carry into a canonical field land
in the record's ``meta`` under their own names (see `carry`), unless the user names them to ignore.
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
from mentor.records import KINDS, Record, fields, json_text, messages, number_from_text
from mentor.textfile import read_text

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
        extra = turn.keys() - {"from", "value", "weight"}
        if extra:
            raise RecordError(
                f"unknown key(s) {', '.join(sorted(extra))} in a turn (a turn has from, value "
                "and optionally weight)",
                field=f"conversations[{i}]",
            )
        msg = {"role": _SHAREGPT_ROLES[who], "content": turn.get("value")}
        if turn.get("weight") is not None:
            msg["weight"] = turn["weight"]
        msgs.append(msg)
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
    tools = {k: source[k] for k in ("tools", "parallel_tool_calls") if k in source}
    other = {k: v for k, v in source.items() if k not in ("messages", *tools)}
    return {
        **rest,
        **({"input": other} if other else {}),  # lands in meta (see `carry`)
        **tools,
        "kind": "preference",
        "prompt": source.get("messages"),
        "chosen": row.get("preferred_output"),
        "rejected": row.get("non_preferred_output"),
    }


def _without_prompt(prompt: list[Any], side: list[Any], field: str) -> list[Any]:
    """A continuation that repeats the prompt (TRL's implicit prompt, UltraFeedback) loses it."""
    if not side or side[0].get("role") == "assistant":
        return side
    if side[: len(prompt)] == prompt:
        return side[len(prompt) :]
    raise RecordError(
        "starts with a non-assistant turn but does not repeat the prompt; give the "
        "continuation only, or the whole conversation starting with the prompt",
        field=field,
    )


def _prompt_chosen_rejected(row: Record) -> Record:
    prompt = messages(row.get("prompt"), "prompt")
    chosen, rejected = row.get("chosen"), row.get("rejected")
    if isinstance(chosen, list) and isinstance(rejected, list):
        chosen = _without_prompt(prompt, messages(chosen, "chosen"), "chosen")
        rejected = _without_prompt(prompt, messages(rejected, "rejected"), "rejected")
    return {**row, "kind": "preference", "prompt": prompt, "chosen": chosen, "rejected": rejected}


def _auto_chosen_rejected(row: Record) -> Record:
    if "prompt" in row:
        return _prompt_chosen_rejected(row)
    chosen, rejected = row.get("chosen"), row.get("rejected")
    if isinstance(chosen, str) and "\n\nHuman:" in chosen:
        return hh_rlhf(row)
    rest = {k: v for k, v in row.items() if k not in ("chosen", "rejected")}
    return split_shared_prompt(messages(chosen, "chosen"), messages(rejected, "rejected"), rest)


def _prompt_completion(row: Record) -> Record:
    prompt, completion = row["prompt"], row["completion"]
    rest = {k: v for k, v in row.items() if k not in ("prompt", "completion")}
    if isinstance(prompt, str) and isinstance(completion, str):
        # TRL's standard (not conversational) format: text that continues text.
        return {
            **rest,
            "kind": "sft",
            "messages": [
                {"role": "user", "content": prompt},
                {"role": "assistant", "content": completion},
            ],
            "text_completion": True,
        }
    msgs = messages(prompt, "prompt") + messages(completion, "response")
    return {**rest, "kind": "sft", "messages": msgs}


def ultrafeedback(row: Record) -> Record:
    """UltraFeedback: binarized (prompt, chosen, rejected, messages, scores) or raw
    (instruction + completions with scores, which becomes a ranking)."""
    if "completions" in row:
        return _ultrafeedback_raw(row)
    if "chosen" not in row or "rejected" not in row:
        raise RecordError(
            "expected prompt+chosen+rejected (binarized) or instruction+completions (raw)",
            field="chosen",
        )
    rec = _prompt_chosen_rejected({k: v for k, v in row.items() if k != "messages"})
    whole = messages(row["chosen"], "chosen") if isinstance(row["chosen"], list) else None
    if "messages" in row and (whole is None or messages(row["messages"], "messages") != whole):
        rec["messages"] = row["messages"]  # not a copy of chosen: keep it (in meta)
    return rec


def _ultrafeedback_raw(row: Record) -> Record:
    completions = row.get("completions")
    if not isinstance(completions, list) or len(completions) < 2:
        raise RecordError("expected a list of at least 2 completions", field="completions")
    responses, scores, details = [], [], []
    for i, item in enumerate(completions):
        if not isinstance(item, dict) or not isinstance(item.get("response"), str):
            raise RecordError("expected a completion with a response", field=f"completions[{i}]")
        score = item.get("overall_score")
        if isinstance(score, bool) or not isinstance(score, int | float):
            raise RecordError("expected a number", field=f"completions[{i}].overall_score")
        responses.append([{"role": "assistant", "content": item["response"]}])
        scores.append(score)
        details.append({k: v for k, v in item.items() if k != "response"})
    rest = {k: v for k, v in row.items() if k not in ("instruction", "completions")}
    return {
        **rest,
        "kind": "ranking",
        "prompt": row.get("instruction"),
        "responses": responses,
        "ranking": sorted(range(len(scores)), key=lambda i: -scores[i]),
        "completions": details,  # model, scores, critiques...: land in meta
    }


_AMBIGUOUS = (
    "this row has both messages and chosen/rejected, so it could be SFT or a preference; "
    "choose: --map ultrafeedback (a preference; messages repeats chosen), --kind preference "
    "(messages kept in meta) or --kind sft (prompt, chosen and rejected kept in meta)"
)


def auto(row: Record, kind: str | None = None) -> Record:
    """Recognise the record kind from the fields present (`kind` settles ambiguous rows)."""
    rec = _detect(row, kind)
    if kind is not None and rec.get("kind") != kind:
        raise RecordError(
            f"this row reads as {rec.get('kind')!r:.40}, not the --kind {kind} asked for",
            field="kind",
        )
    return rec


def _detect(row: Record, kind: str | None) -> Record:
    if "kind" in row:
        return row
    pair = "chosen" in row and "rejected" in row
    if "messages" in row and (kind == "sft" or not pair):
        if kind is None and (pair or "chosen" in row or "rejected" in row):
            raise RecordError(_AMBIGUOUS, field="messages")
        return {**row, "kind": "sft"}
    if pair:
        if "messages" in row and kind is None:
            raise RecordError(_AMBIGUOUS, field="messages")
        return _auto_chosen_rejected(row)
    if "preferred_output" in row:
        return _openai_dpo(row)
    if "responses" in row and "ranking" in row:
        return {**row, "kind": "ranking"}
    if "response" in row and "scores" in row:
        return {**row, "kind": "rating"}
    if "prompt" in row and "completion" in row:
        return _prompt_completion(row)
    if "instruction" in row and "output" in row:
        return alpaca(row)
    if "instruction" in row and "completions" in row:
        return _ultrafeedback_raw(row)
    if "conversations" in row:
        return sharegpt(row)
    raise RecordError(
        f"cannot tell the record kind from the fields {', '.join(sorted(row)) or '(none)'}; "
        "expected messages | prompt+chosen+rejected | prompt+responses+ranking | "
        "prompt+response+scores | prompt+completion | instruction+output | conversations, "
        "or pass --map / --map-file",
        field="kind",
    )


PRESETS: dict[str, RowMap] = {
    "alpaca": alpaca,
    "auto": auto,
    "hh-rlhf": hh_rlhf,
    "sharegpt": sharegpt,
    "ultrafeedback": ultrafeedback,
}


def carry(raw: Record, extra: Record | None = None) -> Record:
    """Move the keys of `raw` that its kind has no field for (and `extra`) into ``meta``.

    Each keeps its own name there; a name ``meta`` already holds is an error that lists them,
    so that nothing is overwritten or dropped without the user saying so (--ignore-field).
    """
    known = fields(raw.get("kind", ""))
    if raw.get("kind") not in KINDS:
        return raw
    moved = {k: v for k, v in raw.items() if k not in known}
    moved.update(extra or {})
    if not moved:
        return raw
    meta = raw.get("meta")
    if meta is None or meta == "":
        meta = {}
    if isinstance(meta, str) and meta.startswith("{"):
        meta = json_text(meta, "meta")
    if not isinstance(meta, dict):
        raise RecordError("expected an object", field="meta")
    clash = sorted(moved.keys() & meta.keys())
    if clash:
        raise RecordError(
            f"field(s) {', '.join(clash)} have no place in a {raw['kind']} record and meta "
            "already holds keys of the same names; rename them, map them with --map-file, or "
            + " ".join(f"--ignore-field {c}" for c in clash),
            field=clash[0],
        )
    out = {k: v for k, v in raw.items() if k in known}
    out["meta"] = {**meta, **moved}
    return out


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
    return number_from_text(value) if isinstance(value, str) else value


def from_file(path: Path) -> RowMap:
    """Load a YAML map file; errors name the file and the key."""
    text = read_text(path, "map file (--map-file)")
    try:
        data = yamlfile.load(text, str(path))
        spec = MapFile.model_validate(data)
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

    _check_targets(spec, text, path)
    used = {c.split(".")[0] for c in (*spec.fields.values(), *spec.scores)}

    def apply(row: Record) -> Record:
        out: Record = {"kind": spec.kind, **spec.constants}
        for field, column in spec.fields.items():
            out[field] = _column(row, column, field)
        if spec.scores:
            out["scores"] = {c: _score(_column(row, c, f"scores.{c}")) for c in spec.scores}
        return carry(out, {k: v for k, v in row.items() if k not in used})

    return apply


def _check_targets(spec: MapFile, text: str, path: Path) -> None:
    """Every key of `fields` and `constants` names a field of the kind: a typo would otherwise
    land in ``meta`` (where a column the map does not name goes) without a word."""
    known = fields(spec.kind)
    for section, keys in (("fields", spec.fields), ("constants", spec.constants)):
        unknown = next((k for k in keys if k not in known), None)
        if unknown is not None:
            raise InputError(
                f"unknown field '{unknown}' for kind {spec.kind}; expected one of "
                f"{', '.join(sorted(known))} (columns the map does not name land in meta)",
                where=f"{path}:{_line(text, section, unknown)}",
                field=f"{section}.{unknown}",
            )


def _line(text: str, section: str, key: str) -> int:
    """The line of `key` in the top-level mapping `section` of a YAML text (1 if not found)."""
    root = yamlfile.compose(text)
    for name, value in root.value if isinstance(root, yaml.MappingNode) else []:
        if name.value == section and isinstance(value, yaml.MappingNode):
            for item, _ in value.value:
                if item.value == key:
                    return int(item.start_mark.line) + 1
    return 1


def resolve(
    preset: str | None,
    map_file: Path | None,
    kind: str | None = None,
    ignore: tuple[str, ...] = (),
) -> RowMap:
    """The map a user chose with --map or --map-file (auto when neither), with --kind and
    --ignore-field applied; keys it does not carry land in ``meta`` (see `carry`)."""
    if preset and map_file:
        raise InputError("give either --map or --map-file, not both", where="--map")
    if kind is not None and (kind not in KINDS or map_file or preset not in (None, "auto")):
        raise InputError(
            f"--kind is one of {', '.join(KINDS)}, and settles what --map auto detects "
            "(a preset or map file names its kind itself)",
            where="--kind",
        )
    name = preset or "auto"
    if not map_file and name not in PRESETS:
        raise InputError(
            f"unknown preset '{name}'; expected one of {', '.join(sorted(PRESETS))} "
            "(or --map-file FILE)",
            where="--map",
        )
    base = from_file(map_file) if map_file else PRESETS[name]
    dropped = frozenset(ignore)

    def apply(row: Record) -> Record:
        if dropped:
            row = {k: v for k, v in row.items() if k not in dropped}
        raw = auto(row, kind) if kind is not None else base(row)
        return carry(raw)

    return apply
