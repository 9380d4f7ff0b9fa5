"""The PII check: each kind found at its exact span, look-alikes left alone, evidence masked."""

from __future__ import annotations

import base64
import pickle
import sys
from pathlib import Path

import orjson
import pytest

from mentor.errors import ConfigError
from mentor.qa.checks.base import Check
from mentor.qa.checks.pii import PiiCheck, PiiConfig, scan_record
from mentor.qa.findings import Span
from mentor.qa.pii import find_pii, mask
from mentor.qa.pii import ner as ner_module
from mentor.qa.pii.kinds import KINDS


def _jwt() -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(orjson.dumps(obj)).decode().rstrip("=")

    header = part({"alg": "HS256", "typ": "JWT"})
    return f"{header}.{part({'sub': '1234567890', 'name': 'Ada'})}.Sfl4xwRJSMeKKF2QT4fwpMeJf36POk6y"


PRIVATE_KEY = (
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7bq98sdfLKJ3lkj4LKJ3l4kj3LK4j3lk4j3lkj\n"
    "Qm9ndXNLZXlGb3JUZXN0aW5nT25seU5vdEFSZWFsS2V5QXRBbGw=\n-----END RSA PRIVATE KEY-----"
)

# (kind, value, text around it): the value must be found, alone, at exactly its place.
FOUND = [
    ("email", "ada.lovelace@example.org", "Write to {} today."),
    ("email", "j.doe+news@mail.co.uk", "<{}>"),
    ("phone", "(212) 555-0199", "Call me at {} tonight."),
    ("phone", "212-555-0199", "Tel: {}"),
    ("phone", "+1-212-555-0199", "Office {}, ask for Anna."),
    ("phone", "+44 20 7946 0958", "London office: {}."),
    ("phone", "+44(0)20 7946 0958", "{} is the front desk."),
    ("phone", "020 7946 0958", "Ring {} after six."),
    ("phone", "+33 1 42 68 53 00", "Paris: {}"),
    ("phone", "030 12345678", "Telefon {}"),
    ("phone", "3420837783", "Call me at {}."),  # bare digits: counted after "call"
    ("phone", "+919141777631", "WhatsApp {}"),
    ("credit-card", "4111 1111 1111 1111", "Card {} exp 12/27."),
    ("credit-card", "4111-1111-1111-1111", "Charge {} please."),
    ("credit-card", "5555555555554444", "I paid with {} yesterday."),
    ("credit-card", "3782 822463 10005", "Amex {}."),
    ("iban", "DE89370400440532013000", "IBAN: {}"),
    ("iban", "GB82 WEST 1234 5698 7654 32", "Please transfer to {} by Friday."),
    ("iban", "FR1420041010050500013M02606", "Account {}."),
    ("ssn", "536-22-1234", "SSN {}"),
    ("ssn", "536221234", "my social security number is {}"),
    ("nino", "AB 12 34 56 C", "NI number {}."),
    ("nino", "JG103759A", "National Insurance: {}"),
    ("ip-address", "203.0.113.42", "Login from {} was blocked."),
    ("ip-address", "2001:db8:85a3::8a2e:370:7334", "IPv6 {} is up."),
    ("aws-access-key", "AKIAQWERTYUI2345ASDF", "export AWS_ACCESS_KEY_ID={}"),
    ("aws-secret-key", "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", "aws_secret_access_key = {}"),
    ("github-token", "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5", "token: {}"),
    ("slack-token", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "SLACK={}"),
    ("google-api-key", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", 'key="{}"'),
    ("openai-key", "sk-proj-abcDEF123ghiJKL456mnoPQR789stuVWX", "OPENAI_API_KEY={}"),
    ("anthropic-key", "sk-ant-api03-" + "aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW" * 3, "key {}"),
    ("stripe-key", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Stripe: {}"),
    ("jwt", _jwt(), "Authorization: Bearer {}"),
    ("private-key", PRIVATE_KEY, "Here is my key:\n{}\nthanks"),
    ("url-password", "S3cr3tPw!", "postgres://admin:{}@db.example.com:5432/app"),
]


@pytest.mark.parametrize(("kind", "value", "template"), FOUND, ids=[f[0] for f in FOUND])
def test_each_kind_is_found_at_its_exact_span(kind: str, value: str, template: str) -> None:
    text = template.format(value)
    start = text.index(value)
    found = [(d.code, d.start, d.end) for d in find_pii(text)]
    assert found == [(kind, start, start + len(value))]


LOOK_ALIKES = [
    "Your order 4839201934 has shipped.",
    "Order #4111111111111111 is ready for pickup.",
    "Request id 123e4567-e89b-12d3-a456-426614174000 failed.",
    "Released in version 4.2.1.7; upgrade to v2.13.0 first.",
    "Chrome 119.0.6045.105 and build 10.0.19045.3693 are installed.",
    "It happened on 2024-03-15 at 12:30:45, logged 2024-03-15T12:30:45Z.",
    "Due 15/03/2024, paid 03.15.2024.",
    "ISBN 978-3-16-148410-0 is out of print; see 978-0-306-40615-7.",
    "commit 3f78685 fixed it; sha1 f8ca8f39ab767b36120e605653b524cdaa7c005a.",
    "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "timestamp 1700000000 and created_at=1700000000123",
    "Tracking number: 1Z999AA10123456784.",
    "Package 9400 1000 0000 0000 0000 00 is out for delivery.",
    "FedEx tracking 123456789012 shows a delay.",
    "The answer is 3420837783.",
    "Total: $1,299.99 for 12 500 units at 3.14159265 each.",
    "MAC 00:1A:2B:3C:4D:5E, time 12:30:45, std::vector<int>.",
    "Use AKIAIOSFODNN7EXAMPLE as the access key in the docs.",
    "Set OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx before running.",
    "Connect with postgresql://user:password@localhost:5432/app locally.",
    "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app",
    "See icon@2x.png and logo@3x.svg.",
    "Card 4111 1111 1111 1112 fails its checksum.",
    "IBAN DE89370400440532013001 has a bad checksum.",
    "SSN 000-12-3456, 666-12-3456 and 912-34-5678 are never issued.",
    "NI number GB 12 34 56 C is not allocated.",
    "Address 999.168.1.1 is no IP; nor is 192.168.1.",
    "Loopback 127.0.0.1 and 0.0.0.0 identify no one.",
    "Population 8 336 817 in 2024.",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_not_pii(text: str) -> None:
    assert find_pii(text) == []


def test_a_url_password_is_not_also_an_email() -> None:
    text = "postgres://admin:S3cr3tPw!@db.example.com/app and ada@example.org"
    codes = [(d.code, text[d.start : d.end]) for d in find_pii(text)]
    assert codes == [("url-password", "S3cr3tPw!"), ("email", "ada@example.org")]


def test_a_disabled_kind_still_keeps_its_digits_from_other_kinds() -> None:
    text = "IBAN GB82 WEST 1234 5698 7654 32, call 212-555-0199."
    found = find_pii(text, kinds=frozenset({"phone"}))
    assert [text[d.start : d.end] for d in found] == ["212-555-0199"]


@pytest.mark.parametrize(("kind", "value", "template"), FOUND, ids=[f[0] for f in FOUND])
def test_evidence_never_repeats_the_value(kind: str, value: str, template: str) -> None:
    shown = mask(kind, value)
    assert value not in shown
    assert shown.count("*") >= 3 or "…" in shown


def test_evidence_keeps_what_a_person_needs_to_recognise_it() -> None:
    assert mask("credit-card", "4111 1111 1111 1234") == "**** **** **** 1234"
    assert mask("email", "ada.lovelace@example.org") == "a***@e***.org"
    assert mask("phone", "+44 20 7946 0958") == "+** ** **** **58"
    assert mask("iban", "GB82WEST12345698765432") == "GB******************32"
    assert mask("github-token", "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5") == "ghp_… (40 chars)"
    assert mask("private-key", PRIVATE_KEY).startswith("-----BEGIN RSA PRIVATE KEY----- …")


def _preference(prompt: str, chosen: str) -> dict[str, object]:
    return {
        "id": "r1",
        "kind": "preference",
        "prompt": [{"role": "user", "content": prompt}],
        "chosen": [{"role": "assistant", "content": chosen}],
        "rejected": [{"role": "assistant", "content": "No."}],
    }


def test_the_check_reports_kind_severity_span_and_masked_evidence() -> None:
    rec = _preference(
        "My card is 4111 1111 1111 1111.", "Mail ada@example.org, key AKIAQWERTYUI2345ASDF"
    )
    findings = PiiCheck().prepare([rec])
    assert [(f.code, f.severity, f.span) for f in findings] == [
        ("credit-card", "high", Span("prompt[0].content", 11, 30)),
        ("email", "medium", Span("chosen[0].content", 5, 20)),
        ("aws-access-key", "critical", Span("chosen[0].content", 26, 46)),
    ]
    assert all(f.check == "pii" and f.record_id == "r1" for f in findings)
    assert findings[0].message == "credit card number (Visa) in prompt[0].content"
    assert findings[0].evidence == "**** **** **** 1111"
    assert "AKIAQWERTYUI2345ASDF" not in findings[2].evidence


def test_content_parts_are_scanned_with_their_field_path() -> None:
    rec = {
        "id": "r2",
        "kind": "sft",
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "IP 203.0.113.42"}]},
            {"role": "assistant", "content": "Noted."},
        ],
    }
    (finding,) = scan_record(rec)
    assert (finding.code, finding.severity) == ("ip-address", "low")
    assert finding.span == Span("messages[0].content[0].text", 3, 15)


