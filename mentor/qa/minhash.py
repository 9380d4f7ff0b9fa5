"""Word n-gram shingles and their MinHash signatures, a whole batch of documents at a time.

Words are those of :mod:`mentor.qa.ngrams` (NFKC, case folded, runs of word characters), so
the duplicate and contamination checks agree on what "the same words" are, and their 64-bit
hashes come from there too. Overlapping word n-grams ("shingles") are hashed to 32 bits; a
document shorter than n words is a single shingle. Everything runs on numpy arrays holding the
whole batch, with no Python loop per document or per word.

A MinHash signature holds, for each of K hash functions, the least hash of a document's
shingles; two documents agree at a position with probability equal to the Jaccard similarity of
their shingle sets (Broder, 1997). The K functions are multiply-add-shift hashes
``h(x) = ((a*x + b) mod 2**64) >> 32`` of the 32-bit shingle hash x with random 64-bit a (odd)
and b: a 2-independent family (Dietzfelbinger, 1996) that needs no modulo by a prime, so a
batch's signatures are one multiply, one add and one ``minimum.reduceat`` over (K, shingles).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from mentor.qa.ngrams import hash_words

U64 = NDArray[np.uint64]
I64 = NDArray[np.int64]
F64 = NDArray[np.float64]

_Q: Final = np.uint64(0xD6E8FEB86659FD93)  # multiplier of the polynomial over a run of hashes
_CHUNK: Final = 4096  # shingles per (K, chunk) block: small enough to stay in cache (measured)


def _mix(x: U64) -> U64:
    """SplitMix64's finaliser: every output bit depends on every input bit."""
    x = x ^ (x >> np.uint64(30))
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def ragged(counts: I64) -> I64:
    """For segments of the given lengths laid end to end, each element's index in its segment."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)


@dataclass(frozen=True, slots=True)
class Shingles:
    """Each document's distinct shingle hashes, sorted: document i owns
    ``values[offsets[i]:offsets[i + 1]]`` (none when it has no words)."""

    values: NDArray[np.uint32]
    offsets: I64

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def sizes(self) -> I64:
        """How many distinct shingles each document has."""
        return np.diff(self.offsets)

    def take(self, docs: I64) -> Shingles:
        """The shingles of documents `docs` only: document k of the result is ``docs[k]``."""
        sizes = self.sizes[docs]
        at = np.repeat(self.offsets[docs], sizes) + ragged(sizes)
        offsets = np.zeros(len(docs) + 1, np.int64)
        np.cumsum(sizes, out=offsets[1:])
        return Shingles(self.values[at], offsets)


def shingle(texts: Sequence[str], n: int) -> Shingles:
    """The word `n`-gram shingles of each of `texts`."""
    words = hash_words(texts)
    hashes, counts = words.hashes, np.diff(words.offsets).astype(np.int64)
    # Each document followed by n-1 zero words, so a window never mixes two documents and the
    # one window of a short document covers just its words.
    span = counts + (n - 1)
    starts = np.cumsum(span) - span
    padded = np.zeros(int(span.sum()), np.uint64)
    padded[np.repeat(starts, counts) + ragged(counts)] = hashes
    width = len(padded) - n + 1
    acc = padded[:width].copy()
    for k in range(1, n):
        acc *= _Q
        acc += padded[k : k + width]
    windows = np.where(counts > 0, np.maximum(counts - n + 1, 1), 0)
    at = np.repeat(starts, windows) + ragged(windows)
    doc = np.repeat(np.arange(len(texts), dtype=np.uint64), windows)
    keys = np.sort((doc << 32) | (_mix(acc[at]) >> 32))  # by document, then hash
    keys = keys[np.concatenate((keys[:1] == keys[:1], keys[1:] != keys[:-1]))]
    offsets = np.searchsorted(keys >> 32, np.arange(len(texts) + 1, dtype=np.uint64))
    return Shingles(keys.astype(np.uint32), offsets.astype(np.int64))


class MinHasher:
    """`permutations` seeded multiply-add-shift hash functions, applied to shingle sets."""

    def __init__(self, permutations: int = 128, seed: int = 1):
        rng = np.random.default_rng(seed)
        self.permutations = permutations
        self._a = rng.integers(0, 2**63, permutations, dtype=np.uint64) * 2 + 1
        self._b = rng.integers(0, 2**64 - 1, permutations, dtype=np.uint64, endpoint=True)

    def signatures(self, shingles: Shingles) -> NDArray[np.uint32]:
        """One row of `permutations` minimum hashes per document (all ones when it has none)."""
        out = np.full((len(shingles), self.permutations), 0xFFFFFFFF, np.uint32)
        live = np.flatnonzero(shingles.sizes > 0)
        starts = np.append(shingles.offsets[live], shingles.offsets[-1])
        x = shingles.values.astype(np.uint64)
        buf = np.empty((self.permutations, _CHUNK), np.uint64)

        def hashed(block: U64) -> U64:
            h = buf[:, : len(block)]
            np.multiply(self._a[:, None], block[None, :], out=h)
            h += self._b[:, None]
            return h

        i = 0
        while i < len(live):
            # the documents whose shingles fill one block
            j = max(i + 1, int(np.searchsorted(starts, starts[i] + _CHUNK, "right")) - 1)
            if starts[j] - starts[i] <= _CHUNK:
                least = np.minimum.reduceat(
                    hashed(x[starts[i] : starts[j]]), starts[i:j] - starts[i], axis=1
                )
                out[live[i:j]] = (least >> np.uint64(32)).T
            else:  # one long document, a block at a time
                low = np.full(self.permutations, np.iinfo(np.uint64).max, np.uint64)
                for at in range(starts[i], starts[j], _CHUNK):
                    np.minimum(
                        low, hashed(x[at : min(at + _CHUNK, starts[j])]).min(axis=1), out=low
                    )
                out[live[i]] = low >> np.uint64(32)
            i = j
        return out


def band_keys(signatures: NDArray[np.uint32], bands: int, rows: int) -> U64:
    """A 64-bit key per document per band, shape (documents, bands): equal keys, equal band."""
    n = len(signatures)
    parts = signatures[:, : bands * rows].reshape(n, bands, rows).astype(np.uint64)
    acc = parts[:, :, 0].copy()
    for k in range(1, rows):
        acc *= _Q
        acc += parts[:, :, k]
    return _mix(acc)


def jaccard(shingles: Shingles, left: I64, right: I64, chunk: int = 1 << 22) -> F64:
    """Exact Jaccard similarity of the shingle sets of documents ``left[i]`` and ``right[i]``."""
    sizes = shingles.sizes
    out = np.empty(len(left), np.float64)
    step = max(1, chunk // max(1, int(sizes.mean()) if len(sizes) else 1) // 2)
    for s in range(0, len(left), step):
        a, b = left[s : s + step], right[s : s + step]
        pair = np.arange(len(a), dtype=np.uint64)
        keys = [
            (np.repeat(pair, sizes[d]) << 32)
            | shingles.values[np.repeat(shingles.offsets[d], sizes[d]) + ragged(sizes[d])]
            for d in (a, b)
        ]
        both = np.sort(np.concatenate(keys))
        shared = both[1:][both[1:] == both[:-1]] >> 32
        inter = np.bincount(shared.astype(np.int64), minlength=len(a))
        union = sizes[a] + sizes[b] - inter
        out[s : s + step] = inter / np.maximum(union, 1)
    return out
