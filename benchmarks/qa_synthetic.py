"""Synthetic records with ground truth for the QA benchmarks: planted near-duplicates and hard
negatives, each pair's true Jaccard similarity computable from the texts.

    from benchmarks.qa_synthetic import near_dup_corpus
    corpus = near_dup_corpus(20_000)        # ~1 KB SFT records, seeded
    corpus.planted                          # every pair inside a planted family

Text is drawn from a Zipf-distributed vocabulary of pronounceable pseudo-words (so unrelated
records share almost no word 5-grams, as real ones do) and rendered as capitalised,
punctuated sentences. Three kinds of records, shuffled together:

- *near-duplicate families*: a base record and 1-4 copies of it, each edited at one word edit
  rate (2%, 5%, 10%, 20% or 35% of its words) in one of two ways: ``scattered`` (single words
  substituted, inserted or deleted at random places) or ``block`` (one contiguous run of words
  rewritten, as when a paragraph is changed);
- *hard negatives*: records made from one template (the same boilerplate, 50-85% of the words,
  around different content), close in topic and wording but not near-duplicates;
- *unique* records.

Ground truth is the Jaccard similarity of the sets of word n-grams of lower-cased words, computed
here in plain Python, independent of the implementations measured.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate, combinations
from typing import Any, Final, Literal

SEED: Final = 20261122
EDIT_RATES: Final = (0.02, 0.05, 0.10, 0.20, 0.35)
TEMPLATE_SHARES: Final = (0.5, 0.7, 0.8, 0.85)
_WORD: Final = re.compile(r"\w+")

Mode = Literal["base", "scattered", "block", "template"]
EDITS: Final[tuple[Mode, ...]] = ("scattered", "block")


@dataclass(frozen=True, slots=True)
class Member:
    """A record of a planted family and how it was made."""

    id: str
    mode: Mode
    rate: float  # the word edit rate, or the template's share of boilerplate


@dataclass(frozen=True, slots=True)
class Family:
    """Records planted together: near-duplicates of a base, or instances of one template."""

    kind: Literal["near-dup", "hard-negative"]
    members: tuple[Member, ...]


@dataclass(frozen=True, slots=True)
class Planted:
    """Two records of one family; `right` is the edited copy or the later instance."""

    left: Member
    right: Member
    kind: Literal["near-dup", "hard-negative"]


@dataclass(frozen=True)
class Corpus:
    """Records (canonical SFT chats, in shuffled order), their texts and the planted families."""

    records: list[dict[str, Any]]
    texts: dict[str, str]
    families: list[Family]

    @property
    def planted(self) -> Iterator[Planted]:
        """Every pair of records within a planted family."""
        for family in self.families:
            for a, b in combinations(family.members, 2):
                yield Planted(a, b, family.kind)


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    """The word `n`-grams of `text` (lower case); a text shorter than n words is one n-gram."""
    words = _WORD.findall(text.lower())
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """|a & b| / |a | b| (0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


class _Writer:
    """Seeded words and sentences."""

    def __init__(self, rng: random.Random, vocabulary: int = 20_000):
        self.rng = rng
        onsets = [*"bcdfghjklmnprstvwz", "br", "ch", "cl", "dr", "fl", "gr", "pl", "sh", "th"]
        vowels = [*"aeiou", "ai", "ea", "ie", "oo", "ou"]
        codas = ["", "", "n", "r", "s", "t", "l", "nd", "st", "ck"]
        seen: dict[str, None] = {}
        while len(seen) < vocabulary:
            syllables = rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
            word = "".join(
                rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
                for _ in range(syllables)
            )
            seen[word] = None
        self.vocabulary = sorted(seen, key=len)  # frequent words are short, as in real text
        self.cumulative = list(accumulate(1.0 / (rank + 1) ** 1.05 for rank in range(vocabulary)))

    def words(self, k: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=k)

    def render(self, words: list[str]) -> str:
        sentences, start = [], 0
        while start < len(words):
            end = start + self.rng.randint(8, 18)
            sentence = " ".join(words[start:end])
            sentences.append(sentence[:1].upper() + sentence[1:] + self.rng.choice(".....?!"))
            start = end
        return " ".join(sentences)

    def edit(self, words: list[str], rate: float, mode: Mode) -> list[str]:
        """A copy of `words` with ``rate * len(words)`` words edited (at least one)."""
        out = list(words)
        count = max(1, round(rate * len(words)))
        if mode == "block":
            start = self.rng.randrange(0, len(out) - count + 1)
            out[start : start + count] = self.words(count)
            return out
        for _ in range(count):
            op, at = self.rng.random(), self.rng.randrange(len(out))
            if op < 0.5:
                out[at] = self.words(1)[0]
            elif op < 0.75:
                out.insert(at, self.words(1)[0])
            elif len(out) > 1:
                del out[at]
        return out


def _record(rid: str, text: str) -> dict[str, Any]:
    """An SFT chat: the first sentence as the user's turn, the rest as the assistant's."""
    cut = text.find(". ") + 1 or len(text)
    return {
        "id": rid,
        "kind": "sft",
        "messages": [
            {"role": "user", "content": text[:cut].strip()},
            {"role": "assistant", "content": text[cut:].strip() or "Yes."},
        ],
        "source": "synthetic",
    }


def near_dup_corpus(
    n: int = 20_000, seed: int = SEED, duplicate_share: float = 0.3, template_share: float = 0.2
) -> Corpus:
    """`n` records of about 1 KB: `duplicate_share` of them in near-duplicate families,
    `template_share` in hard-negative families, the rest unique."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    docs: list[tuple[list[str], Mode, float, int]] = []  # words, mode, rate, family
    kinds: list[Literal["near-dup", "hard-negative"]] = []

    def length() -> int:
        return rng.randint(180, 240)

    while len(docs) < duplicate_share * n:
        base, family = writer.words(length()), len(kinds)
        kinds.append("near-dup")
        docs.append((base, "base", 0.0, family))
        for _ in range(rng.randint(1, 4)):
            rate, mode = rng.choice(EDIT_RATES), rng.choice(EDITS)
            docs.append((writer.edit(base, rate, mode), mode, rate, family))
    while len(docs) < (duplicate_share + template_share) * n:
        share, size, family = rng.choice(TEMPLATE_SHARES), length(), len(kinds)
        kinds.append("hard-negative")
        fixed = writer.words(round(share * size))
        cuts = sorted(rng.sample(range(1, len(fixed)), 2))
        parts = (fixed[: cuts[0]], fixed[cuts[0] : cuts[1]], fixed[cuts[1] :])
        for _ in range(rng.randint(3, 6)):
            fresh = size - len(fixed)
            slots = (fresh // 2, fresh - fresh // 2)
            words = parts[0] + writer.words(slots[0]) + parts[1] + writer.words(slots[1]) + parts[2]
            docs.append((words, "template", share, family))
    while len(docs) < n:
        docs.append((writer.words(length()), "base", 0.0, -1))
    docs = docs[:n]
    rng.shuffle(docs)

    records, texts = [], {}
    members: dict[int, list[Member]] = {}
    for i, (words, mode, rate, family) in enumerate(docs):
        rid = f"doc-{i:06d}"
        record = _record(rid, writer.render(words))
        records.append(record)
        texts[rid] = "\n".join(m["content"] for m in record["messages"])
        if family >= 0:
            members.setdefault(family, []).append(Member(rid, mode, rate))
    families = [Family(kinds[f], tuple(m)) for f, m in sorted(members.items()) if len(m) > 1]
    return Corpus(records, texts, families)