def test_the_check_follows_the_protocol_and_its_results_cross_processes() -> None:
    check = PiiCheck(PiiConfig(kinds=frozenset({"email"})))
    assert isinstance(check, Check)
    prepared = check.prepare([_preference("ada@example.org 212-555-0199", "ok")])
    assert [f.code for f in pickle.loads(pickle.dumps(prepared))] == ["email"]
    assert check.absorb(prepared) == prepared
    assert check.finish() == []
    assert pickle.loads(pickle.dumps(check)).config == check.config


def test_options_from_the_command_line_are_read_and_checked() -> None:
    config = PiiConfig(kinds="email, phone", regions="gb,de")  # type: ignore[arg-type]
    assert config.kinds == frozenset({"email", "phone"})
    assert config.regions == ("GB", "DE")
    with pytest.raises(ConfigError, match=r"unknown PII kind.*emial"):
        PiiConfig(kinds=frozenset({"emial"}))


def test_every_kind_has_a_severity_and_a_typed_placeholder() -> None:
    for kind in KINDS.values():
        assert kind.placeholder.startswith("<") and kind.placeholder.endswith(">")
    assert {KINDS[k].severity for k in ("aws-access-key", "private-key", "url-password")} == {
        "critical"
    }
    assert KINDS["ip-address"].severity == "low"


