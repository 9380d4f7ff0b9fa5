"""How the PII scanner finds numbers: runs of digits, IBAN/NI openings, emails by their "@",
phone numbers validated against the numbering plans without `phonenumbers.parse`."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from phonenumbers import PhoneNumber

from mentor.qa.pii import find_pii, mask
from mentor.qa.pii.numbering import valid_for_region, valid_number
from mentor.qa.pii.validators import iban, luhn


def _found(text: str) -> list[tuple[str, str]]:
    return [(d.code, text[d.start : d.end]) for d in find_pii(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Two capitals before a run of digits open no IBAN or NI number here: the run is
        # still searched from its first digit.
        ("IP 203.0.113.42 was blocked.", [("ip-address", "203.0.113.42")]),
        ("SSN 536-22-1234 on file.", [("ssn", "536-22-1234")]),
        # Digits glued to letters start no number; a number after them still counts.
        ("SKU4111111111111111 is ours.", []),
        ("AB123456789 and 536-22-1234", [("ssn", "536-22-1234")]),
        ("Order12 212-555-0199", [("phone", "212-555-0199")]),
        # An extension belongs to the phone number it follows.
        ("Call (212) 555-0199 ext. 42 today.", [("phone", "(212) 555-0199 ext. 42")]),
        # Where candidates overlap, the more specific one is all that is reported.
        ("Card 4111 1111 1111 1111.", [("credit-card", "4111 1111 1111 1111")]),
        (
            "IBAN GB82 WEST 1234 5698 7654 32, call 212-555-0199.",
            [("iban", "GB82 WEST 1234 5698 7654 32"), ("phone", "212-555-0199")],
        ),
        (
            "NI AB 12 34 56 C and DE89370400440532013000",
            [("nino", "AB 12 34 56 C"), ("iban", "DE89370400440532013000")],
        ),
    ],
)
def test_numbers_next_to_letters_and_to_each_other(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize("before", ["Call", "Café: call", "カフェ: call", "Ring ☎"])
def test_texts_in_any_script_are_searched_alike(before: str) -> None:
    # Latin-1 text is searched through its bytes, other text by the patterns themselves.
    text = f"{before} +44 20 7946 0958 or 212-555-0199, IBAN DE89370400440532013000."
    assert _found(text) == [
        ("phone", "+44 20 7946 0958"),
        ("phone", "212-555-0199"),
        ("iban", "DE89370400440532013000"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A run of digits is taken from its first digit, whatever letters of "ext" or
        # separators stand around it.
        ("Meet at 212-555-0199 tonight", ["212-555-0199"]),
        ("Text: 212-555-0199, text me", ["212-555-0199"]),
        ("Call - (212) 555-0199 x12 - today", ["(212) 555-0199 x12"]),
        (
            "Call +44 20 7946 0958 ext. 7 or 212-555-0199 ext 8.",
            ["+44 20 7946 0958 ext. 7", "212-555-0199 ext 8"],
        ),
    ],
)
def test_runs_of_digits_between_words(text: str, expected: list[str]) -> None:
    assert _found(text) == [("phone", number) for number in expected]


@pytest.mark.parametrize("script", ["", "Café: ", "カフェ: "])
@pytest.mark.parametrize(
    ("said", "phone"),
    [
        ("My number is", True),  # a bare "number" means a phone ...
        ("Ticket number", False),  # ... unless a word before it says more
        ("Ticket 5, number", True),  # (not one before the last digit)
        ("Order no.", False),
        ("Tel. No.", True),
        ("Call me at home on", True),
        ("Call me, I am home on", False),  # five words after the keyword are too many
        ("ship_phone:", True),
        ("hotel", False),  # "tel" inside a word says nothing
        ("Phone: #", False),
    ],
)
def test_the_words_before_a_number_say_what_it_is(script: str, said: str, phone: bool) -> None:
    # ASCII text is read by one search from its end, other text word by word: alike.
    text = f"{script}{said} 3420837783"
    assert _found(text) == ([("phone", "3420837783")] if phone else [])


def test_emails_are_found_around_each_at_sign() -> None:
    text = "Write a@x.io, b@y.io or c.d@z.co.uk (not user:pw@localhost:5432)."
    assert _found(text) == [("email", "a@x.io"), ("email", "b@y.io"), ("email", "c.d@z.co.uk")]


@pytest.mark.parametrize("script", ["", "カフェ "])
def test_an_email_local_part_is_at_most_64_characters(script: str) -> None:
    assert _found(script + "x" * 64 + "@example.com") == [("email", "x" * 64 + "@example.com")]
    assert _found(script + "y" * 65 + "@example.com") == []
    assert _found(script + "a@b.co, " * 20) == [("email", "a@b.co")] * 20


def test_ipv6_is_a_whole_run_of_hex_digits_and_colons() -> None:
    assert _found("Host fe80::1ff:fe23:4567:890a is up") == [
        ("ip-address", "fe80::1ff:fe23:4567:890a")
    ]
    assert _found("Host abcde::1ff is up, see std::vector") == []


def _number(country_code: int, national: str) -> PhoneNumber:
    zeros = len(national) - len(national.lstrip("0"))
    number = PhoneNumber(country_code=country_code, national_number=int(national))
    if zeros:
        number.italian_leading_zero = True
        number.number_of_leading_zeros = zeros
    return number


def _numbers_to_check() -> list[tuple[int, str, str]]:
    """Every region's example numbers, and each with one digit changed."""
    rng = random.Random(7)
    out = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in range(11):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None or example.country_code is None:
                continue
            national = phonenumbers.national_significant_number(example)
            at = rng.randrange(len(national))
            changed = national[:at] + rng.choice("0123456789") + national[at + 1 :]
            out += [(example.country_code, n, region) for n in (national, changed)]
    return out


def test_phone_validity_agrees_with_phonenumbers() -> None:
    checked = _numbers_to_check()
    assert len(checked) > 2000
    valid = 0
    for country_code, national, region in checked:
        number = _number(country_code, national)
        expected = phonenumbers.is_valid_number(number)
        assert valid_number(country_code, national) == expected, (country_code, national)
        in_region = phonenumbers.is_valid_number_for_region(number, region)
        assert valid_for_region(country_code, national, region) == in_region, (national, region)
        valid += expected
    assert valid > len(checked) // 2  # the examples are valid: the check is not all "no"


def test_checksums() -> None:
    assert luhn("4111111111111111") and luhn("378282246310005")
    assert not luhn("4111111111111112")
    assert iban("DE89370400440532013000") and iban("GB82WEST12345698765432")
    assert not iban("DE89370400440532013001")


@pytest.mark.parametrize(
    ("code", "value", "shown"),
    [
        ("phone", "+44 20 7946 0958", "+** ** **** **58"),
        ("credit-card", "4111 1111 1111 1111", "**** **** **** 1111"),
        ("iban", "GB82 WEST 1234 5698 7654 32", "GB** **** **** **** **** 32"),
        ("person", "Zoë Ådams", "Z** *****"),
        ("ssn", "1-2", "1-2"),  # no more letters or digits than it keeps: nothing to star
    ],
)
def test_masks_keep_the_layout_and_the_ends(code: str, value: str, shown: str) -> None:
    assert mask(code, value) == shown
