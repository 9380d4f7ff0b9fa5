"""Train/eval contamination: word n-grams that training records share with evaluation items.

Texts on both sides go through :mod:`mentor.qa.ngrams` (NFKC, case folding, words), and every
word n-gram (13 by default, as in the GPT-3 contamination study) is hashed to 64 bits. The
eval n-grams stay in memory (eval sets are small); training records stream past them one
batch at a time, with the hashing done in bulk by numpy.

A training record is reported once per eval item it overlaps (``eval-overlap``): the finding's
`group` is the eval item (``suite:item-id``), the message says how many of the item's n-grams
the record contains and what fraction that is, and the span covers the longest overlapping
run in the training text. An eval item shorter than `n` words (but at least `min_words`) is
matched whole.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import NDArray

from mentor.errors import ConfigError
from mentor.qa.findings import Finding, Severity, Span
from mentor.qa.ngrams import Hashes, hash_words, window_hashes, word_spans
from mentor.qa.text import prompt_text, texts
from mentor.records import Record

EvalSets = Mapping[str, Iterable[tuple[str, str]]]
_EVIDENCE_CHARS: Final = 200


@dataclass(frozen=True, slots=True)
class ContaminationConfig:
    """When a training record counts as containing an eval item.

    A record is reported for an item when it shares at least `min_ngrams` of the item's
    distinct word `n`-grams and at least `min_fraction` of them. The defaults flag any shared
    13-gram. Findings are ``high`` from `high_fraction` of the item upwards, else ``medium``.
    """

    n: int = 13
    min_ngrams: int = 1
    min_fraction: float = 0.0
    min_words: int = 8
    high_fraction: float = 0.5

    def __post_init__(self) -> None:
        if self.n < 1 or self.min_ngrams < 1 or self.min_words < 1:
            raise ConfigError("contamination: n, min_ngrams and min_words must be at least 1")
        for name in ("min_fraction", "high_fraction"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(f"contamination: {name} must be between 0 and 1")


@dataclass(frozen=True, slots=True)
class _Item:
    label: str
    item_id: str
    width: int  # words per n-gram: n, or the whole item when it is shorter
    total: int  # distinct n-grams


@dataclass(slots=True)
class _Overlap:
    shared: set[int] = field(default_factory=set)
    starts: dict[int, list[int]] = field(default_factory=dict)  # doc -> window starts


def prompt_items(records: Iterable[Record]) -> Iterator[tuple[str, str]]:
    """(id, prompt text) for each record: another dataset's prompts as an eval set."""
    for rec in records:
        yield str(rec.get("id", "")), prompt_text(rec)


@dataclass(frozen=True, slots=True)
class _Probe:
    """A set of n-gram hashes that answers "which of these are in it?" for many at once.

    A bit table on the low bits turns most non-members away before the exact sorted lookup.
    """

    sorted: Hashes
    table: NDArray[np.bool_]

    @classmethod
    def of(cls, hashes: set[int]) -> _Probe:
        values = np.array(sorted(hashes), dtype=np.uint64)
        size = 1 << min(26, max(16, (16 * len(values)).bit_length()))
        table = np.zeros(size, dtype=np.bool_)
        table[values & np.uint64(size - 1)] = True
        return cls(values, table)

    def members(self, wins: Hashes) -> NDArray[np.intp]:
        """Positions of `wins` whose hash is in the set."""
        mask = np.uint64(len(self.table) - 1)
        maybe = np.flatnonzero(self.table[wins & mask])
        if not len(maybe):
            return maybe
        idx = np.minimum(np.searchsorted(self.sorted, wins[maybe]), len(self.sorted) - 1)
        found: NDArray[np.intp] = maybe[self.sorted[idx] == wins[maybe]]
        return found


