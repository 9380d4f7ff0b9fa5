"""Lint finds the defects a trainer would see in one record, and stays quiet on clean ones."""

# ruff: noqa: RUF001  (the texts are meant to hold look-alike non-ASCII characters)

from __future__ import annotations

from typing import Any

import pytest

from mentor.errors import ConfigError
from mentor.qa.checks.lint import LintCheck, LintConfig
from mentor.qa.findings import Finding
from mentor.records import Record, validate
from tests.qa.harness import scan


def sft(rid: str, *turns: tuple[str, str], **extra: Any) -> Record:
    return {"id": rid, "kind": "sft", "messages": [{"role": r, "content": c} for r, c in turns]}


def chat(rid: str, user: str, assistant: str) -> Record:
    return validate(sft(rid, ("user", user), ("assistant", assistant)))


CLEAN: list[Record] = [
    validate(
        sft(
            "clean-sft",
            ("system", "You are a helpful, honest assistant."),
            ("user", "How do I reverse a list in Python?"),
            ("assistant", "Use slicing: `items[::-1]` returns a reversed copy."),
            ("user", "And in place?"),
            ("assistant", "Call `items.reverse()`; it returns None and changes the list."),
        )
    ),
    validate(
        {
            "id": "clean-pref",
            "kind": "preference",
            "prompt": "Name a primary colour.",
            "chosen": "Red is a primary colour.",
            "rejected": "Green, I think?",
            "margin": 2,
        }
    ),
    validate(
        {
            "id": "clean-rank",
            "kind": "ranking",
            "prompt": "Explain recursion in one sentence.",
            "responses": [
                [{"role": "assistant", "content": "A function calling itself on smaller inputs."}],
                [{"role": "assistant", "content": "A loop."}],
            ],
            "ranking": [0, 1],
        }
    ),
    validate(
        {
            "id": "clean-rating",
            "kind": "rating",
            "prompt": "Translate 'merci' to English.",
            "response": "Thank you.",
            "scores": {"accuracy": 5, "fluency": 4},
        }
    ),
    chat(
        "clean-fr", "Où est la gare ?", "La gare est à deux rues d’ici, après le café « Chez Léa »."
    ),
    chat("clean-ru", "Как дела?", "Всё хорошо, спасибо! 👨‍👩‍👧 А у вас?"),
    chat("clean-zh", "今天天气怎么样？", "今天是晴天，气温二十度。"),
    chat(
        "clean-code",
        "Print hello in Python.",
        "Here you go:\n\n```python\nprint('hello & goodbye')\n```",
    ),
    chat(
        "clean-list",
        "What should I pack for a weekend hike in the mountains with changing weather?",
        "Pack layers so you can adapt as the weather changes through the day:\n\n"
        "- a waterproof shell and a warm fleece for the evenings\n"
        "- sturdy boots that are already broken in\n"
        "- a map, a charged phone and a small first-aid kit\n"
        "- water, snacks and sun cream",
    ),
    validate(
        {
            "id": "clean-tools",
            "kind": "sft",
            "messages": [
                {"role": "user", "content": "What's the weather in Paris?"},
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call-1",
                            "type": "function",
                            "function": {"name": "weather", "arguments": '{"city": "Paris"}'},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "call-1", "content": '{"temp_c": 18}'},
                {"role": "assistant", "content": "It is 18 °C in Paris right now."},
            ],
        }
    ),
]


def codes(found: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.record_id, f.code, f.severity) for f in found]


def test_clean_records_give_no_findings() -> None:
    assert scan(LintCheck(), CLEAN) == []


def test_schema_violation_names_the_field() -> None:
    bad = sft("bad-role", ("user", "Hi"), ("robot", "Beep."))
    [finding] = scan(LintCheck(), [bad])
    assert (finding.code, finding.severity) == ("schema", "high")
    assert "messages[1].role" in finding.message
    assert "robot" in finding.message
    assert finding.evidence == "messages[1].role"


