"""Text normalisation and hashed word n-grams, shared by the duplicate and contamination checks.

Every check that compares texts goes through the same steps so that what counts as "the same
words" does not drift between them: Unicode NFKC and case folding, then words as runs of
letters, digits, ``_`` and combining marks; in scripts written without spaces each Han
ideograph and kana is a word of its own. Words and n-grams hash to 64-bit integers that are the
same in every process (no ``PYTHONHASHSEED``), so workers hash and the main process compares.

The work is done for many texts at once in numpy, over code points: a word's hash is a
polynomial over its code points read off a prefix sum, then mixed; an n-gram's hash is a
polynomial over its words' hashes.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

import numpy as np
from numpy.typing import NDArray

Hashes = NDArray[np.uint64]
Positions = NDArray[np.intp]

_SEPARATOR, _WORD, _ALONE = 0, 1, 2
# Written without spaces between words: each character counts as a word.
_ALONE_RANGES: Final = (
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)
_P: Final = 0x9E3779B97F4A7C15  # odd, so invertible modulo 2**64
_Q: Final = np.uint64(0xC2B2AE3D27D4EB4F)  # multiplier of the word polynomial of n-grams
_CHUNK: Final = 1 << 20  # characters hashed in one go, to bound the temporary arrays
_powers_cache: list[tuple[Hashes, Hashes]] = []


@cache
def _classes() -> NDArray[np.uint8]:
    """Separator, word character or word-by-itself, for every code point (built once)."""
    classes = np.zeros(sys.maxunicode + 1, dtype=np.uint8)
    assigned = "".join(map(chr, range(0x40000)))  # alphanumerics end in plane 3
    for m in re.finditer(r"\w+", assigned):
        classes[m.start() : m.end()] = _WORD
    for c in (*range(0x20000), *range(0xE0100, 0xE01F0)):  # where combining marks live
        if unicodedata.category(chr(c))[0] == "M":
            classes[c] = _WORD
    for first, last in _ALONE_RANGES:
        classes[first : last + 1][classes[first : last + 1] == _WORD] = _ALONE
    return classes


@cache
def _punctuation_table() -> dict[int, None]:
    """Every character whose Unicode category is punctuation or symbol, mapped to nothing."""
    return {
        c: None
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c))[0] in "PS" and not chr(c).isspace()
    }


def _fold(text: str) -> str:
    return text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).casefold()


def normalize(text: str, *, strip_punctuation: bool = False) -> str:
    """NFKC, case-folded, whitespace collapsed to single spaces (optionally punctuation removed)."""
    text = _fold(text)
    if strip_punctuation:
        text = text.translate(_punctuation_table())
    return " ".join(text.split())


def _codes(text: str) -> NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _bounds(codes: NDArray[np.uint32]) -> tuple[Positions, Positions]:
    """Start and end (exclusive) of each word in `codes`, which has a separator at both ends."""
    kind = _classes()[codes]
    prev, here, nxt = kind[:-2], kind[1:-1], kind[2:]
    alone = here == _ALONE
    starts = np.flatnonzero((here != 0) & ((prev == 0) | alone | (prev == _ALONE))) + 1
    ends = np.flatnonzero((here != 0) & ((nxt == 0) | alone | (nxt == _ALONE))) + 2
    return starts, ends


def words(text: str) -> list[str]:
    """The normalised words of `text`, in order."""
    folded = _fold(text)
    starts, ends = _bounds(_codes(f"\x00{folded}\x00"))
    return [folded[s - 1 : e - 1] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]


def _aligned_fold(text: str) -> tuple[str, list[int], list[int]]:
    """The folded text, and for each of its characters where in `text` it came from.

    Folding goes one base character (with its combining marks) at a time, which for almost all
    text gives exactly what folding the whole does.
    """
    pieces: list[str] = []
    begins: list[int] = []
    ends: list[int] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not unicodedata.category(text[i]).startswith("M"):
            piece = _fold(text[start:i])
            pieces.append(piece)
            begins += [start] * len(piece)
            ends += [i] * len(piece)
            start = i
    return "".join(pieces), begins, ends


def word_spans(text: str) -> list[tuple[int, int]]:
    """Character offsets [start, end) in `text` of each word that :func:`words` returns."""
    folded = _fold(text)
    starts, ends = _bounds(_codes(f"\x00{folded}\x00"))
    pairs = list(zip((starts - 1).tolist(), (ends - 1).tolist(), strict=True))
    if text.isascii():
        return pairs
    aligned, begins, finishes = _aligned_fold(text)
    if aligned != folded:  # exotic sequences: fall back to proportional offsets
        scale = len(text) / max(1, len(folded))
        return [(int(s * scale), min(len(text), round(e * scale))) for s, e in pairs]
    return [(begins[s], finishes[e - 1]) for s, e in pairs]


def _powers(size: int) -> tuple[Hashes, Hashes]:
    """P**i and P**-i modulo 2**64 for i < size (at least)."""
    if not _powers_cache or len(_powers_cache[0][0]) < size:
        size = 1 << max(21, (size - 1).bit_length())
        up = np.full(size, _P, dtype=np.uint64)
        down = np.full(size, pow(_P, -1, 1 << 64), dtype=np.uint64)
        up[0] = down[0] = 1
        _powers_cache[:] = [(np.cumprod(up), np.cumprod(down))]
    return _powers_cache[0]


def _mix(x: Hashes) -> Hashes:
    """splitmix64's finaliser, so that similar words get unrelated hashes."""
    x = x ^ (x >> np.uint64(30))
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _hash_chunk(folded: list[str]) -> tuple[Hashes, Positions]:
    """Word hashes of the folded texts, end to end, and how many words each text has."""
    codes = _codes("\x00" + "\x00".join(folded) + "\x00")
    starts, ends = _bounds(codes)
    up, down = _powers(len(codes))
    prefix = np.cumsum(codes * up[: len(codes)])
    hashes = _mix((prefix[ends - 1] - prefix[starts - 1]) * down[starts])
    separators = np.cumsum([len(t) + 1 for t in folded])
    return hashes, np.diff(np.searchsorted(starts, separators), prepend=0)


