"""Contamination: training records that contain evaluation items, reported per eval item."""

# ruff: noqa: RUF001  (the texts are meant to hold look-alike non-ASCII characters)

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentor.errors import ConfigError
from mentor.qa import ngrams
from mentor.qa.checks.contamination import (
    ContaminationCheck,
    ContaminationConfig,
    prompt_items,
)
from mentor.records import Record, validate
from tests.qa.harness import scan


def chat(rid: str, user: str, assistant: str = "Sure.") -> Record:
    messages = [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    return validate({"id": rid, "kind": "sft", "messages": messages})


LEAK = (
    "A train leaves Boston at 9 am travelling west at 60 miles per hour while a second train "
    "leaves Chicago at 10 am travelling east at 75 miles per hour; at what time do they meet "
    "if the cities are 1000 miles apart?"
)
OTHER = (
    "Write a short poem about the sea at night, mentioning the moon, the lighthouse and the "
    "sound of waves breaking on the rocks below the old harbour wall."
)
EVALS = {"math-suite": [("trains-1", LEAK), ("poem-2", OTHER), ("tiny", "Hi there")]}
CLEAN = [
    chat("c1", "How do I reverse a list in Python?", "Use slicing: items[::-1]."),
    chat("c2", "Tell me about trains in Boston.", "The MBTA runs commuter rail lines."),
]


def test_a_record_containing_an_eval_item_is_reported_with_span_and_share() -> None:
    passage = LEAK[: LEAK.index("; at what")]
    text = f"Solve this for me please. {passage}. Thanks!"
    found = scan(ContaminationCheck(EVALS), [*CLEAN, chat("leaky", text)])
    [finding] = found
    assert (finding.record_id, finding.check, finding.code) == (
        "leaky",
        "contamination",
        "eval-overlap",
    )
    assert finding.group == "math-suite:trains-1"
    assert finding.span is not None and finding.span.field == "messages[0].content"
    assert text[finding.span.start : finding.span.end] == passage
    assert finding.evidence == passage
    # The passage has 30 of the item's 43 words, so 30 - 12 of its 43 - 12 13-grams.
    assert (len(ngrams.words(passage)), len(ngrams.words(LEAK))) == (30, 43)
    assert "shares 18 of 31 13-grams (58%)" in finding.message
    assert finding.severity == "high"


def test_case_punctuation_and_unicode_forms_do_not_hide_a_leak() -> None:
    disguised = unicodedata.normalize("NFD", LEAK.upper().replace(" ", "  ").replace("?", " !!"))
    found = scan(ContaminationCheck(EVALS), [chat("x", "q", disguised)])
    assert [(f.record_id, f.group, f.severity) for f in found] == [
        ("x", "math-suite:trains-1", "high")
    ]
    assert "shares 31 of 31 13-grams (100%)" in found[0].message
    assert found[0].span is not None and found[0].span.field == "messages[1].content"


def test_one_shared_13_gram_is_enough_by_default_and_thresholds_raise_the_bar() -> None:
    words = OTHER.split()
    text = "Unrelated words first. " + " ".join(words[5:18]) + " and then something else."
    [finding] = scan(ContaminationCheck(EVALS), [chat("one", text)])
    assert "shares 1 of 16 13-grams (6%)" in finding.message
    assert finding.severity == "medium"
    strict = ContaminationConfig(min_fraction=0.5)
    assert scan(ContaminationCheck(EVALS, strict), [chat("one", text)]) == []
    assert scan(ContaminationCheck(EVALS, ContaminationConfig(n=14)), [chat("one", text)]) == []


def test_short_items_are_matched_whole_and_tiny_ones_are_skipped() -> None:
    evals = {"s": [("short", "What is the boiling point of water at sea level?"), ("t", "Hi")]}
    check = ContaminationCheck(evals)
    assert check.skipped == ["s:t"]
    rec = chat("r", "Quiz: what is the boiling point of water at sea level? Answer below.")
    [finding] = scan(check, [rec, chat("r2", "Hi, what is the boiling point of milk?")])
    assert finding.record_id == "r"
    assert "contains the whole 10-word eval item 'short'" in finding.message


def test_an_n_gram_split_across_two_turns_does_not_count() -> None:
    words = LEAK.split()
    rec = chat("split", " ".join(words[:10]), " ".join(words[10:20]))
    assert scan(ContaminationCheck(EVALS), [rec]) == []


def test_every_eval_item_a_record_overlaps_is_its_own_finding() -> None:
    rec = chat("both", LEAK, OTHER)
    found = scan(ContaminationCheck(EVALS), [rec])
    assert [(f.group, f.span.field if f.span else None) for f in found] == [
        ("math-suite:trains-1", "messages[0].content"),
        ("math-suite:poem-2", "messages[1].content"),
    ]


def test_another_datasets_prompts_serve_as_an_eval_set() -> None:
    suite = [chat("case-1", LEAK), chat("case-2", OTHER)]
    check = ContaminationCheck({"regression@v3": prompt_items(suite)})
    [finding] = scan(check, [*CLEAN, chat("t", "Please answer: " + OTHER)])
    assert finding.group == "regression@v3:case-2"


def test_non_latin_text_is_matched() -> None:
    item = "Какая самая длинная река в Европе и через какие страны она протекает до впадения в море"
    check = ContaminationCheck({"ru": [("river", item)]})
    [finding] = scan(check, [chat("r", "Вопрос: " + item.upper() + "?")])
    assert finding.group == "ru:river"
    assert "shares 4 of 4" in finding.message


def test_findings_do_not_depend_on_how_records_are_batched() -> None:
    records = [*CLEAN, chat("leaky", LEAK), *CLEAN, chat("both", LEAK, OTHER), *CLEAN] * 2
    whole = scan(ContaminationCheck(EVALS), records)
    assert [f.record_id for f in whole] == ["leaky", "both", "both"] * 2
    for size in (1, 2, 5):
        assert scan(ContaminationCheck(EVALS), records, batch_size=size) == whole


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ConfigError, match="at least 1"):
        ContaminationConfig(n=0)
    with pytest.raises(ConfigError, match="between 0 and 1"):
        ContaminationConfig(min_fraction=1.5)


