"""Find structured PII and secrets in one text: gates first, then patterns, then validators.

Most training text holds no PII, so the order is what makes a scan fast: a substring test or
a digit count decides whether a family of detectors runs at all (no ``@``, no emails; fewer
than 12 digits, no card numbers), and the costlier checks (checksums, `phonenumbers`) see only
the few candidates the patterns propose.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

from mentor.qa.pii import credentials, numbers, phones
from mentor.qa.pii.detection import Detection, resolve
from mentor.qa.pii.patterns import EMAIL, FILE_SUFFIXES

_DIGITS: Final = b"0123456789"  # ASCII digits: in UTF-8 no other character contains these bytes


def _emails(text: str) -> Iterator[Detection]:
    for m in EMAIL.finditer(text):
        start = m.start()
        if m.group().rpartition(".")[2].lower() in FILE_SUFFIXES:
            continue
        # user:secret@host in a URL is credentials (see credentials.py), not an address.
        scheme = text.rfind("://", max(0, start - 256), start)
        if scheme >= 0 and not any(ch.isspace() or ch == "/" for ch in text[scheme + 3 : start]):
            continue
        yield Detection("email", start, m.end())


def find_pii(
    text: str,
    kinds: frozenset[str] | None = None,
    regions: Sequence[str] = phones.DEFAULT_REGIONS,
) -> list[Detection]:
    """PII in `text`, without overlaps, in order; only `kinds` (codes) when given.

    Every detector runs whatever `kinds` asks for, so that a disabled kind still claims its
    characters: turning IBANs off must not let an IBAN's digits come back as a phone number.
    """
    found: list[Detection] = []
    if "@" in text:
        found += _emails(text)
    found += credentials.secrets(text)
    encoded = text.encode("utf-8", "surrogatepass")
    digits = len(encoded) - len(encoded.translate(None, _DIGITS))
    # Each family needs so many digits: most texts have too few for most families.
    if digits >= 6:
        found += numbers.ibans(text)
        found += numbers.ninos(text)
    if digits >= 12:
        found += numbers.cards(text)
    if digits >= 9:
        found += numbers.ssns(text)
    if digits >= 4 or "::" in text:
        found += numbers.ip_addresses(text)
    if digits >= phones.MIN_DIGITS:
        found += phones.phones(text, regions, found)
    if not found:
        return found
    kept = resolve(found) if len(found) > 1 else found
    return kept if kinds is None else [d for d in kept if d.code in kinds]
