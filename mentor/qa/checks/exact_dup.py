"""Exact duplicates: records whose training content is identical after normalisation.

Two records are duplicates when their kind, roles and texts agree once the texts are put
through :func:`mentor.qa.ngrams.normalize` (NFKC, case folding, whitespace collapsed and,
optionally, punctuation removed). Ids, metadata and labels do not count: the same conversation
under two ids, or with two different ratings, is still the same training example.

Within a dataset the first occurrence is the keeper (``keeper``, info) and every later copy is
a ``duplicate`` (medium) of it; all share a ``group`` such as ``exact-3f9a0c1b2d4e``. Given
reference corpora (other datasets, earlier versions), a record whose content is also in one of
them gets ``in-reference`` (medium), in the same group as its match.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

import orjson

from mentor.qa.findings import Finding
from mentor.qa.ngrams import normalize
from mentor.records import Record

_SIDES: Final = ("messages", "prompt", "chosen", "rejected", "response")


@dataclass(frozen=True, slots=True)
class ExactDupConfig:
    """How texts are normalised before they are compared.

    `casefold` ignores case; `strip_punctuation` also ignores punctuation and symbols, so
    "Hello, world!" and "hello world" are the same. Whitespace is always collapsed.
    """

    casefold: bool = True
    strip_punctuation: bool = False


@dataclass(frozen=True, slots=True)
class _Keyed:
    record_id: str
    key: bytes
    preview: str


def _parts(rec: Record, config: ExactDupConfig) -> Iterator[str]:
    """The normalised pieces of a record's training content, each tagged with its place."""
    yield rec.get("kind", "")
    sides: list[tuple[str, Any]] = [(k, rec[k]) for k in _SIDES if k in rec]
    sides += [(f"responses[{i}]", r) for i, r in enumerate(rec.get("responses", ()))]
    for side, msgs in sides:
        for msg in msgs if isinstance(msgs, list) else [{"content": msgs}]:
            content = msg.get("content") if isinstance(msg, dict) else msg
            if isinstance(content, list):
                content = "\n".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
            text = content if isinstance(content, str) else ""
            if config.casefold:
                text = normalize(text, strip_punctuation=config.strip_punctuation)
            else:
                text = " ".join(text.split())
            role = msg.get("role", "") if isinstance(msg, dict) else ""
            calls = msg.get("tool_calls") if isinstance(msg, dict) else None
            extra = orjson.dumps(calls, option=orjson.OPT_SORT_KEYS).decode() if calls else ""
            yield f"{side}\x1f{role}\x1f{text}\x1f{extra}"


def content_key(rec: Record, config: ExactDupConfig = ExactDupConfig()) -> bytes:
    """A 128-bit digest of the record's normalised training content."""
    joined = "\x1e".join(_parts(rec, config)).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(joined, digest_size=16).digest()


def _preview(rec: Record) -> str:
    for side in _SIDES:
        msgs = rec.get(side)
        if isinstance(msgs, list) and msgs and isinstance(msgs[0], dict):
            content = msgs[0].get("content")
            if isinstance(content, str):
                return " ".join(content[:120].split())[:80]
    return ""


def _group(key: bytes) -> str:
    return f"exact-{key.hex()[:12]}"


class ExactDupCheck:
    """Clusters of records with the same normalised content, within and across datasets."""

    name = "exact-dup"

    def __init__(
        self,
        config: ExactDupConfig = ExactDupConfig(),
        references: Mapping[str, Iterable[Record]] | None = None,
    ) -> None:
        self.config = config
        self._pending_refs = dict(references or {})
        self._refs: dict[bytes, tuple[str, str]] | None = None
        self._keepers: dict[bytes, str] = {}
        self._copies: dict[bytes, int] = {}

    def prepare(self, batch: list[Record]) -> list[_Keyed]:
        """Digest every record of the batch."""
        config = self.config
        return [
            _Keyed(str(rec.get("id", "")), content_key(rec, config), _preview(rec)) for rec in batch
        ]

    def _references(self) -> dict[bytes, tuple[str, str]]:
        if self._refs is None:
            self._refs = {}
            for label, records in self._pending_refs.items():
                for rec in records:
                    key = content_key(rec, self.config)
                    self._refs.setdefault(key, (label, str(rec.get("id", ""))))
            self._pending_refs = {}
        return self._refs

    def absorb(self, prepared: list[_Keyed]) -> list[Finding]:
        """Report each copy of an earlier record, and each match in a reference corpus."""
        refs = self._references()
        keepers, copies = self._keepers, self._copies
        found: list[Finding] = []
        for item in prepared:
            key = item.key
            if key in refs:
                label, ref_id = refs[key]
                found.append(
                    Finding(
                        item.record_id,
                        self.name,
                        "in-reference",
                        "medium",
                        f"same content as record {ref_id!r} in {label!r}",
                        evidence=item.preview,
                        group=_group(key),
                    )
                )
            keeper = keepers.get(key)
            if keeper is None:
                keepers[key] = item.record_id
                continue
            copies[key] = copies.get(key, 0) + 1
            found.append(
                Finding(
                    item.record_id,
                    self.name,
                    "duplicate",
                    "medium",
                    f"exact duplicate of record {keeper!r}",
                    evidence=item.preview,
                    group=_group(key),
                )
            )
        return found

    def finish(self) -> list[Finding]:
        """One ``keeper`` finding per cluster, saying how many copies it has."""
        return [
            Finding(
                self._keepers[key],
                self.name,
                "keeper",
                "info",
                f"first of {count + 1} identical records; {count} duplicate(s) can be dropped",
                group=_group(key),
            )
            for key, count in self._copies.items()
        ]