def test_words_are_normalised_and_hashed_alike_in_bulk_and_alone() -> None:
    texts = ["Hello, World! hello", "", "Café cafe\u0301 हिन्दी ＡＢＣ Straße", "---"]
    assert ngrams.words(texts[0]) == ["hello", "world", "hello"]
    assert ngrams.words(texts[2]) == ["café", "café", "हिन्दी", "abc", "strasse"]
    for text in texts:
        assert [text[a:b] for a, b in ngrams.word_spans(text)] != [] or not ngrams.words(text)
        assert len(ngrams.word_spans(text)) == len(ngrams.words(text))
    bulk = ngrams.hash_words(texts)
    assert bulk.offsets.tolist() == [0, 3, 3, 8, 8]
    one = [ngrams.hash_words([w]).hashes[0] for t in texts for w in ngrams.words(t)]
    assert bulk.hashes.tolist() == [int(h) for h in one]
    assert bulk.hashes[0] == bulk.hashes[2] != bulk.hashes[1]
    assert bulk.hashes[3] == bulk.hashes[4]
    assert len(np.unique(ngrams.shingles("a b c d e", 3))) == 3
    assert len(ngrams.shingles("a b", 3)) == 1


def test_han_and_kana_count_a_character_as_a_word() -> None:
    assert ngrams.words("今天天气怎么样？") == ["今", "天", "天", "气", "怎", "么", "样"]
    item = "床前明月光，疑是地上霜。举头望明月，低头思故乡。"
    check = ContaminationCheck({"poems": [("li-bai", item)]})
    [finding] = scan(check, [chat("t", "请背诵：" + item)])
    assert "shares 8 of 8 13-grams" in finding.message
    assert finding.evidence == item[:-1]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=5))
def test_any_text_hashes_the_same_alone_or_in_bulk_with_a_span_per_word(texts: list[str]) -> None:
    bulk = ngrams.hash_words(texts)
    for i, text in enumerate(texts):
        alone = ngrams.hash_words([text]).hashes.tolist()
        assert bulk.hashes[bulk.offsets[i] : bulk.offsets[i + 1]].tolist() == alone
        spans = ngrams.word_spans(text)
        assert len(spans) == len(ngrams.words(text)) == len(alone)
        assert all(0 <= a <= b <= len(text) for a, b in spans)