@pytest.mark.parametrize(
    ("record", "config", "expected"),
    [
        (
            {"kind": "ranking", "prompt": "Q?", "responses": [[], []], "ranking": [0, 0]},
            LintConfig(),
            "ranking",
        ),
        (
            {"kind": "preference", "prompt": "Q?", "chosen": "A.", "rejected": "B.", "margin": -1},
            LintConfig(),
            "negative margin",
        ),
        (
            {"kind": "preference", "prompt": "Q?", "chosen": "Same.", "rejected": " same. "},
            LintConfig(),
            "same response",
        ),
        (
            {"kind": "rating", "prompt": "Q?", "response": "A.", "scores": {"help": 7}},
            LintConfig(rating_scale=(1, 5)),
            "outside the scale 1..5",
        ),
    ],
)
def test_wrong_label_values(record: Record, config: LintConfig, expected: str) -> None:
    [finding] = scan(LintCheck(config), [{"id": "r", **record}])
    assert (finding.code, finding.severity) == ("bad-label", "high")
    assert expected in finding.message


def test_scores_are_unchecked_without_a_scale() -> None:
    rec = {"id": "r", "kind": "rating", "prompt": "Q?", "response": "A.", "scores": {"help": 7}}
    assert scan(LintCheck(), [rec]) == []


def test_empty_and_whitespace_turns() -> None:
    found = scan(LintCheck(), [chat("e", "Tell me a joke.", "  \n\t ")])
    [finding] = [f for f in found if f.code == "empty-turn"]
    assert finding.severity == "high"
    assert finding.span is not None
    assert (finding.span.field, finding.span.start, finding.span.end) == (
        "messages[1].content",
        0,
        5,
    )


LONG = "The migration guide explains how to move the configuration files " * 4


@pytest.mark.parametrize(
    ("answer", "severity", "reason"),
    [
        ("Run this:\n\n```bash\npip install mentor\n", "medium", "unclosed code fence"),
        ("You should check the logs and", "medium", "mid-sentence on 'and'"),
        ("The answer depends on the", "medium", "mid-sentence on 'the'"),
        ("Let me think about that...", "low", "ellipsis"),
        (LONG.strip(), "low", "without closing punctuation"),
        (LONG + "and then,", "low", "without closing punctuation"),
    ],
)
def test_truncated_responses(answer: str, severity: str, reason: str) -> None:
    [finding] = scan(LintCheck(), [chat("t", "How do I install it?", answer)])
    assert (finding.code, finding.severity) == ("truncated", severity)
    assert reason in finding.message
    assert finding.span is not None and finding.span.field == "messages[1].content"
    assert finding.span.end == len(answer.rstrip())


def test_short_answers_and_vitamin_a_are_not_truncated() -> None:
    records = [
        chat("1", "Which vitamin is in carrots?", "Vitamin A"),
        chat("2", "Say something.", "Okay"),
        chat("3", "Quote the title.", "Bean There, Done That"),
    ]
    assert scan(LintCheck(), records) == []


def test_a_truncated_earlier_turn_in_a_prompt_matters_less() -> None:
    rec = {
        "id": "p",
        "kind": "preference",
        "prompt": [
            {"role": "user", "content": "Tell me about cats."},
            {"role": "assistant", "content": "Cats are small carnivores and"},
            {"role": "user", "content": "Go on."},
        ],
        "chosen": "They sleep a lot.",
        "rejected": "No.",
    }
    [finding] = scan(LintCheck(), [rec])
    assert (finding.code, finding.severity) == ("truncated", "low")
    assert finding.span is not None and finding.span.field == "prompt[1].content"


@pytest.mark.parametrize(
    ("turns", "problem", "field"),
    [
        ([("user", "Hi."), ("user", "Hello?"), ("assistant", "Hi!")], "two user", "messages[1]"),
        ([("assistant", "Hello!"), ("user", "Hi."), ("assistant", "Ok.")], "speaks", "messages[0]"),
        (
            [("user", "Hi."), ("system", "Be brief."), ("assistant", "Hi.")],
            "system message after",
            "messages[1]",
        ),
        ([("user", "Weather?"), ("tool", "18C"), ("assistant", "18C.")], "tool", "messages[1]"),
        (
            [("user", "Hi."), ("assistant", "Hello."), ("user", "Bye.")],
            "ends on a user",
            "messages[2]",
        ),
    ],
)
def test_broken_role_order(turns: list[tuple[str, str]], problem: str, field: str) -> None:
    found = [f for f in scan(LintCheck(), [sft("o", *turns)]) if f.code == "role-order"]
    assert len(found) == 1, found
    assert found[0].severity == "medium"
    assert problem in found[0].message
    assert found[0].span is not None and found[0].span.field == f"{field}.role"


