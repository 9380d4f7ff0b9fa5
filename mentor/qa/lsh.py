"""Locality-sensitive hashing by banding: the index, its candidate pairs and their clusters.

A MinHash signature of b*r values is cut into b bands of r rows; two documents become a
candidate pair when all r rows of at least one band agree, which for Jaccard similarity s
happens with probability ``1 - (1 - s**r)**b`` (Leskovec, Rajaraman & Ullman, *Mining of Massive
Datasets*, section 3.4). Buckets are found by sorting each band's keys, not with hash tables, so
the index is a few arrays whatever the corpus size and needs no Python loop per document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from mentor.qa.minhash import I64, U64, Shingles


@dataclass(frozen=True, slots=True)
class Banding:
    """`bands` bands of `rows` signature values each."""

    bands: int
    rows: int

    def probability(self, similarity: float) -> float:
        """The chance that two documents `similarity` apart share at least one band."""
        return float(1.0 - (1.0 - similarity**self.rows) ** self.bands)


def banding(threshold: float, permutations: int, recall: float = 0.99) -> Banding:
    """The banding with the most rows per band, hence the fewest dissimilar candidates, that
    still makes a pair exactly at `threshold` a candidate with probability at least `recall`."""
    for rows in range(permutations, 0, -1):
        found = Banding(permutations // rows, rows)
        if found.probability(threshold) >= recall:
            return found
    return Banding(permutations, 1)


@dataclass(frozen=True, slots=True)
class Sketch:
    """Documents ready for the index: ids, shingle sets and band keys (documents, bands)."""

    ids: list[str]
    shingles: Shingles
    keys: U64

    def __len__(self) -> int:
        return len(self.ids)


class _Growing:
    """An array appended to a part at a time, kept as the parts until it is read whole.

    Reading it joins the parts into one array of exactly the final size, freeing each part as
    it is copied: memory stays at the data's size (plus one part), where growing one array by
    a factor would hold up to that factor more, zero-filled and resident.
    """

    def __init__(self, dtype: DTypeLike, width: int | None = None):
        self._shape = (0,) if width is None else (0, width)
        self._dtype = np.dtype(dtype)
        self._parts: list[NDArray[Any]] = []
        self.size = 0

    def extend(self, part: NDArray[Any]) -> None:
        part = np.asarray(part, self._dtype)
        if part.base is not None:  # a view would keep its (maybe far larger) base alive
            part = part.copy()
        self._parts.append(part)
        self.size += len(part)

    @property
    def array(self) -> NDArray[Any]:
        if len(self._parts) != 1:
            whole = np.empty((self.size, *self._shape[1:]), self._dtype)
            at = 0
            self._parts.reverse()
            while self._parts:
                part = self._parts.pop()
                whole[at : at + len(part)] = part
                at += len(part)
                del part
            self._parts = [whole]
        return self._parts[0]


class Index:
    """The sketches of every document added so far, in order, as a few growing arrays."""

    def __init__(self, bands: int):
        self.ids: list[str] = []
        self._values = _Growing(np.uint32)
        self._sizes = _Growing(np.int64)
        self._keys = _Growing(np.uint64, bands)

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, sketch: Sketch) -> None:
        """Append a batch's documents."""
        self.ids.extend(sketch.ids)
        self._values.extend(sketch.shingles.values)
        self._sizes.extend(sketch.shingles.sizes)
        self._keys.extend(sketch.keys)

    def sketch(self) -> Sketch:
        """Every document so far, as one sketch (views, not copies, of the index's arrays)."""
        offsets = np.zeros(len(self) + 1, np.int64)
        np.cumsum(self._sizes.array, out=offsets[1:])
        return Sketch(self.ids, Shingles(self._values.array, offsets), self._keys.array)


@dataclass(frozen=True, slots=True)
class Pairs:
    """Document pairs ``(left[i], right[i])`` with ``left[i] < right[i]``."""

    left: I64
    right: I64

    def __len__(self) -> int:
        return len(self.left)

    def where(self, keep: NDArray[np.bool_]) -> Pairs:
        """The pairs where `keep` is true."""
        return Pairs(self.left[keep], self.right[keep])


def _bucket_pairs(keys: U64, max_bucket: int) -> Pairs:
    """Pairs of documents with equal keys: every pair in a bucket of up to `max_bucket`
    documents; in a larger one (exact copies by the thousand, say) each document with the
    bucket's first and with the one before it, so the work stays linear in the documents."""
    # One plain sort of (key with its low bits replaced by the document number): buckets come
    # out contiguous and in document order, much faster than a stable argsort. Buckets merged
    # by the lost bits only add candidates, which verification then rejects.
    bits = np.uint64(max(1, (len(keys) - 1).bit_length()))
    low = (np.uint64(1) << bits) - np.uint64(1)
    packed = np.sort((keys & ~low) | np.arange(len(keys), dtype=np.uint64))
    order, ordered = (packed & low).astype(np.int64), packed >> bits
    head = np.concatenate((ordered[:1] == ordered[:1], ordered[1:] != ordered[:-1]))
    start = np.flatnonzero(head)
    size = np.diff(np.append(start, len(ordered)))
    first, size = np.repeat(start, size), np.repeat(size, size)
    small = np.flatnonzero((size > 1) & (size <= max_bucket))
    left, right = [], []
    at, near = order[small], ordered[small]
    for d in range(1, max_bucket):
        match = np.flatnonzero(near[d:] == near[:-d])
        if not len(match):
            break
        left.append(at[match])
        right.append(at[match + d])
    big = np.flatnonzero((size > max_bucket) & ~head)
    chain = big[big - 1 != first[big]]
    left += [order[first[big]], order[chain - 1]]
    right += [order[big], order[chain]]
    return Pairs(np.concatenate(left), np.concatenate(right))


def candidates(keys: U64, max_bucket: int = 64) -> Pairs:
    """Distinct pairs of documents sharing a band; `keys` has shape (documents, bands)."""
    n = keys.shape[0]
    codes = []
    for band in keys.T:
        pairs = _bucket_pairs(band, max_bucket)
        # buckets are in document order, so left < right already
        codes.append(pairs.left * n + pairs.right)
    if not codes:
        return Pairs(np.empty(0, np.int64), np.empty(0, np.int64))
    unique = np.sort(np.concatenate(codes))
    unique = unique[np.concatenate((unique[:1] == unique[:1], unique[1:] != unique[:-1]))]
    return Pairs(unique // n, unique % n)


def clusters(n: int, edges: Pairs) -> I64:
    """Each document's cluster, named by its lowest document: the connected components of the
    `edges`, by hooking roots onto smaller roots and pointer jumping until nothing changes
    (O(log n) rounds of array operations, as in Shiloach & Vishkin's parallel algorithm)."""
    root = np.arange(n, dtype=np.int64)
    while True:
        a, b = root[edges.left], root[edges.right]
        apart = a != b
        if not apart.any():
            return root
        np.minimum.at(root, np.maximum(a, b)[apart], np.minimum(a, b)[apart])
        while True:  # every document straight to its root
            up = root[root]
            if np.array_equal(up, root):
                break
            root = up