class ContaminationCheck:
    """Reports training records that contain n-grams of evaluation items."""

    name = "contamination"

    def __init__(self, evals: EvalSets, config: ContaminationConfig = ContaminationConfig()):
        self.config = config
        self.items: list[_Item] = []
        self.skipped: list[str] = []  # eval items too short to check, as "suite:id"
        self._owners: dict[int, list[int]] = {}
        by_width: dict[int, set[int]] = {}
        named = [(label, str(i), str(t or "")) for label, pairs in evals.items() for i, t in pairs]
        hashed = hash_words([text for _, _, text in named])
        for n, (label, item_id, _) in enumerate(named):
            words = hashed.hashes[hashed.offsets[n] : hashed.offsets[n + 1]]
            self._index(label, item_id, words, by_width)
        self._probes = {w: _Probe.of(hs) for w, hs in by_width.items()}

    def _index(
        self, label: str, item_id: str, hashes: Hashes, by_width: dict[int, set[int]]
    ) -> None:
        if len(hashes) < self.config.min_words:
            self.skipped.append(f"{label}:{item_id}")
            return
        width = min(self.config.n, len(hashes))
        grams = {int(h) for h in window_hashes(hashes, width)}
        index = len(self.items)
        self.items.append(_Item(label, item_id, width, len(grams)))
        by_width.setdefault(width, set()).update(grams)
        for h in grams:
            self._owners.setdefault(h, []).append(index)

    def prepare(self, batch: list[Record]) -> list[Finding]:
        """Find the batch's records that overlap eval items (all the work is here)."""
        if not self.items:
            return []
        docs = [(r, path, text) for r, rec in enumerate(batch) for path, text in texts(rec)]
        hashed = hash_words([text for _, _, text in docs])
        starts = hashed.offsets.tolist()
        overlaps: dict[tuple[int, int], _Overlap] = {}
        for width, probe in self._probes.items():
            wins, inside = hashed.windows(width)
            for pos in probe.members(wins).tolist():
                if not inside[pos]:
                    continue  # the window runs from one text into the next
                d = bisect.bisect_right(starts, pos) - 1
                h = int(wins[pos])
                for index in self._owners[h]:
                    if self.items[index].width == width:
                        hit = overlaps.setdefault((docs[d][0], index), _Overlap())
                        hit.shared.add(h)
                        hit.starts.setdefault(d, []).append(pos - starts[d])
        return [
            self._finding(batch[r], self.items[index], hit, docs)
            for (r, index), hit in sorted(overlaps.items())
            if len(hit.shared) >= self.config.min_ngrams
            and len(hit.shared) / self.items[index].total >= self.config.min_fraction
        ]

    def _finding(
        self, rec: Record, item: _Item, hit: _Overlap, docs: list[tuple[int, str, str]]
    ) -> Finding:
        shared, fraction = len(hit.shared), len(hit.shared) / item.total
        # The span: the longest run of overlapping windows, in the text where it is longest
        # (the first such text on a tie).
        best = (0, 0, 0, 0)  # words covered, -doc, first word, end word
        for d, positions in hit.starts.items():
            first = end = -1
            for p in sorted(positions):
                if p > end:
                    first = p
                end = max(end, p + item.width)
                best = max(best, (end - first, -d, first, end))
        _, minus_d, first, end = best
        _, path, text = docs[-minus_d]
        spans = word_spans(text)
        start, stop = spans[first][0], spans[end - 1][1]
        severity: Severity = "high" if fraction >= self.config.high_fraction else "medium"
        if item.width == self.config.n:
            what = f"shares {shared} of {item.total} {item.width}-grams ({fraction:.0%}) with"
        else:
            what = f"contains the whole {item.width}-word"
        return Finding(
            str(rec.get("id", "")),
            self.name,
            "eval-overlap",
            severity,
            f"{what} eval item {item.item_id!r} of {item.label!r}",
            span=Span(path, start, stop),
            evidence=text[start:stop][:_EVIDENCE_CHARS],
            group=f"{item.label}:{item.item_id}",
        )

    def absorb(self, prepared: list[Finding]) -> list[Finding]:
        """Pass the batch's findings through (contamination needs no corpus-wide state)."""
        return prepared

    def finish(self) -> list[Finding]:
        """Nothing more: every overlap was reported with its batch."""
        return []
