"""The near-duplicate check: planted near-duplicates are clustered, unrelated and merely similar
records are not, whatever the batches, the process pool, or the corpus they are compared with."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable

import numpy as np
import pytest

from mentor.errors import InputError
from mentor.qa import registry
from mentor.qa.checks.base import Check
from mentor.qa.checks.near_dup import NearDupCheck, NearDupConfig
from mentor.qa.executors import LocalExecutor, SerialExecutor
from mentor.qa.findings import Finding
from mentor.qa.lsh import banding
from mentor.qa.minhash import MinHasher, shingle
from mentor.qa.scan import run_checks
from mentor.qa.sources import Source
from mentor.records import Record

RNG_WORDS = [f"w{i}" for i in range(5000)]


def words(rng: random.Random, k: int = 200) -> list[str]:
    return rng.choices(RNG_WORDS, k=k)


def edit(rng: random.Random, text: list[str], count: int) -> list[str]:
    out = list(text)
    for at in rng.sample(range(len(out)), count):
        out[at] = rng.choice(RNG_WORDS)
    return out


def record(rid: str, text: list[str] | str, prompt: str = "Please summarise this.") -> Record:
    body = text if isinstance(text, str) else " ".join(text)
    return {
        "id": rid,
        "kind": "sft",
        "messages": [
            {"role": "user", "content": prompt},
            {"role": "assistant", "content": body},
        ],
    }


def true_jaccard(a: Record, b: Record, n: int = 5) -> float:
    def grams(rec: Record) -> set[tuple[str, ...]]:
        ws = re.findall(r"\w+", " ".join(m["content"] for m in rec["messages"]).lower())
        return {tuple(ws[i : i + n]) for i in range(len(ws) - n + 1)}

    x, y = grams(a), grams(b)
    return len(x & y) / len(x | y)


def scan(check: NearDupCheck, records: list[Record], batch: int = 1000) -> list[Finding]:
    for start in range(0, len(records), batch):
        check.absorb(check.prepare(records[start : start + batch]))
    return check.finish()


def clusters(findings: Iterable[Finding]) -> set[frozenset[str]]:
    groups: dict[str | None, set[str]] = {}
    for f in findings:
        groups.setdefault(f.group, set()).add(f.record_id)
    return {frozenset(g) for g in groups.values()}


@pytest.fixture
def corpus() -> list[Record]:
    """200 unrelated records, plus near-duplicates of three of them, shuffled in."""
    rng = random.Random(7)
    base = [words(rng) for _ in range(200)]
    records = [record(f"r{i:03d}", t) for i, t in enumerate(base)]
    records += [
        record("r010-a", edit(rng, base[10], 2)),
        record("r010-b", edit(rng, base[10], 3)),
        record("r050-a", edit(rng, base[50], 1)),
        record("r120-a", base[120]),  # an exact copy is a near-duplicate too
    ]
    rng.shuffle(records)
    return records


def test_planted_near_duplicates_are_clustered_with_the_first_kept(corpus: list[Record]) -> None:
    findings = scan(NearDupCheck(), corpus)
    assert clusters(findings) == {
        frozenset({"r010", "r010-a", "r010-b"}),
        frozenset({"r050", "r050-a"}),
        frozenset({"r120", "r120-a"}),
    }
    order = [r["id"] for r in corpus]
    for f in findings:
        members = [g.record_id for g in findings if g.group == f.group]
        keeper = min(members, key=order.index)  # the first in scan order is kept
        assert f.group == keeper
        assert f.check == "near-dup"
        if f.record_id == keeper:
            assert (f.code, f.severity) == ("keeper", "info")
        else:
            assert (f.code, f.severity) == ("near-duplicate", "medium")
            assert f"with {keeper} " in f.evidence and "Jaccard" in f.evidence


def test_evidence_gives_the_exact_jaccard_with_the_kept_record(corpus: list[Record]) -> None:
    by_id = {r["id"]: r for r in corpus}
    for f in scan(NearDupCheck(), corpus):
        if f.code == "near-duplicate":
            stated = re.search(r"Jaccard (\d\.\d+)", f.evidence)
            assert stated is not None and f.group is not None
            exact = true_jaccard(by_id[f.record_id], by_id[f.group])
            assert float(stated.group(1)) == pytest.approx(exact, abs=1e-3)


def test_unrelated_and_merely_similar_records_are_not_clustered() -> None:
    rng = random.Random(11)
    template = words(rng, 160)  # 80% shared boilerplate: similar, not near-duplicates
    records = [record(f"t{i}", template[:80] + words(rng, 40) + template[80:]) for i in range(20)]
    records += [record(f"u{i}", words(rng)) for i in range(300)]
    assert max(true_jaccard(records[0], r) for r in records[1:20]) < 0.8
    assert scan(NearDupCheck(), records) == []


def test_the_same_findings_however_the_batches_are_split(corpus: list[Record]) -> None:
    expected = scan(NearDupCheck(), corpus, batch=len(corpus))
    assert expected
    for size in (1, 7, 64):
        assert scan(NearDupCheck(), corpus, batch=size) == expected


def test_a_process_pool_finds_what_a_single_process_finds(corpus: list[Record]) -> None:
    found: dict[str, list[Finding]] = {"serial": [], "local": []}
    for name, executor in (("serial", SerialExecutor()), ("local", LocalExecutor(2))):
        source = Source("corpus", len(corpus), iter(corpus), None)
        run_checks(source, [NearDupCheck()], executor, found[name].append, batch_size=50)
    assert found["local"] == found["serial"] == scan(NearDupCheck(), corpus)


def test_near_duplicates_of_a_reference_corpus_are_reported_against_it() -> None:
    rng = random.Random(3)
    texts = [words(rng) for _ in range(50)]
    reference = [record(f"r{i}", t) for i, t in enumerate(texts)]
    scanned = [record(f"s{i}", words(rng)) for i in range(50)]
    scanned += [record("copy-of-r7", edit(rng, texts[7], 2)), record("also-r7", texts[7])]
    scanned += [record("copy-of-r30", edit(rng, texts[30], 1))]
    findings = scan(NearDupCheck(against={"train@v1": reference}), scanned)
    assert {f.record_id: f.group for f in findings} == {
        "copy-of-r7": "train@v1:r7",
        "also-r7": "train@v1:r7",
        "copy-of-r30": "train@v1:r30",
    }
    assert {f.code for f in findings} == {"in-reference"}
    assert all(f.severity == "medium" and "in train@v1" in f.message for f in findings)


def test_near_duplicates_within_the_reference_are_not_reported() -> None:
    rng = random.Random(5)
    text = words(rng)
    reference = [record("a", text), record("b", edit(rng, text, 1))]
    scanned = [record(f"s{i}", words(rng)) for i in range(20)]
    assert scan(NearDupCheck(against={"ref": reference}), scanned) == []


def test_the_threshold_is_respected() -> None:
    rng = random.Random(9)
    base = words(rng)
    pair = [record("base", base), record("edited", edit(rng, base, 5))]
    similarity = true_jaccard(pair[0], pair[1])
    assert 0.6 < similarity < 0.9
    noise = [record(f"n{i}", words(rng)) for i in range(50)]
    below, above = round(similarity - 0.05, 2), round(similarity + 0.05, 2)
    assert len(scan(NearDupCheck(threshold=below), pair + noise)) == 2
    assert scan(NearDupCheck(threshold=above), pair + noise) == []


def test_every_reported_pair_is_at_least_the_threshold(corpus: list[Record]) -> None:
    check = NearDupCheck(threshold=0.9)
    sketch = check.prepare(corpus)
    edges, similarity = check.pairs(sketch)
    by_id = {r["id"]: r for r in corpus}
    for a, b, s in zip(edges.left, edges.right, similarity, strict=True):
        assert s >= 0.9
        assert s == pytest.approx(true_jaccard(by_id[sketch.ids[a]], by_id[sketch.ids[b]]))


def test_a_chain_of_near_duplicates_is_one_cluster_with_the_closest_named() -> None:
    rng = random.Random(13)
    a = words(rng)
    b = edit(rng, a, 4)
    c = edit(rng, b, 4)
    records = [record("a", a), record("b", b), record("c", c)]
    assert true_jaccard(records[0], records[2]) < 0.75 < true_jaccard(records[1], records[2])
    findings = scan(NearDupCheck(threshold=0.75), records)
    assert clusters(findings) == {frozenset({"a", "b", "c"})}
    last = next(f for f in findings if f.record_id == "c")
    assert last.group == "a" and "closest b" in last.evidence


def test_short_records_compare_as_one_shingle_and_wordless_ones_not_at_all() -> None:
    records = [
        record("hi", "Hi there!", prompt="Hello"),
        record("hi-again", "hi THERE", prompt="HELLO!"),
        record("dots", "...", prompt="?"),
        record("dashes", "--- !!!", prompt="?!"),
    ]
    findings = scan(NearDupCheck(), records)
    assert clusters(findings) == {frozenset({"hi", "hi-again"})}


def test_minhash_estimates_jaccard_without_bias() -> None:
    rng = random.Random(17)
    base = [words(rng) for _ in range(100)]
    texts = [" ".join(t) for t in base] + [
        " ".join(edit(rng, t, 3 * (i % 8))) for i, t in enumerate(base)
    ]
    shingles = shingle(texts, 5)
    signatures = MinHasher(256, seed=3).signatures(shingles)
    estimate = (signatures[:100] == signatures[100:]).mean(axis=1)
    exact = [true_jaccard(record("x", texts[i]), record("y", texts[100 + i])) for i in range(100)]
    error = estimate - np.array(exact)
    assert abs(error.mean()) < 0.01 and np.abs(error).max() < 0.15


def test_banding_is_tuned_to_the_threshold() -> None:
    tuned = banding(0.8, 128)
    assert (tuned.bands, tuned.rows) == (21, 6)
    assert tuned.probability(0.8) >= 0.99 and tuned.probability(0.5) < 0.3
    assert NearDupConfig(threshold=0.7).banding.probability(0.7) >= 0.99


def test_it_is_a_check_built_by_name_with_options() -> None:
    check = registry.build("near-dup", {"threshold": 0.9, "ngram": 3})
    assert isinstance(check, Check) and isinstance(check, NearDupCheck)
    assert (check.config.threshold, check.config.ngram) == (0.9, 3)
    config = NearDupConfig()
    assert NearDupCheck().config == config  # the constructor's defaults are the config's


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": 1.5}, "a Jaccard similarity in"),
        ({"threshold": 0}, "a Jaccard similarity in"),
        ({"ngram": 0}, "at least 1"),
        ({"bands": 10}, "together, or neither"),
        ({"bands": 20, "rows": 7}, "at most 128 hashes"),
    ],
)
def test_bad_options_say_what_was_expected(options: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        registry.build("near-dup", options)
    assert "near-dup." in str(caught.value)


def test_thousands_of_copies_make_one_cluster_quickly() -> None:
    rng = random.Random(19)
    boilerplate = words(rng)
    records = [record(f"c{i}", boilerplate) for i in range(3000)]
    records += [record(f"u{i}", words(rng)) for i in range(100)]
    findings = scan(NearDupCheck(), records)
    assert clusters(findings) == {frozenset(f"c{i}" for i in range(3000))}
    assert sum(f.code == "keeper" for f in findings) == 1


def test_an_empty_scan_finds_nothing() -> None:
    check = NearDupCheck(against={"ref": []})
    check.absorb(check.prepare([]))
    assert check.finish() == []


def test_a_small_bucket_limit_finds_the_same_clusters(corpus: list[Record]) -> None:
    tight = NearDupCheck.from_config(NearDupConfig(max_bucket=2))
    assert tight.config.max_bucket == 2
    assert scan(tight, corpus) == scan(NearDupCheck(), corpus)
