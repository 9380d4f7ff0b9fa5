"""Near-duplicate records: MinHash over word n-grams, LSH banding, exact verification, clusters.

The defaults follow the large LLM-data pipelines. Shingles are word 5-grams, as in BigCode's
near-deduplication (text-dedup) and FineWeb's MinHash stage (datatrove: 5-grams, 112 hashes as
14 bands of 8); signatures have 128 hashes, datasketch's default; the Jaccard threshold is 0.8,
SlimPajama's. The banding is tuned to the threshold rather than copied: FineWeb's 14 x 8 finds a
pair at exactly 0.8 only 92% of the time, while 21 bands of 6 rows (126 of the 128 hashes) find
it 99.8% of the time and a pair at 0.5 only 28% of the time. Where those pipelines keep every
candidate pair (BigCode) or trust the signature's estimate, each candidate here is checked
against the exact Jaccard similarity of the two shingle sets, so no pair below the threshold is
reported and none above it is lost to the estimate's noise (+/-0.035 at 0.8 with 128 hashes).

Verified pairs join records into clusters (connected components). The first record of a
cluster, in scan order, is kept (an ``info`` finding); each other is a ``medium`` finding with
its similarity to the kept one. Records of the reference corpora given as `against` come
before the scanned ones, so a scanned record close to a reference record is reported against
it; references are not reported themselves.

Memory in the main process: 8 bytes per band and record (about 170 bytes; 170 MB for a
million records) and the record ids; the shingle sets (4 bytes per distinct shingle, about
800 bytes for a 1 KB record) wait in a temporary file, and only those of records in a
candidate pair are read back at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any, Final

import numpy as np

from mentor.errors import InputError
from mentor.qa.findings import Finding
from mentor.qa.lsh import Banding, Index, Pairs, Sketch, banding, candidates, clusters
from mentor.qa.minhash import F64, I64, U64, MinHasher, Shingles, band_keys, jaccard, shingle
from mentor.qa.text import texts
from mentor.records import Record

NAME: Final = "near-dup"
_REFERENCE_BATCH: Final = 4096


@dataclass(frozen=True, slots=True)
class NearDupConfig:
    """Settings of the near-duplicate check; `bands` x `rows` is tuned to `threshold` if unset."""

    threshold: float = 0.8
    ngram: int = 5
    permutations: int = 128
    bands: int | None = None
    rows: int | None = None
    seed: int = 1
    max_bucket: int = 64

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise _bad("threshold", f"a Jaccard similarity in (0, 1], got {self.threshold}")
        for name in ("ngram", "permutations", "max_bucket"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise _bad(name, f"a whole number of at least 1, got {getattr(self, name)!r}")
        if (self.bands is None) != (self.rows is None):
            raise _bad("bands", "bands and rows given together, or neither (to tune them)")
        b, r = self.bands or 1, self.rows or 1
        if b < 1 or r < 1 or b * r > self.permutations:
            raise _bad(
                "bands", f"bands x rows of at most {self.permutations} hashes, got {b} x {r}"
            )

    @property
    def banding(self) -> Banding:
        """The banding in use: the one given, or the one tuned to the threshold."""
        if self.bands is not None and self.rows is not None:
            return Banding(self.bands, self.rows)
        return banding(self.threshold, self.permutations)


def _bad(option: str, expected: str) -> InputError:
    return InputError(f"expected {expected}", where=f"option {NAME}.{option}")


def record_text(rec: Record) -> str:
    """The text a record is compared on: all of its texts, in reading order."""
    return "\n".join(text for _, text in texts(rec))


class NearDupCheck:
    """Near-duplicate records (MinHash LSH over word n-grams), reported as clusters.

    `against` maps a label to a reference corpus (records) to find near-duplicates across.
    """

    name = NAME

    def __init__(
        self,
        threshold: float = 0.8,
        ngram: int = 5,
        permutations: int = 128,
        bands: int | None = None,
        rows: int | None = None,
        seed: int = 1,
        against: Mapping[str, Iterable[Record]] | None = None,
    ):
        config = NearDupConfig(threshold, ngram, permutations, bands, rows, seed)
        self._setup(config)
        self._against = dict(against or {})

    @classmethod
    def from_config(
        cls, config: NearDupConfig, against: Mapping[str, Iterable[Record]] | None = None
    ) -> NearDupCheck:
        """A check with every setting of `config` (including those the constructor omits)."""
        check = cls(against=against)
        check._setup(config)
        return check

    def _setup(self, config: NearDupConfig) -> None:
        self.config = config
        self._banding = config.banding
        self._hasher = MinHasher(config.permutations, config.seed)
        self._index = Index(self._banding.bands)
        self._origin: list[str] | None = None  # each reference record's label, once indexed

    # Only the settings travel to worker processes, never the corpus absorbed so far.
    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._setup(state["config"])
        self._against = {}

    def prepare(self, batch: list[Record]) -> Sketch:
        """Shingle and sign a batch (pure: runs in a worker)."""
        return self.sketch([rec["id"] for rec in batch], [record_text(rec) for rec in batch])

    def sketch(self, ids: list[str], documents: list[str]) -> Sketch:
        """Shingle sets and band keys of plain texts (what `prepare` does to records)."""
        shingles = shingle(documents, self.config.ngram)
        signatures = self._hasher.signatures(shingles)
        return Sketch(ids, shingles, band_keys(signatures, self._banding.bands, self._banding.rows))

    def absorb(self, prepared: Sketch) -> list[Finding]:
        """Add a prepared batch to the index; clusters are known only at the end."""
        self._references()
        self._index.add(prepared)
        return []

    def _references(self) -> list[str]:
        """Index the reference corpora, before any scanned record, once; their labels."""
        if self._origin is None:
            self._origin = []
            for label, records in self._against.items():
                for batch in _batches(records, _REFERENCE_BATCH):
                    self._index.add(self.prepare(batch))
                    self._origin.extend([label] * len(batch))
        return self._origin

    def finish(self) -> list[Finding]:
        """The near-duplicate clusters among the scanned records and against the references."""
        origin = self._references()
        index, self._index = self._index, Index(self._banding.bands)
        try:
            found = self._verified(index.keys, index.sizes, index.shingles, len(origin))
            return list(_findings(index.ids, origin, found, self.config))
        finally:
            index.close()

    def pairs(self, sketch: Sketch, n_ref: int = 0) -> tuple[Pairs, F64]:
        """Verified pairs (exact Jaccard >= threshold) of `sketch`'s documents and their
        similarities; pairs within the first `n_ref` documents (references) are left out."""
        found = self._verified(sketch.keys, sketch.shingles.sizes, sketch.shingles.take, n_ref)
        return found.edges, found.similarity

    def _verified(
        self, keys: U64, sizes: I64, read: Callable[[I64], Shingles], n_ref: int
    ) -> _Verified:
        """The candidate pairs of the band `keys` that pass exact verification; `read` gives
        the shingles of the documents in a candidate pair, the only ones it needs."""
        pairs = candidates(keys, self.config.max_bucket)
        live = sizes > 0  # a text with no words matches none
        pairs = pairs.where((pairs.right >= n_ref) & live[pairs.left] & live[pairs.right])
        docs = np.unique(np.concatenate((pairs.left, pairs.right)))
        found = _Verified(Pairs(pairs.left, pairs.right), np.empty(0), docs, read(docs))
        similarity = found.jaccard(pairs.left, pairs.right)
        keep = similarity >= self.config.threshold
        return _Verified(pairs.where(keep), similarity[keep], docs, found.shingles)


@dataclass(frozen=True, slots=True)
class _Verified:
    """Verified pairs with their similarities, and the shingles of the documents in them
    (document k of `shingles` is ``docs[k]``)."""

    edges: Pairs
    similarity: F64
    docs: I64
    shingles: Shingles

    def jaccard(self, left: I64, right: I64) -> F64:
        """Exact Jaccard similarity of documents ``left[i]`` and ``right[i]`` (both in `docs`)."""
        at = np.searchsorted(self.docs, left), np.searchsorted(self.docs, right)
        return jaccard(self.shingles, *at)


def _batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    stream = iter(records)
    while batch := list(islice(stream, size)):
        yield batch


def _nearest(n: int, edges: Pairs, similarity: F64) -> tuple[I64, F64]:
    """Each document's most similar verified neighbour (-1 if none) and that similarity."""
    best = np.full(n, -1, np.int64)
    best_sim = np.zeros(n, np.float64)
    if not len(edges):
        return best, best_sim
    node = np.concatenate((edges.left, edges.right))
    other = np.concatenate((edges.right, edges.left))
    sim = np.concatenate((similarity, similarity))
    order = np.lexsort((other, -sim, node))
    first = order[np.concatenate(([True], node[order][1:] != node[order][:-1]))]
    best[node[first]], best_sim[node[first]] = other[first], sim[first]
    return best, best_sim


