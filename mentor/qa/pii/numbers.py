"""Identifiers written as numbers: card numbers, IBANs, SSNs, NI numbers, IP addresses.

A number that the words before it call an order, invoice, ticket or version ("Order #...")
is an identifier of a thing, not of a person, and is left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from mentor.qa.pii import validators
from mentor.qa.pii.detection import Detection
from mentor.qa.pii.patterns import CARD, IBAN, IPV4, IPV6, NINO, SSN, context

# Digit groups a card number is printed in: 4-4-4-4 (and shorter or longer last groups for
# 13-19 digits), Amex's 4-6-5 and Diners' 4-6-4.
_CARD_LAYOUTS: Final = frozenset(
    {(4, 4, 4, 1), (4, 4, 4, 2), (4, 4, 4, 3), (4, 4, 4, 4), (4, 4, 4, 4, 3), (4, 6, 5), (4, 6, 4)}
)


def cards(text: str) -> Iterator[Detection]:
    """Luhn-valid numbers in a card network's range, compact or in the usual groups."""
    for m in CARD.finditer(text):
        raw = m.group()
        sep = m.group("sep")
        if sep:
            if tuple(len(g) for g in raw.split(sep)) not in _CARD_LAYOUTS:
                continue
            digits = raw.replace(sep, "")
        else:
            digits = raw
        if validators.isbn13(digits) or not validators.luhn(digits):
            continue
        network = validators.card_network(digits)
        if network is None:
            continue
        said = context(text, m.start())
        if said in ("id", "version") or (not sep and said not in ("card", None)):
            continue
        yield Detection("credit-card", m.start(), m.end(), network)


def ssns(text: str) -> Iterator[Detection]:
    """AAA-GG-SSSS outside the never-issued ranges; nine bare digits only after "SSN"."""
    for m in SSN.finditer(text):
        area, sep, group, serial = m.groups()
        if not validators.ssn(area, group, serial):
            continue
        said = context(text, m.start())
        if said == "ssn" or (sep and said is None):
            yield Detection("ssn", m.start(), m.end())


def ninos(text: str) -> Iterator[Detection]:
    """UK National Insurance numbers (AB 12 34 56 C) with an allocated prefix."""
    for m in NINO.finditer(text):
        if validators.nino(m.group(1)) and context(text, m.start()) != "id":
            yield Detection("nino", m.start(), m.end())


def ibans(text: str) -> Iterator[Detection]:
    """IBANs, compact or in groups of four, cut to their country's length and checksummed."""
    for m in IBAN.finditer(text):
        raw = m.group()
        length = validators.IBAN_LENGTHS.get(raw[:2])
        if length is None:
            continue
        end, seen = m.start(), 0
        for i, ch in enumerate(raw):
            if ch != " ":
                seen += 1
                if seen == length:
                    end = m.start() + i + 1
                    break
        if seen < length or (end < len(text) and text[end].isalnum()):
            continue
        if validators.iban(text[m.start() : end].replace(" ", "")):
            yield Detection("iban", m.start(), end, raw[:2])


def ip_addresses(text: str) -> Iterator[Detection]:
    """IPv4 with octets in range (not after "version" or "build"), and IPv6 that parses."""
    for m in IPV4.finditer(text):
        if validators.ipv4(m.group()) and context(text, m.start()) != "version":
            yield Detection("ip-address", m.start(), m.end(), "v4")
    if "::" in text or text.count(":") >= 7:
        for m in IPV6.finditer(text):
            if validators.ipv6(m.group()):
                yield Detection("ip-address", m.start(), m.end(), "v6")