def test_names_and_places_come_from_a_spacy_pipeline(tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PERSON", "pattern": [{"LOWER": "ada"}, {"LOWER": "lovelace"}]},
            {"label": "GPE", "pattern": "London"},
        ]
    )
    nlp.to_disk(tmp_path / "pipeline")
    rec = _preference("Ada Lovelace lives in London, ada@example.org", "ok")
    config = PiiConfig(ner=True, ner_model=str(tmp_path / "pipeline"))
    found = [(f.code, f.severity, f.span) for f in scan_record(rec, config)]
    assert found == [
        ("person", "medium", Span("prompt[0].content", 0, 12)),
        ("location", "low", Span("prompt[0].content", 22, 28)),
        ("email", "medium", Span("prompt[0].content", 30, 45)),
    ]
    assert scan_record(rec) == [f for f in scan_record(rec, config) if f.code == "email"]


def test_ner_without_the_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # as if spaCy were not installed
    monkeypatch.setattr(ner_module, "_PIPELINES", {})
    with pytest.raises(ConfigError, match=r"pip install 'mentor\[ner\]'"):
        scan_record(_preference("Ada Lovelace", "ok"), PiiConfig(ner=True))


def test_ner_with_a_missing_model_names_it() -> None:
    pytest.importorskip("spacy")
    with pytest.raises(ConfigError, match=r"no-such-pipeline.*spacy download"):
        ner_module.load("no-such-pipeline")
