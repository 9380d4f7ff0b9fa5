"""Failure clustering: embed failure texts, group them with HDBSCAN, name each group.

``cluster(texts)`` embeds the texts (:mod:`mentor.analysis.embeddings`), projects the vectors on
their first 10 principal components (centred, then re-normalised: density estimates in 384
dimensions are poor), and runs scikit-learn's HDBSCAN. A text HDBSCAN leaves out joins the
cluster whose centroid is nearest when it is at least as close to it as the cluster's own 5%
least typical members; the rest stay unclustered (``Clustering.noise``). Each cluster is named by
its distinctive words (:mod:`mentor.analysis.terms`) and shown with the members nearest its
centroid. Pure: texts in, a :class:`Clustering` out; no store.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from mentor.analysis.embeddings import embed, normalised
from mentor.analysis.terms import distinctive_terms
from mentor.errors import ConfigError, InputError
from mentor.progress import Progress

DIMENSIONS = 10
MIN_SAMPLES = 3
EXEMPLARS = 3
OUTLIER_QUANTILE = 0.05
SMALL: Final = 60
"""Below this many texts, groups of three count as clusters."""
TINY: Final = 12
"""Below this many texts, pairs count as clusters."""


@dataclass(frozen=True)
class Cluster:
    """One group of similar failures: indices into the texts given to :func:`cluster`."""

    id: int
    size: int
    terms: list[str]
    exemplars: list[int]
    members: list[int]


@dataclass(frozen=True)
class Clustering:
    """Clusters largest first; `noise` the texts that belong to none ("unclustered")."""

    method: str
    embedder: str
    clusters: list[Cluster]
    noise: list[int]


def default_min_cluster_size(n: int) -> int:
    """2 below 12 texts and 3 below 60 (a handful of reports or one run's failures: groups are
    small), 5 for a few hundred, growing with the square root of n (25 at 10,000)."""
    if n < TINY:
        return 2
    if n < SMALL:
        return 3
    return max(5, round(math.sqrt(n) / 4))


def min_samples(n: int, min_cluster_size: int) -> int:
    """HDBSCAN's density neighbourhood: 3, or 2 below :data:`SMALL` texts, where a third
    neighbour is often already in another group."""
    wanted = 2 if n < SMALL else MIN_SAMPLES
    return max(1, min(wanted, min_cluster_size, n - 1))


def cluster(
    texts: Sequence[str],
    *,
    embedder: str = "auto",
    min_cluster_size: int | None = None,
    progress: Progress | None = None,
) -> Clustering:
    """Group `texts` by meaning; see the module docstring for the steps."""
    if min_cluster_size is not None and min_cluster_size < 2:
        raise InputError(
            f"min_cluster_size must be 2 or more, got {min_cluster_size}", field="min_cluster_size"
        )
    embeddings = embed(texts, embedder=embedder, progress=progress)
    size = min_cluster_size or default_min_cluster_size(len(embeddings.vectors))
    labels = hdbscan_labels(embeddings.vectors, size)
    return describe(list(texts), embeddings.vectors, labels, embeddings.embedder, size)


def hdbscan_labels(vectors: NDArray[np.float32], min_cluster_size: int) -> NDArray[np.int64]:
    """HDBSCAN labels (-1: noise) on the reduced vectors, outliers then joined where close."""
    n = len(vectors)
    if n < min_cluster_size or n < 2:
        return np.full(n, -1, dtype=np.int64)
    try:
        from sklearn.cluster import HDBSCAN
        from sklearn.decomposition import PCA
    except ImportError as exc:
        raise ConfigError("clustering needs scikit-learn: pip install 'mentor[cluster]'") from exc
    dims = min(DIMENSIONS, n - 1, vectors.shape[1])
    reduced = vectors
    if dims >= 2 and vectors.shape[1] > dims:
        reduced = normalised(PCA(dims, random_state=0).fit_transform(vectors).astype(np.float32))
    model = HDBSCAN(
        min_cluster_size=min_cluster_size, min_samples=min_samples(n, min_cluster_size), copy=True
    )
    labels = np.asarray(model.fit_predict(reduced), dtype=np.int64)
    return join_outliers(normalised(vectors - vectors.mean(axis=0)), labels)


def join_outliers(vectors: NDArray[np.float32], labels: NDArray[np.int64]) -> NDArray[np.int64]:
    """Give each noise point the nearest cluster if it is as close as that cluster's members."""
    k = int(labels.max()) + 1
    noise = np.flatnonzero(labels < 0)
    if k == 0 or len(noise) == 0:
        return labels
    similarity = vectors @ centroids(vectors, labels, k).T
    floor = np.array([np.quantile(similarity[labels == c, c], OUTLIER_QUANTILE) for c in range(k)])
    nearest = similarity[noise].argmax(axis=1)
    close = similarity[noise, nearest] >= floor[nearest]
    joined = labels.copy()
    joined[noise[close]] = nearest[close]
    return joined


def centroids(
    vectors: NDArray[np.float32], labels: NDArray[np.int64], k: int
) -> NDArray[np.float32]:
    """The normalised mean vector of each of the `k` clusters."""
    return normalised(np.stack([vectors[labels == c].mean(axis=0) for c in range(k)]))


def describe(
    texts: list[str],
    vectors: NDArray[np.float32],
    labels: NDArray[np.int64],
    embedder: str,
    min_cluster_size: int,
) -> Clustering:
    """Clusters largest first (ties by first member), each with terms and exemplars."""
    groups = [np.flatnonzero(labels == c) for c in range(int(labels.max(initial=-1)) + 1)]
    groups.sort(key=lambda g: (-len(g), int(g[0])))
    noise = np.flatnonzero(labels < 0)
    terms = distinctive_terms([[texts[i] for i in g] for g in groups] + [[texts[i] for i in noise]])
    clusters = []
    for rank, members in enumerate(groups):
        centre = normalised(vectors[members].mean(axis=0, keepdims=True))[0]
        nearest = members[np.argsort(-(vectors[members] @ centre), kind="stable")][:EXEMPLARS]
        clusters.append(
            Cluster(
                id=rank,
                size=len(members),
                terms=terms[rank],
                exemplars=[int(i) for i in nearest],
                members=[int(i) for i in members],
            )
        )
    samples = min_samples(len(texts), min_cluster_size)
    method = f"hdbscan(min_cluster_size={min_cluster_size}, min_samples={samples})"
    return Clustering(method, embedder, clusters, [int(i) for i in noise])
