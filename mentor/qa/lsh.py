"""Locality-sensitive hashing by banding: the index, its candidate pairs and their clusters.

A MinHash signature of b*r values is cut into b bands of r rows; two documents become a
candidate pair when all r rows of at least one band agree, which for Jaccard similarity s
happens with probability ``1 - (1 - s**r)**b`` (Leskovec, Rajaraman & Ullman, *Mining of Massive
Datasets*, section 3.4). Buckets are found by sorting each band's keys, not with hash tables, so
the index is a few arrays whatever the corpus size and needs no Python loop per document.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from typing import IO, Any, Final

import numpy as np
from numpy.typing import DTypeLike, NDArray

from mentor.qa.minhash import I64, U64, Shingles, ragged

_BLOCK_BYTES: Final = 64 << 20


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
    """An array appended to a part at a time, in blocks of 64 MiB, joined when read whole.

    A block that large is a memory mapping of its own, which goes back to the system the moment
    it is freed, so joining the blocks (each freed once copied) peaks at the data's size plus
    one block. Growing one array instead would hold up to its growth factor more, zero-filled,
    and many small parts freed after a copy would stay resident in the heap.
    """

    def __init__(self, dtype: DTypeLike, width: int | None = None):
        self._dtype = np.dtype(dtype)
        self._row: tuple[int, ...] = () if width is None else (width,)
        self._blocks: list[NDArray[Any]] = []
        self._fill = 0  # rows used in the last block
        self.size = 0

    def extend(self, part: NDArray[Any]) -> None:
        part = np.asarray(part, self._dtype)
        at = 0
        while at < len(part):
            if not self._blocks or self._fill == len(self._blocks[-1]):
                rows = max(1, _BLOCK_BYTES // (self._dtype.itemsize * int(np.prod(self._row))))
                self._blocks.append(np.empty((rows, *self._row), self._dtype))
                self._fill = 0
            block = self._blocks[-1]
            take = min(len(part) - at, len(block) - self._fill)
            block[self._fill : self._fill + take] = part[at : at + take]
            self._fill += take
            at += take
        self.size += len(part)

    @property
    def array(self) -> NDArray[Any]:
        if not self._blocks:
            return np.empty((0, *self._row), self._dtype)
        if len(self._blocks) > 1:
            whole = np.empty((self.size, *self._row), self._dtype)
            blocks, self._blocks = self._blocks[::-1], []
            at = 0
            while blocks:
                block = blocks.pop()
                take = min(len(block), self.size - at)
                whole[at : at + take] = block[:take]
                at += take
                del block
            self._blocks, self._fill = [whole], self.size
        return self._blocks[0][: self.size]


class _Spilled:
    """uint32 values appended to an unnamed temporary file (the system's page cache, not this
    process's memory, holds them) and read back for a few documents at the end."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self.size = 0

    def extend(self, part: NDArray[np.uint32]) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="mentor-near-dup-")  # noqa: SIM115 - kept open until close()
        self._file.write(np.ascontiguousarray(part, np.uint32).tobytes())
        self.size += len(part)

    def gather(self, starts: I64, sizes: I64) -> NDArray[np.uint32]:
        """The values ``[starts[i], starts[i] + sizes[i])`` end to end (`starts` increasing),
        read in windows of about 64 MiB."""
        out = np.empty(int(sizes.sum()), np.uint32)
        if not len(out) or self._file is None:
            return out
        self._file.flush()
        ends = starts + sizes
        window = _BLOCK_BYTES // 4
        done = i = 0
        while i < len(starts):
            # the documents whose values lie within one window from the first one's start
            j = max(i + 1, int(np.searchsorted(ends, starts[i] + window, "right")))
            low, high = int(starts[i]), int(ends[j - 1])
            self._file.seek(low * 4)
            buffer = np.frombuffer(self._file.read((high - low) * 4), np.uint32)
            part = sizes[i:j]
            at = np.repeat(starts[i:j] - low, part) + ragged(part)
            out[done : done + len(at)] = buffer[at]
            done += len(at)
            i = j
        return out

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class Index:
    """The sketches of every document added so far, in order: band keys and shingle counts in
    memory (8 bytes per band per document), the shingles themselves in a temporary file until
    :meth:`shingles` reads back those of the documents that need them."""

    def __init__(self, bands: int):
        self.ids: list[str] = []
        self._values = _Spilled()
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

    @property
    def keys(self) -> U64:
        """Every document's band keys, shape (documents, bands)."""
        return self._keys.array

    @property
    def sizes(self) -> I64:
        """How many distinct shingles each document has."""
        return self._sizes.array

    def shingles(self, docs: I64) -> Shingles:
        """The shingles of documents `docs` (increasing): document k of the result is
        ``docs[k]``."""
        sizes = self.sizes
        starts = np.cumsum(sizes) - sizes
        part = sizes[docs]
        offsets = np.zeros(len(docs) + 1, np.int64)
        np.cumsum(part, out=offsets[1:])
        return Shingles(self._values.gather(starts[docs], part), offsets)

    def sketch(self) -> Sketch:
        """Every document so far, as one sketch (shingles read back from the file)."""
        return Sketch(self.ids, self.shingles(np.arange(len(self))), self.keys)

    def close(self) -> None:
        """Let go of the temporary file."""
        self._values.close()


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
