"""Exact duplicates come out as clusters: one keeper, its copies, and copies of other datasets."""

# ruff: noqa: RUF001  (the texts are meant to hold look-alike non-ASCII characters)

from __future__ import annotations

from mentor.qa.checks.exact_dup import ExactDupCheck, ExactDupConfig
from mentor.qa.findings import Finding
from mentor.records import Record, validate
from tests.qa.harness import scan


def chat(rid: str, user: str, assistant: str, **meta: str) -> Record:
    messages = [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    return validate({"id": rid, "kind": "sft", "messages": messages, **meta})


RECORDS = [
    chat("a1", "How do I reverse a list?", "Use items[::-1]."),
    chat("b1", "What is the capital of France?", "Paris."),
    chat("a2", "how do I   reverse a LIST?", "Use  items[::-1].\n", source="scrape"),
    chat("c1", "Name a colour.", "Blue."),
    chat("a3", "HOW DO I REVERSE A LIST?", "use ITEMS[::-1].", intent="coding"),
    chat("b2", "What is the capital of France?", "Paris."),
]


def by_code(found: list[Finding]) -> dict[str, list[tuple[str, str, str | None]]]:
    out: dict[str, list[tuple[str, str, str | None]]] = {}
    for f in found:
        out.setdefault(f.code, []).append((f.record_id, f.severity, f.group))
    return out


def test_clusters_have_a_keeper_and_duplicates_sharing_a_group() -> None:
    found = scan(ExactDupCheck(), RECORDS)
    codes = by_code(found)
    assert sorted(codes) == ["duplicate", "keeper"]
    assert [(rid, sev) for rid, sev, _ in codes["duplicate"]] == [
        ("a2", "medium"),
        ("a3", "medium"),
        ("b2", "medium"),
    ]
    assert [(rid, sev) for rid, sev, _ in codes["keeper"]] == [("a1", "info"), ("b1", "info")]
    groups = {rid: group for rid, _, group in codes["duplicate"] + codes["keeper"]}
    assert groups["a1"] == groups["a2"] == groups["a3"] != groups["b1"] == groups["b2"]
    a2 = next(f for f in found if f.record_id == "a2")
    assert "'a1'" in a2.message
    assert a2.evidence.startswith("how do I reverse")
    keeper = next(f for f in found if f.record_id == "a1")
    assert "first of 3 identical records" in keeper.message


def test_unique_records_give_no_findings() -> None:
    records = [
        chat("1", "How do I reverse a list?", "Use items[::-1]."),
        chat("2", "How do I reverse a list?", "Use reversed(items)."),
        chat("3", "How do I sort a list?", "Use items[::-1]."),
        validate({"id": "4", "kind": "sft", "messages": [{"role": "user", "content": "Hi"}]}),
        validate({"id": "5", "kind": "sft", "messages": [{"role": "assistant", "content": "Hi"}]}),
    ]
    assert scan(ExactDupCheck(), records) == []


def test_swapping_chosen_and_rejected_is_a_different_record() -> None:
    pref = {"kind": "preference", "prompt": "Q?", "chosen": "Yes.", "rejected": "No."}
    swapped = {**pref, "chosen": "No.", "rejected": "Yes."}
    again = {**pref, "margin": 3}  # labels are not training content
    found = scan(
        ExactDupCheck(),
        [
            validate({"id": "p", **pref}),
            validate({"id": "s", **swapped}),
            validate({"id": "m", **again}),
        ],
    )
    assert [(f.record_id, f.code) for f in found] == [("m", "duplicate"), ("p", "keeper")]


def test_punctuation_counts_unless_told_otherwise() -> None:
    records = [chat("x", "Hello, world!", "Hi."), chat("y", "hello world", "Hi")]
    assert scan(ExactDupCheck(), records) == []
    found = scan(ExactDupCheck(ExactDupConfig(strip_punctuation=True)), records)
    assert [(f.record_id, f.code) for f in found] == [("y", "duplicate"), ("x", "keeper")]


def test_unicode_compatibility_forms_are_the_same_text() -> None:
    records = [chat("x", "ＡＢＣ ﬁle", "Straße."), chat("y", "abc file", "STRASSE.")]
    assert [f.record_id for f in scan(ExactDupCheck(), records)] == ["y", "x"]
    strict = ExactDupCheck(ExactDupConfig(casefold=False))
    assert scan(strict, records) == []


def test_copies_of_another_dataset_are_reported_with_its_name() -> None:
    reference = [chat("eval-7", "What is the capital of France?", "Paris.")]
    check = ExactDupCheck(references={"capitals@v2": reference})
    found = scan(check, RECORDS)
    cross = [f for f in found if f.code == "in-reference"]
    assert [(f.record_id, f.severity) for f in cross] == [("b1", "medium"), ("b2", "medium")]
    assert "'eval-7'" in cross[0].message and "'capitals@v2'" in cross[0].message
    b1_cluster = next(f.group for f in found if f.code == "keeper" and f.record_id == "b1")
    assert {f.group for f in cross} == {b1_cluster}


def test_findings_do_not_depend_on_how_records_are_batched() -> None:
    records = RECORDS * 3
    reference = {"old": [RECORDS[3]]}
    whole = scan(ExactDupCheck(references=reference), records)
    assert len(whole) == 3 + 15 + 3  # keepers, duplicates, matches of the reference
    for size in (1, 4, 5):
        assert scan(ExactDupCheck(references=reference), records, batch_size=size) == whole
