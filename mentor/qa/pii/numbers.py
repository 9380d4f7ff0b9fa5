"""Identifiers written as numbers: card numbers, IBANs, SSNs, NI numbers, IP addresses.

A number that the words before it call an order, invoice, ticket or version ("Order #...")
is an identifier of a thing, not of a person, and is left alone.

The digit-only identifiers are looked for inside the runs of digits that
:mod:`~mentor.qa.pii.runs` finds (`start`, `end`: one run, with the two characters after it
that the patterns' lookaheads read), IBANs and NI numbers only where two capitals open a
number. There each pattern proposes exactly what its search of the whole text would: no
match reaches outside a run, and none starts between them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from mentor.qa.pii import validators
from mentor.qa.pii.detection import Detection
from mentor.qa.pii.patterns import (
    CARD,
    COLON_RUN,
    IBAN,
    IPV4,
    IPV6,
    NINO,
    SSN,
    context,
)

# Digit groups a card number is printed in: 4-4-4-4 (and shorter or longer last groups for
# 13-19 digits), Amex's 4-6-5 and Diners' 4-6-4.
_CARD_LAYOUTS: Final = frozenset(
    {(4, 4, 4, 1), (4, 4, 4, 2), (4, 4, 4, 3), (4, 4, 4, 4), (4, 4, 4, 4, 3), (4, 6, 5), (4, 6, 4)}
)
_WHOLE: Final = 1 << 62  # an `end` past any text's end: search all of it
_HEX: Final = frozenset("0123456789abcdefABCDEF")
_NINO_LETTERS: Final = frozenset("ABCEGHJKLMNOPRSTWXYZ")  # the letters NINO opens with
_HEX_GROUP: Final = 5  # more hex digits than an IPv6 group holds
# The fewest characters a match of CARD ("1234 5678 1"), SSN and IPV4 ("1.2.3.4") takes.
_CARD_SHORTEST: Final = 11
_SSN_SHORTEST: Final = 9
_IPV4_SHORTEST: Final = 7


def cards(
    text: str, start: int = 0, end: int = _WHOLE, first: re.Match[str] | None = None
) -> list[Detection]:
    """Luhn-valid numbers in a card network's range, compact or in the usual groups.

    `first` is the pattern's first match in text[`start`:`end`] when the caller has it.
    """
    found = []
    m = first or CARD.search(text, start, end)
    while m is not None:
        card = _card(text, m)
        if card is not None:
            found.append(card)
        # As a search of all of it goes on, where a card's characters still fit.
        m = CARD.search(text, m.end(), end) if end - m.end() >= _CARD_SHORTEST else None
    return found


def _card(text: str, m: re.Match[str]) -> Detection | None:
    raw = m.group()
    sep = m.group("sep")
    if sep:
        if tuple(map(len, raw.split(sep))) not in _CARD_LAYOUTS:
            return None
        digits = raw.replace(sep, "")
    else:
        digits = raw
    if validators.isbn13(digits) or not validators.luhn(digits):
        return None
    network = validators.card_network(digits)
    if network is None:
        return None
    said = context(text, m.start())
    if said in ("id", "version") or (not sep and said not in ("card", None)):
        return None
    return Detection("credit-card", m.start(), m.end(), network)


def ssns(
    text: str, start: int = 0, end: int = _WHOLE, first: re.Match[str] | None = None
) -> list[Detection]:
    """AAA-GG-SSSS outside the never-issued ranges; nine bare digits only after "SSN"."""
    found = []
    m = first or SSN.search(text, start, end)
    while m is not None:
        area, sep, group, serial = m.groups()
        if validators.ssn(area, group, serial):
            said = context(text, m.start())
            if said == "ssn" or (sep and said is None):
                found.append(Detection("ssn", m.start(), m.end()))
        m = SSN.search(text, m.end(), end) if end - m.end() >= _SSN_SHORTEST else None
    return found


def letter_ids(text: str, openings: Iterable[int]) -> list[Detection]:
    """IBANs and UK National Insurance numbers in `text`, from where they open (in order).

    Both open with two capitals and two digits (:func:`~mentor.qa.pii.runs.letter_openings`).
    Each pattern is tried at each opening as its own search of the text would: not where an
    earlier match of it still runs.
    """
    found: list[Detection] = []
    iban_end = nino_end = 0
    for at in openings:
        # No space between an IBAN's country and its check digits.
        if at >= iban_end and text[at + 2] != " " and (m := IBAN.match(text, at)):
            iban_end = m.end()
            found += _iban(text, at, m.group())
        if at >= nino_end and text[at] in _NINO_LETTERS and text[at + 1] in _NINO_LETTERS:
            m = NINO.match(text, at)
            if m is not None:
                nino_end = m.end()
                if validators.nino(m.group(1)) and context(text, at) != "id":
                    found.append(Detection("nino", at, m.end()))
    return found


def _iban(text: str, start: int, raw: str) -> list[Detection]:
    length = validators.IBAN_LENGTHS.get(raw[:2])
    if length is None:
        return []
    # Cut after the country's length in characters other than spaces: the least `size` that
    # holds `length` of them (each round adds the spaces found so far).
    size = length
    while size <= len(raw) and size - raw.count(" ", 0, size) < length:
        size = length + raw.count(" ", 0, size)
    end = start + size
    if size > len(raw) or (end < len(text) and text[end].isalnum()):
        return []
    if validators.iban(raw[:size].replace(" ", "")):
        return [Detection("iban", start, end, raw[:2])]
    return []


def ipv4_addresses(
    text: str, start: int = 0, end: int = _WHOLE, first: re.Match[str] | None = None
) -> list[Detection]:
    """IPv4 with octets in range, not after "version" or "build"."""
    found = []
    m = first or IPV4.search(text, start, end)
    while m is not None:
        if validators.ipv4(m.group()) and context(text, m.start()) != "version":
            found.append(Detection("ip-address", m.start(), m.end(), "v4"))
        m = IPV4.search(text, m.end(), end) if end - m.end() >= _IPV4_SHORTEST else None
    return found


def ipv6_addresses(text: str) -> list[Detection]:
    """IPv6 addresses that parse (other than the unspecified and loopback ones)."""
    if "::" not in text and text.count(":") < 7:
        return []
    found = []
    # An address is a whole run of hex digits and colons: it is looked for only at the start
    # of a run with two colons or more, at most four hex digits before the first of them.
    for colons in COLON_RUN.finditer(text):
        start = first = colons.start()
        while start > 0 and first - start < _HEX_GROUP and text[start - 1] in _HEX:
            start -= 1
        m = IPV6.match(text, start) if first - start < _HEX_GROUP else None
        if m is not None and validators.ipv6(m.group()):
            found.append(Detection("ip-address", m.start(), m.end(), "v6"))
    return found
