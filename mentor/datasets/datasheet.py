"""Datasheets (after Gebru et al., "Datasheets for Datasets", 2021) filled from the store.

Composition figures are counted from the records; collection and preprocessing come from lineage.
What only people know (motivation, intended uses, limitations) comes from a notes file, and the
datasheet says plainly where that is missing.
"""

from __future__ import annotations

import hashlib
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from mentor import yamlfile
from mentor.datasets.lineage import Lineage
from mentor.datasets.versions import VersionInfo
from mentor.errors import InputError
from mentor.records import Record
from mentor.textfile import read_text

NOTE_KEYS: Final = ("motivation", "collection", "uses", "limitations", "maintenance")
_USES: Final = {
    "sft": "supervised fine-tuning (TRL SFTTrainer, OpenAI fine-tuning)",
    "preference": "preference optimisation (DPO) and reward-model training",
    "ranking": "reward-model training from ranked responses, or DPO over the implied pairs",
    "rating": "training rubric or reward models; evaluating graders against human ratings",
}


@dataclass
class Composition:
    """Counts taken from one pass over the records."""

    records: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    intents: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)
    tags: Counter[str] = field(default_factory=Counter)
    turns: list[int] = field(default_factory=list)
    prompt_chars: list[int] = field(default_factory=list)
    response_chars: list[int] = field(default_factory=list)
    empty_responses: int = 0
    duplicate_content: int = 0
    ties: int = 0


def _text(messages: list[dict[str, Any]]) -> str:
    return "".join(m["content"] for m in messages if isinstance(m.get("content"), str))


def _responses(rec: Record) -> list[list[dict[str, Any]]]:
    kind = rec["kind"]
    if kind == "sft":
        return [[m for m in rec["messages"] if m["role"] == "assistant"]]
    if kind == "preference":
        return [rec["chosen"], rec["rejected"]]
    if kind == "ranking":
        return list(rec["responses"])
    return [rec["response"]]


def compose(records: Iterable[Record]) -> Composition:
    """Count what a datasheet reports, in one streaming pass."""
    comp, seen = Composition(), set()
    for rec in records:
        comp.records += 1
        comp.kinds[rec["kind"]] += 1
        for key, counter in (
            ("intent", comp.intents),
            ("language", comp.languages),
            ("source", comp.sources),
        ):
            counter[rec.get(key) or "(not given)"] += 1
        comp.tags.update(rec.get("tags", ()))
        prompt = rec["messages"] if rec["kind"] == "sft" else rec["prompt"]
        comp.turns.append(sum(m["role"] == "user" for m in prompt))
        comp.prompt_chars.append(len(_text([m for m in prompt if m["role"] != "assistant"])))
        for resp in _responses(rec):
            text = _text(resp)
            comp.response_chars.append(len(text))
            comp.empty_responses += not text.strip()
        comp.ties += bool(rec.get("tie"))
        content = {k: v for k, v in rec.items() if k not in ("id", "source", "tags", "meta")}
        digest = hashlib.blake2b(repr(sorted(content.items())).encode(), digest_size=8).digest()
        comp.duplicate_content += digest in seen
        seen.add(digest)
    return comp


def load_notes(path: Path | None) -> dict[str, str]:
    """Read the people-written sections from YAML; unknown keys are an error. A section is
    text, or a list of texts (written as a bulleted list)."""
    if path is None:
        return {}
    try:
        data = yamlfile.load(read_text(path, "notes file (--notes)"), str(path)) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"cannot read the notes file: {exc}", where=f"--notes {path}") from exc
    if not isinstance(data, dict) or not set(data) <= set(NOTE_KEYS):
        extra = sorted(map(str, set(data) - set(NOTE_KEYS))) if isinstance(data, dict) else data
        raise InputError(
            f"unexpected keys {extra}; expected some of {', '.join(NOTE_KEYS)}", where=str(path)
        )
    return {k: _section(v, str(path), k) for k, v in data.items()}


def _section(value: Any, where: str, key: str) -> str:
    """A notes section as Markdown: text as it is, a list of texts as bullets."""
    if _is_text(value):
        return str(value).strip()
    if isinstance(value, list) and value and all(map(_is_text, value)):
        return "\n".join(f"- {str(v).strip()}" for v in value)
    got = "nothing" if value is None else f"{type(value).__name__} {value!r:.60}"
    raise InputError(
        f"expected text or a list of texts, got {got} (or leave the key out)",
        where=where,
        field=key,
    )


