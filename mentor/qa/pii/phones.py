"""Phone numbers: candidates by pattern, validated for a region with `phonenumbers`.

A candidate is digits in groups (``+44 20 7946 0958``, ``(212) 555-0199``, ``06-12345678``).
It is dropped when it reads as something else: a date, a decimal number, a version, an ISBN,
an SSN's layout (even an invalid SSN is no phone number), a run of single digits, or a number
the words before it call an order or a ticket. A bare run of digits (``3420837783``) is as
likely an id as a phone, so it counts only after a word such as "call", "phone" or "number";
with a leading ``+`` it is a phone number wherever it stands.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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


def _shape_ok(number: str) -> bool:
    """Digits, groups and separators that a written phone number has (extension removed)."""
    digits = sum(map(str.isdigit, number))
    international = number.startswith(("+", "00"))
    least = _MIN_DIGITS_INTERNATIONAL if international else _MIN_DIGITS_NATIONAL
    if not least <= digits <= _MAX_DIGITS:
        return False
    if number.count(".") == 1 or DATE.match(number) or SSN_LAYOUT.fullmatch(number):
        return False
    groups = [g for g in PHONE_GROUPS.findall(number) if not g.startswith("(")]
    singles = sum(len(g) == 1 for g in groups[1:])
    # "3 4 5 6 7 8 9 10" is a count, "119.0.6857.116" a browser version.
    if singles > 1 or (singles and "." in number and not international):
        return False
    return not validators.isbn13("".join(groups))


def phones(
    text: str, regions: Sequence[str] = DEFAULT_REGIONS, taken: Sequence[Detection] = ()
) -> Iterator[Detection]:
    """Valid phone numbers in `text` (for their own country code, or one of `regions`).

    Candidates overlapping `taken` (what the other detectors found, which wins over a phone
    number anyway) are skipped before the costly validation.
    """
    for m in PHONE.finditer(text):
        start, end = m.span()
        if end - start < _MIN_DIGITS_INTERNATIONAL:  # most matches: "12", "2024"
            continue
        if any(start < d.end and d.start < end for d in taken):
            continue
        candidate = m.group()
        ext = PHONE_EXTENSION.search(candidate)
        number = candidate[: ext.start()] if ext else candidate
        if not _shape_ok(number):
            continue
        said = context(text, start)
        if said in ("id", "version", "card", "ssn") or (number.isdigit() and said != "phone"):
            continue
        region = phone_region(number, regions)
        if region is not None:
            yield Detection("phone", start, end, region)