def _findings(
    names: list[str], origin: list[str], found: _Verified, config: NearDupConfig
) -> Iterator[Finding]:
    """An info finding for each cluster's kept record and a medium one for each other record;
    the first ``len(origin)`` documents are references, named ``label:id`` and not reported."""
    n, n_ref = len(names), len(origin)
    edges, similarity = found.edges, found.similarity
    ids = [f"{label}:{i}" for label, i in zip(origin, names, strict=False)] + names[n_ref:]
    keeper = clusters(n, edges)  # each cluster is named by its first document, its keeper
    size = np.bincount(keeper, minlength=n)[keeper]
    members = np.flatnonzero((size > 1) & (np.arange(n) >= n_ref))
    others = members[keeper[members] != members]
    near = found.jaccard(keeper[others], others)
    to_keeper = dict(zip(others.tolist(), near.tolist(), strict=True))
    best, best_sim = _nearest(n, edges, similarity)
    grams = f"word {config.ngram}-grams"
    for d in sorted(members.tolist(), key=lambda d: (int(keeper[d]), d)):
        k, m = int(keeper[d]), int(size[d])
        if d == k:
            message = f"kept: the first of {m} near-duplicate records"
            evidence = f"{m - 1} others at Jaccard >= {config.threshold} over {grams}"
            yield Finding(ids[d], NAME, "keeper", "info", message, evidence=evidence, group=ids[k])
            continue
        evidence = f"Jaccard {to_keeper[d]:.3f} with {ids[k]} over {grams}"
        if best[d] != k:
            evidence += f"; closest {ids[best[d]]} at {best_sim[d]:.3f}"
        if k < n_ref:
            code = "in-reference"
            message = f"near-duplicate of {names[k]} in {origin[k]}"
        else:
            code, message = "near-duplicate", f"near-duplicate of {ids[k]} ({m} in the cluster)"
        yield Finding(ids[d], NAME, code, "medium", message, evidence=evidence, group=ids[k])
