"""Coverage: distributions a report can chart, and priority intents that are missing or thin."""

# ruff: noqa: RUF001  (the texts are meant to hold look-alike non-ASCII characters)

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mentor.errors import ConfigError, InputError
from mentor.qa.checks.coverage import CoverageCheck, CoverageConfig, read_priorities
from mentor.qa.language import detect, detect_all
from mentor.records import Record, validate
from tests.qa.harness import scan


def chat(rid: str, user: str, assistant: str = "Done.", **meta: Any) -> Record:
    messages = [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    return validate({"id": rid, "kind": "sft", "messages": messages, **meta})


RECORDS = [
    chat(
        "1", "How do I reset my password?", intent="password-reset", source="tickets", language="en"
    ),
    chat("2", "I was charged twice this month.", intent="billing", source="tickets"),
    chat("3", "Je voudrais annuler ma commande, s'il vous plaît.", intent="Billing", source="chat"),
    chat("4", "¿Cómo puedo cambiar la dirección de envío de mi pedido?", intent="shipping"),
    chat("5", "Wie kann ich mein Passwort zurücksetzen?", "x" * 2000, intent="password-reset"),
    chat("6", "Explain recursion in one sentence, please.", source="chat"),
]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("How do I reverse a list in Python?", "en"),
        ("Je voudrais réserver une table pour deux personnes ce soir.", "fr"),
        ("Wie spät ist es jetzt in Berlin?", "de"),
        ("¿Dónde está la estación de tren más cercana?", "es"),
        ("Qual é a capital do Brasil?", "pt"),
        ("Привет, как у тебя дела сегодня?", "ru"),
        ("今天天气怎么样？我们去公园吧。", "zh"),
        ("こんにちは、お元気ですか。", "ja"),
        ("12345 678", "und"),
        ("", "und"),
    ],
)
def test_language_is_detected_offline(text: str, language: str) -> None:
    assert detect(text) == language


HH = Path(__file__).resolve().parents[2] / "mentor/demo/hh-rlhf-harmless-base-test.jsonl.gz"


def _py3langid(texts: list[str], min_confidence: float) -> list[str]:
    """The answers of py3langid's own classifier, one text at a time, as detection documents."""
    langid = pytest.importorskip("py3langid.langid")
    model = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    out = []
    for text in texts:
        sample = text[:300]
        label, sure = model.classify(sample)
        wordless = sum(c.isalpha() for c in sample[:200]) < 3
        out.append("und" if wordless or sure < min_confidence or label == "zxx" else label)
    return out


def test_batched_detection_answers_as_py3langid_does() -> None:
    import gzip
    import json

    with gzip.open(HH, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line, _ in zip(lines, range(600), strict=False)]
    texts = [text for row in rows for text in (row["chosen"], row["rejected"][:60])]
    texts += [t.upper() for t in texts[:50]] + ["", "?!", "ok", "Ünïcödé", "\ud800 broken text"]
    texts += ["Wie kann ich mein Passwort zurücksetzen?", "今天天气怎么样？", "Привет, как дела?"]
    for min_confidence in (0.1, 0.6):
        found = detect_all(texts, min_confidence=min_confidence)
        assert found == _py3langid(texts, min_confidence)
        assert len(set(found)) > 3  # not one answer for everything
    assert [detect(t) for t in texts[:40]] == detect_all(texts[:40])  # alone or in a batch


def test_near_ties_are_settled_by_py3langid_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    import mentor.qa.language as language

    texts = ["Je voudrais une table.", "Wie spät ist es?", "hello there friend", "ok ok ok"]
    monkeypatch.setattr(language, "_CLOSE", 2.0)  # every text counts as a near-tie
    assert detect_all(texts) == _py3langid(texts, 0.1)