def test_a_prompt_problem_is_reported_once_not_per_response() -> None:
    rec = {
        "id": "rank",
        "kind": "ranking",
        "prompt": [{"role": "user", "content": "Hi."}, {"role": "user", "content": "Hi?"}],
        "responses": [[{"role": "assistant", "content": t}] for t in ("Hello.", "Hey.", "Hi.")],
        "ranking": [0, 1, 2],
    }
    assert codes(scan(LintCheck(), [rec])) == [("rank", "role-order", "medium")]


def test_duplicate_consecutive_turns() -> None:
    rec = sft("d", ("user", "What is 2+2?"), ("assistant", "4."), ("assistant", "4."))
    found = scan(LintCheck(), [rec])
    assert ("d", "duplicate-turn", "medium") in codes(found)
    [dup] = [f for f in found if f.code == "duplicate-turn"]
    assert dup.span is not None and dup.span.field == "messages[2].content"


def test_over_long_records_by_estimated_tokens_and_characters() -> None:
    rec = chat("long", "Summarise this: " + "word " * 400, "It repeats one word.")
    assert scan(LintCheck(), [rec]) == []
    [finding] = scan(LintCheck(LintConfig(max_tokens=100)), [rec])
    assert (finding.code, finding.severity) == ("too-long", "medium")
    assert "over the limit of 100" in finding.message
    [finding] = scan(LintCheck(LintConfig(max_tokens=None, max_chars=1000)), [rec])
    assert "2,036 characters" in finding.message


@pytest.mark.parametrize(
    ("text", "code", "debris"),
    [
        ("The cafÃ© was closed.", "mojibake", "Ã©"),
        ("It doesnâ€™t work.", "mojibake", "â€™"),
        ("Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "mojibake", "Ð¿"),
        ("The price is 5 \ufffd.", "replacement-char", "\ufffd"),
        ("Ring the bell\x07 now.", "control-char", "\x07"),
        ("pass\u200bword", "zero-width", "\u200b"),
        ("It&amp;#39;s fine.", "html-entity", "&amp;#39;"),
        ("Say &quot;hi&quot;.", "html-entity", "&quot;"),
    ],
)
def test_encoding_debris_with_exact_span(text: str, code: str, debris: str) -> None:
    found = scan(LintCheck(), [chat("enc", text, "Noted.")])
    [finding] = [f for f in found if f.code == code]
    assert finding.span is not None
    assert finding.span.field == "messages[0].content"
    assert text[finding.span.start : finding.span.end] == debris
    assert text.index(debris) == finding.span.start
    assert debris in finding.evidence


def test_repeated_debris_is_one_finding_with_a_count() -> None:
    [finding] = scan(LintCheck(), [chat("enc", "Ã© Ã¨ Ã´", "Noted.")])
    assert finding.code == "mojibake"
    assert "3 places" in finding.message


def test_ignored_codes_are_not_reported() -> None:
    rec = chat("i", "Hi.", "It doesnâ€™t work and")
    assert {f.code for f in scan(LintCheck(), [rec])} == {"mojibake", "truncated"}
    only = scan(LintCheck(LintConfig(ignore=frozenset({"truncated"}))), [rec])
    assert [f.code for f in only] == ["mojibake"]
    assert LintConfig(ignore="truncated, mojibake").ignore == {"truncated", "mojibake"}  # type: ignore[arg-type]


def test_bad_config_is_refused_with_the_known_codes() -> None:
    with pytest.raises(ConfigError, match=r"unknown code.*typo.*empty-turn"):
        LintConfig(ignore=frozenset({"typo"}))
    with pytest.raises(ConfigError, match="reversed"):
        LintConfig(rating_scale=(5, 1))


def test_findings_do_not_depend_on_how_records_are_batched() -> None:
    planted = [
        chat("a", "Hi.", "The answer is the"),
        sft("b", ("user", "x"), ("user", "y"), ("assistant", "z.")),
        chat("c", "cafÃ©", "   "),
        {"id": "d", "kind": "ranking", "prompt": "Q", "responses": ["a"], "ranking": [0]},
    ]
    records = [r for pair in zip(CLEAN, planted * 3, strict=False) for r in pair] + CLEAN
    whole = scan(LintCheck(), records)
    assert len(whole) == 12
    for size in (1, 3, 7):
        assert scan(LintCheck(), records, batch_size=size) == whole