def _is_text(value: Any) -> bool:
    """Text, or a number YAML read from it (``maintenance: 2025``); not a yes/no."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _dist(counter: Counter[str], total: int, top: int = 8) -> str:
    items = counter.most_common(top)
    rows = [f"| {k} | {n:,} | {n / total:.1%} |" for k, n in items]
    if len(counter) > top:
        rest = total - sum(n for _, n in items)
        rows.append(f"| ({len(counter) - top} more) | {rest:,} | {rest / total:.1%} |")
    return "\n".join(["| value | records | share |", "|---|---:|---:|", *rows])


def _stats(values: list[int]) -> str:
    if not values:
        return "n/a"
    quart = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return (
        f"median {statistics.median(values):,.0f}, mean {statistics.fmean(values):,.0f}, "
        f"IQR {quart[0]:,.0f} to {quart[2]:,.0f}, max {max(values):,}"
    )


def limitations(comp: Composition) -> list[str]:
    """Known limitations that can be read off the data itself."""
    found = []
    n = comp.records
    for label, counter in (("language", comp.languages), ("intent", comp.intents)):
        missing = counter.get("(not given)", 0)
        if missing:
            found.append(f"{missing:,} of {n:,} records ({missing / n:.0%}) have no {label}.")
    if comp.empty_responses:
        found.append(f"{comp.empty_responses:,} responses are empty or whitespace only.")
    if comp.duplicate_content:
        found.append(f"{comp.duplicate_content:,} records repeat the content of an earlier one.")
    if comp.ties:
        found.append(f"{comp.ties:,} preferences are ties; DPO exports leave them out.")
    multi = sum(t > 1 for t in comp.turns)
    if multi:
        found.append(f"{multi:,} records ({multi / n:.0%}) are multi-turn conversations.")
    return found


def _bullets(text: str) -> str:
    """`text` as items of a bulleted list (it may be one already: a list in the notes)."""
    return text if text.startswith("- ") else f"- {text}"


def render(version: VersionInfo, comp: Composition, graph: Lineage, notes: dict[str, str]) -> str:
    """The datasheet as Markdown."""
    missing = "_Not written yet: add it with `--notes FILE` (YAML key `{}`)._"
    kinds = ", ".join(f"{n:,} {k}" for k, n in sorted(comp.kinds.items()))
    sources = [n for n in graph.nodes if n.type == "source"]
    steps = [n for n in graph.nodes if n.type == "version"]
    lines = [
        f"# Datasheet: {version.ref}",
        "",
        f"Content hash `{version.content_hash}` · {version.record_count:,} records · "
        f"made by {version.created_by} on {version.created_at:%Y-%m-%d %H:%M} UTC",
        "",
        "## Motivation",
        "",
        notes.get("motivation", missing.format("motivation")),
        "",
        "## Composition",
        "",
        f"- Records: {comp.records:,} ({kinds})",
        f"- User turns per prompt: {_stats(comp.turns)}",
        f"- Prompt length (characters): {_stats(comp.prompt_chars)}",
        f"- Response length (characters): {_stats(comp.response_chars)}",
        f"- Tags: {', '.join(f'{t} ({n:,})' for t, n in comp.tags.most_common(10)) or 'none'}",
        "",
        "### Intents",
        "",
        _dist(comp.intents, comp.records),
        "",
        "### Languages",
        "",
        _dist(comp.languages, comp.records),
        "",
        "### Sources",
        "",
        _dist(comp.sources, comp.records),
        "",
        "## Collection process",
        "",
        notes.get("collection", missing.format("collection")),
        "",
        *[
            f"- Source file `{s.detail['uri']}` ({s.detail['format']}, {s.detail['size_bytes']:,} "
            f"bytes, sha256 `{s.detail['sha256']}`)"
            for s in sources
        ],
        "",
        "## Preprocessing and lineage",
        "",
        *[
            f"{i}. `{s.id}`: {s.detail['transform']} {s.detail['params']} → "
            f"{s.detail['records']:,} records"
            for i, s in enumerate(steps, 1)
        ],
        "",
        "## Uses",
        "",
        notes.get(
            "uses",
            "Suited by its record kinds to: "
            + "; ".join(_USES[k] for k in sorted(comp.kinds))
            + ".",
        ),
        "",
        "## Known limitations",
        "",
        *[f"- {x}" for x in limitations(comp)],
        *([_bullets(notes["limitations"])] if "limitations" in notes else []),
        "",
        "## Maintenance",
        "",
        notes.get("maintenance", missing.format("maintenance")),
        "",
    ]
    return "\n".join(lines)
