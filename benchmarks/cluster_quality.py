"""Failure clustering: quality on planted groups, and the time to cluster 10,000 failures.

    .venv/bin/python benchmarks/cluster_quality.py            # quality + speed, median of 3
    .venv/bin/python benchmarks/cluster_quality.py --runs 1   # quicker
    .venv/bin/python benchmarks/cluster_quality.py --runs 0   # quality only, no 10,000-text run

Quality (issue 17's target: adjusted Rand index >= 0.8 against the planted groups): the hand-
written set in ``benchmarks/data/planted-failures.jsonl`` (10 failure groups x 25 paraphrases,
45 unrelated singletons, ~15% noise; provenance in its first line) clustered by

- Mentor's default, MiniLM (int8 ONNX) + HDBSCAN (:func:`mentor.analysis.cluster`);
- TF-IDF (LSA) + HDBSCAN: the same pipeline with the fallback embedder;
- TF-IDF (LSA) + k-means with k = the number of planted groups (told the answer's size);
- MiniLM + k-means, k = the number of planted groups, for reference.

Each method is scored on two sets written independently, so that a change tuned to one shows:
set A, ``planted-failures.jsonl`` (the one above), and set B, ``planted-failures-b.jsonl``
(11 other failure groups x 20-22 notes, 45 singletons; written before reading set A's texts).

ARI counts each planted singleton, and each text a method leaves unclustered, as a group of its
own, so a method is rewarded for leaving the singletons alone and penalised for dropping
members of real groups.

Speed (target: under 60 s on the 2-core machine): 10,000 failures made by recombining the
paraphrases (a context phrase, a paraphrase, a case number: about 30 tokens each),
embedded with MiniLM and clustered; the time is split into embed and cluster.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mentor.analysis.clustering import (
    Clustering,
    cluster,
    default_min_cluster_size,
    describe,
    hdbscan_labels,
)
from mentor.analysis.embeddings import embed

DATA = Path(__file__).parent / "data" / "planted-failures.jsonl"
SETS = {"A": DATA, "B": DATA.with_name("planted-failures-b.jsonl")}
CONTEXTS = [
    "In the regression suite,",
    "Reviewer note:",
    "Seen again in this run:",
    "Customer ticket says",
    "Red-team finding:",
    "Spot check:",
    "Flagged by the judge:",
    "Annotator comment:",
    "From the thumbs-down log:",
    "Nightly eval:",
]


def planted(path: Path = DATA) -> tuple[list[str], list[str]]:
    """(texts, truth): truth is the group, or a label of its own for each singleton."""
    rows = [json.loads(line) for line in path.read_text().splitlines()[1:]]
    return [r["text"] for r in rows], [r["group"] or f"single-{i}" for i, r in enumerate(rows)]


def labels_of(result: Clustering, n: int) -> list[int]:
    """Cluster ids per text; each unclustered text a label of its own."""
    labels = [-1 - i for i in range(n)]
    for c in result.clusters:
        for m in c.members:
            labels[m] = c.id
    return labels


def quality(path: Path = DATA) -> dict[str, float]:
    """ARI of each method against the planted groups of the set at `path`."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    texts, truth = planted(path)
    groups = len({t for t in truth if not t.startswith("single-")})
    out: dict[str, float] = {}
    for name, embedder in (("MiniLM + HDBSCAN", "minilm"), ("TF-IDF + HDBSCAN", "tfidf")):
        out[name] = adjusted_rand_score(
            truth, labels_of(cluster(texts, embedder=embedder), len(texts))
        )
    for name, embedder in (
        ("TF-IDF + k-means (k = groups)", "tfidf"),
        ("MiniLM + k-means (k = groups)", "minilm"),
    ):
        vectors = embed(texts, embedder=embedder).vectors
        k_labels = KMeans(groups, n_init=10, random_state=0).fit_predict(vectors)
        out[name] = adjusted_rand_score(truth, k_labels)
    return out


def synthetic(n: int, seed: int = 0) -> list[str]:
    """`n` failures recombined from the planted paraphrases (and the singletons)."""
    texts, truth = planted()
    by_group: dict[str, list[str]] = {}
    for text, group in zip(texts, truth, strict=True):
        by_group.setdefault(group, []).append(text)
    names = sorted(by_group)
    rng = random.Random(seed)
    out = []
    for i in range(n):
        text = rng.choice(by_group[rng.choice(names)])
        out.append(f"{rng.choice(CONTEXTS)} {text} (case {i})")
    return out


def speed(n: int) -> tuple[float, float, float, int]:
    """(embed s, cluster s, CPU s of both, clusters found) for `n` recombined failures.

    The CPU seconds (user + system, all threads) say what the run costs on a busy machine,
    where the wall time mostly measures the other processes."""
    texts = synthetic(n)
    cpu = time.process_time()
    start = time.perf_counter()
    vectors = embed(texts, embedder="minilm").vectors
    embedded = time.perf_counter()
    size = default_min_cluster_size(n)
    result = describe(texts, vectors, hdbscan_labels(vectors, size), "minilm", size)
    done = time.perf_counter()
    return embedded - start, done - embedded, time.process_time() - cpu, len(result.clusters)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="speed runs; 0: quality only")
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    embed(["warm-up"], embedder="minilm")
    scores = {name: quality(path) for name, path in SETS.items()}
    print("| method | ARI vs planted groups, set A | set B |\n|---|---:|---:|")
    for name in scores["A"]:
        print(f"| {name} | {scores['A'][name]:.3f} | {scores['B'][name]:.3f} |")
    if args.runs < 1:
        return
    runs = [speed(args.n) for _ in range(args.runs)]
    embed_s = statistics.median(r[0] for r in runs)
    cluster_s = statistics.median(r[1] for r in runs)
    total = statistics.median(r[0] + r[1] for r in runs)
    cpu = statistics.median(r[2] for r in runs)
    cpus = _cpus()
    print(f"\n{args.n:,} failures, median of {args.runs} ({platform.machine()}, {cpus} CPUs,")
    print(f"load average {os.getloadavg()[0]:.1f} at the end):")
    print(f"embed {embed_s:.1f} s + cluster {cluster_s:.1f} s = {total:.1f} s wall;")
    print(f"{cpu:.1f} CPU-seconds (/{cpus} cores = {cpu / cpus:.1f} s)")
    print(f"clusters found {[r[3] for r in runs]}; wall {[round(r[0] + r[1], 1) for r in runs]}")


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
