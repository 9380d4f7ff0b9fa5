"""Phone numbers: candidates by pattern, validated for a region with `phonenumbers`.

A candidate is digits in groups (``+44 20 7946 0958``, ``(212) 555-0199``, ``06-12345678``).
It is dropped when it reads as something else: a date, a decimal number, a version, an ISBN,
an SSN's layout (even an invalid SSN is no phone number), a run of single digits, or a number
the words before it call an order or a ticket. A bare run of digits (``3420837783``) is as
likely an id as a phone, so it counts only after a word such as "call", "phone" or "number";
with a leading ``+`` it is a phone number wherever it stands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from mentor.qa.pii import validators
from mentor.qa.pii.detection import Detection
from mentor.qa.pii.numbering import phone_region
from mentor.qa.pii.patterns import (
    DATE,
    PHONE,
    PHONE_EXTENSION,
    PHONE_GROUPS,
    SSN_LAYOUT,
    context,
)

DEFAULT_REGIONS: Final = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "BR", "IN", "AU")
"""Regions a number without a country code is tried in (US covers all of +1, Canada too)."""

_MIN_DIGITS_INTERNATIONAL: Final = 8
MIN_DIGITS: Final = _MIN_DIGITS_INTERNATIONAL
"""No text with fewer digits holds a phone number."""
_MIN_DIGITS_NATIONAL: Final = 9
_MAX_DIGITS: Final = 15
_DIGITS: Final = b"0123456789"
_SSN_LENGTH: Final = 11  # "AAA-GG-SSSS"
_ISBN_DIGITS: Final = 13  # no fewer digits make an ISBN-13


def _shape_ok(number: str) -> bool:
    """Digits, groups and separators that a written phone number has (extension removed)."""
    if number.isdigit():  # one group: no date, SSN or version layout, no single digits
        least = _MIN_DIGITS_INTERNATIONAL if number.startswith("00") else _MIN_DIGITS_NATIONAL
        return least <= len(number) <= _MAX_DIGITS and not validators.isbn13(number)
    if number.isascii():  # its digits are the bytes that deleting "0"-"9" takes away
        digits = len(number) - len(number.encode().translate(None, _DIGITS))
    else:
        digits = sum(map(str.isdigit, number))
    international = number.startswith(("+", "00"))
    least = _MIN_DIGITS_INTERNATIONAL if international else _MIN_DIGITS_NATIONAL
    if not least <= digits <= _MAX_DIGITS:
        return False
    if number.count(".") == 1 or DATE.match(number):
        return False
    if len(number) == _SSN_LENGTH and SSN_LAYOUT.fullmatch(number):
        return False
    groups = list(filter(None, PHONE_GROUPS.findall(number)))
    singles = list(map(len, groups[1:])).count(1)
    # "3 4 5 6 7 8 9 10" is a count, "119.0.6857.116" a browser version.
    if singles > 1 or (singles and "." in number and not international):
        return False
    return digits < _ISBN_DIGITS or not validators.isbn13("".join(groups))


def phones(
    text: str,
    regions: Sequence[str] = DEFAULT_REGIONS,
    taken: Sequence[Detection] = (),
    start: int = 0,
    end: int = 1 << 62,
) -> list[Detection]:
    """Valid phone numbers in `text` (for their own country code, or one of `regions`).

    Only text[`start`:`end`] is searched (one run of digits). Candidates overlapping `taken`
    (what the other detectors found, which wins over a phone number anyway) are skipped before
    the costly validation.
    """
    found = []
    m = PHONE.search(text, start, end)
    while m is not None:
        at, stop = m.span()
        # Most matches are short ("12", "2024") or another finding's digits.
        if stop - at >= _MIN_DIGITS_INTERNATIONAL:
            for d in taken:
                if at < d.end and d.start < stop:
                    break
            else:
                region = _region(text, at, m.group(), regions)
                if region is not None:
                    found.append(Detection("phone", at, stop, region))
        # As a search of all of it goes on, where a candidate long enough still fits.
        m = PHONE.search(text, stop, end) if end - stop >= _MIN_DIGITS_INTERNATIONAL else None
    return found


def _region(text: str, at: int, candidate: str, regions: Sequence[str]) -> str | None:
    """Where the phone number `candidate` (at `at` in `text`) is valid, if it is one."""
    ext = PHONE_EXTENSION.search(candidate) if "x" in candidate else None
    number = candidate[: ext.start()] if ext else candidate
    if not _shape_ok(number):
        return None
    said = context(text, at)
    if said in ("id", "version", "card", "ssn") or (number.isdigit() and said != "phone"):
        return None
    return phone_region(number, regions)
