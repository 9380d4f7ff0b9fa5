"""Redaction: typed placeholders in texts and in the right fields of records."""

from __future__ import annotations

import copy

import pytest

from mentor.errors import InputError
from mentor.qa.checks.pii import scan_record
from mentor.qa.findings import Finding, Span
from mentor.qa.pii import Detection, find_pii
from mentor.qa.redact import redact, redact_record


def test_each_kind_gets_its_typed_placeholder() -> None:
    text = (
        "Mail ada@example.org or call +44 20 7946 0958; card 4111 1111 1111 1111, "
        "IBAN DE89370400440532013000, SSN 536-22-1234, NI AB 12 34 56 C, from 203.0.113.42, "
        "key AKIAQWERTYUI2345ASDF, db postgres://admin:S3cr3tPw!@db.example.com/app"
    )
    assert redact(text, find_pii(text)) == (
        "Mail <EMAIL> or call <PHONE>; card <CREDIT_CARD>, IBAN <IBAN>, SSN <SSN>, NI <NINO>, "
        "from <IP_ADDRESS>, key <SECRET>, db postgres://admin:<PASSWORD>@db.example.com/app"
    )


def test_overlapping_spans_become_one_placeholder_of_the_most_severe_kind() -> None:
    text = "user:hunter2x@db.example.com end"
    spans = [Detection("email", 5, 28), Detection("url-password", 5, 13)]
    assert redact(text, spans) == "user:<PASSWORD> end"
    nested = [Detection("phone", 0, 10), Detection("credit-card", 2, 6), Detection("email", 8, 14)]
    assert redact("0123456789abcdef", nested) == "<CREDIT_CARD>ef"


def test_adjacent_spans_stay_apart_and_empty_ones_are_ignored() -> None:
    spans = [Detection("email", 0, 3), Detection("phone", 3, 6), Detection("ssn", 7, 7)]
    assert redact("abcdefgh", spans) == "<EMAIL><PHONE>gh"
    assert redact("no pii here", []) == "no pii here"


def test_a_span_outside_the_text_is_refused() -> None:
    with pytest.raises(InputError, match="outside a text of 5 characters"):
        redact("short", [Detection("email", 2, 40)])


def _record() -> dict[str, object]:
    return {
        "id": "r1",
        "kind": "preference",
        "prompt": [
            {"role": "system", "content": "Be brief."},
            {
                "role": "user",
                "content": [
                    {"type": "image_url", "image_url": {"url": "https://example.org/a.png"}},
                    {"type": "text", "text": "I am ada@example.org, call 212-555-0199."},
                ],
            },
        ],
        "chosen": [{"role": "assistant", "content": "Your card 4111 1111 1111 1111 is noted."}],
        "rejected": [{"role": "assistant", "content": "No."}],
        "meta": {"source": "support"},
    }


def test_a_record_is_redacted_field_by_field_and_the_original_is_untouched() -> None:
    rec = _record()
    before = copy.deepcopy(rec)
    out = redact_record(rec, scan_record(rec))
    assert rec == before
    assert out["prompt"][1]["content"][1]["text"] == "I am <EMAIL>, call <PHONE>."
    assert out["chosen"][0]["content"] == "Your card <CREDIT_CARD> is noted."
    assert out["rejected"] is rec["rejected"]  # untouched parts are shared, not copied
    assert out["meta"] == {"source": "support"}
    assert scan_record(out) == []


def test_findings_of_other_checks_are_ignored() -> None:
    rec = _record()
    lint = Finding("r1", "lint", "empty-turn", "low", "empty", Span("chosen[0].content", 0, 4))
    assert redact_record(rec, [lint]) == rec


def test_findings_that_do_not_fit_the_record_are_refused() -> None:
    rec = _record()
    other = Finding("r2", "pii", "email", "medium", "", Span("chosen[0].content", 0, 4))
    with pytest.raises(InputError, match="record 'r2' was given for record 'r1'"):
        redact_record(rec, [other])
    missing = Finding("r1", "pii", "email", "medium", "", Span("chosen[3].content", 0, 4))
    with pytest.raises(InputError, match="no such field"):
        redact_record(rec, [missing])
    garbled = Finding("r1", "pii", "email", "medium", "", Span("chosen[0]..content", 0, 4))
    with pytest.raises(InputError, match="cannot read the field path"):
        redact_record(rec, [garbled])
    not_text = Finding("r1", "pii", "email", "medium", "", Span("chosen[0]", 0, 4))
    with pytest.raises(InputError, match="holds no text"):
        redact_record(rec, [not_text])