@dataclass(frozen=True, slots=True)
class WordHashes:
    """Word hashes of several texts end to end: text i has ``hashes[offsets[i]:offsets[i + 1]]``."""

    hashes: Hashes
    offsets: Positions

    def windows(self, n: int) -> tuple[Hashes, NDArray[np.bool_]]:
        """Hashes of every `n` consecutive words, and whether each lies within one text."""
        wins = window_hashes(self.hashes, n)
        text_end = np.repeat(self.offsets[1:], np.diff(self.offsets))[: len(wins)]
        return wins, np.arange(len(wins)) + n <= text_end


def hash_words(texts: Sequence[str]) -> WordHashes:
    """Hash the normalised words of many texts at once (what :func:`words` returns, hashed)."""
    hashed: list[Hashes] = [np.zeros(0, dtype=np.uint64)]
    counts: list[Positions] = [np.zeros(0, dtype=np.intp)]
    chunk: list[str] = []
    size = 0
    for text in texts:
        folded = _fold(text)
        if chunk and size + len(folded) > _CHUNK:
            h, c = _hash_chunk(chunk)
            hashed.append(h)
            counts.append(c)
            chunk, size = [], 0
        chunk.append(folded)
        size += len(folded) + 1
    if chunk:
        h, c = _hash_chunk(chunk)
        hashed.append(h)
        counts.append(c)
    offsets = np.concatenate([[0], np.cumsum(np.concatenate(counts))]).astype(np.intp)
    return WordHashes(np.concatenate(hashed), offsets)


def window_hashes(hashes: Hashes, n: int) -> Hashes:
    """The hash of every run of `n` consecutive word hashes: element i covers hashes[i:i+n]."""
    m = len(hashes) - n + 1
    if m <= 0 or n <= 0:
        return np.zeros(0, dtype=np.uint64)
    acc = hashes[:m].copy()
    for k in range(1, n):
        acc *= _Q
        acc += hashes[k : k + m]
    return acc


def shingles(text: str, n: int) -> Hashes:
    """The hashed word `n`-grams of `text`; a text of fewer than `n` words is one shingle."""
    hashes = hash_words([text]).hashes
    if 0 < len(hashes) < n:
        return window_hashes(hashes, len(hashes))
    return window_hashes(hashes, n)