def test_distributions_by_intent_language_source_and_length() -> None:
    check = CoverageCheck()
    assert scan(check, RECORDS) == []
    summary = check.summary()
    assert summary.records == 6
    assert summary.intents == {
        "password-reset": 2,
        "(none)": 1,
        "Billing": 1,
        "billing": 1,
        "shipping": 1,
    }
    assert summary.languages == {"en": 3, "de": 1, "es": 1, "fr": 1}
    assert summary.detected_languages == 5
    assert summary.sources == {"(none)": 2, "chat": 2, "tickets": 2}
    assert summary.lengths == {"<256": 5, "256-1k": 0, "1k-4k": 1, "4k-16k": 0, ">=16k": 0}
    assert list(summary.intents.values()) == sorted(summary.intents.values(), reverse=True)


def test_detection_can_be_turned_off() -> None:
    check = CoverageCheck(CoverageConfig(detect_language=False))
    scan(check, RECORDS)
    assert check.summary().languages == {"und": 5, "en": 1}


def test_priority_intents_missing_or_below_their_minimum(tmp_path: Path) -> None:
    priorities = tmp_path / "priorities.txt"
    priorities.write_text(
        """# what this release must cover
billing: 2
password-reset 3  # a comment after it
refund request

shipping
"""
    )
    check = CoverageCheck(CoverageConfig(priorities=priorities))
    found = scan(check, RECORDS)
    assert [(f.group, f.code, f.severity, f.record_id) for f in found] == [
        ("password-reset", "intent-below-minimum", "medium", ""),
        ("refund request", "intent-missing", "high", ""),
    ]
    assert found[0].message == "priority intent 'password-reset' has 2 record(s); 3 wanted"
    assert found[0].evidence == "2/3"
    coverage = {c.intent: (c.count, c.minimum, c.met) for c in check.summary().priorities}
    assert coverage == {
        "billing": (2, 2, True),
        "password-reset": (2, 3, False),
        "refund request": (0, 1, False),
        "shipping": (1, 1, True),
    }


@pytest.mark.parametrize(
    "content",
    [
        "- billing\n- refund request\n",
        "billing:\nrefund request: 1\n",
        "- intent: billing\n  min: 1\n- {intent: refund request}\n",
    ],
)
def test_priority_files_in_yaml(tmp_path: Path, content: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(content)
    assert [(p.intent, p.minimum) for p in read_priorities(path)] == [
        ("billing", 1),
        ("refund request", 1),
    ]
    found = scan(CoverageCheck(CoverageConfig(priorities=str(path))), RECORDS)
    assert [(f.group, f.code) for f in found] == [("refund request", "intent-missing")]


def test_bad_priority_files_say_where(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nowhere\.txt"):
        CoverageCheck(CoverageConfig(priorities=tmp_path / "nowhere.txt"))
    bad = tmp_path / "bad.txt"
    bad.write_text("billing\nrefunds -5\n")
    with pytest.raises(InputError, match=r"bad.txt:2.*whole number"):
        read_priorities(bad)
    twice = tmp_path / "twice.txt"
    twice.write_text("billing\nBilling 3\n")
    with pytest.raises(InputError, match="listed twice"):
        read_priorities(twice)
    broken = tmp_path / "broken.yaml"
    broken.write_text("[billing\n")
    with pytest.raises(InputError, match="not valid YAML"):
        read_priorities(broken)
    with pytest.raises(ConfigError, match="increasing"):
        CoverageConfig(length_buckets=(100, 50))


def test_results_do_not_depend_on_how_records_are_batched(tmp_path: Path) -> None:
    priorities = tmp_path / "p.txt"
    priorities.write_text("billing 7\nshipping\nrefunds\n")
    config = CoverageConfig(priorities=priorities)
    records = RECORDS * 3
    whole = CoverageCheck(config)
    found = scan(whole, records)
    assert len(found) == 2
    for size in (1, 4):
        check = CoverageCheck(config)
        assert scan(check, records, batch_size=size) == found
        assert check.summary() == whole.summary()
