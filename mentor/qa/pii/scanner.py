"""Find structured PII and secrets in one text: gates first, then patterns, then validators.

Most training text holds no PII, so the order is what makes a scan fast: a substring test or
a digit count decides whether a family of detectors runs at all (no ``@``, no emails; fewer
than 12 digits, no card numbers), and the costlier checks (checksums, `phonenumbers`) see only
the few candidates the patterns propose. Text full of numbers is searched once for its runs of
digits (:mod:`~mentor.qa.pii.runs`); the card, SSN, IPv4 and phone patterns then look only
inside the runs with digits enough for them, not each through the whole text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

from mentor.qa.pii import credentials, numbers, phones, runs
from mentor.qa.pii.detection import Detection, resolve
from mentor.qa.pii.patterns import (
    CARD,
    DIGIT_RUN_MIN,
    EMAIL,
    FILE_SUFFIXES,
    IPV4,
    LOCAL_PART,
    SSN,
)

_DIGITS: Final = b"0123456789"  # in Latin-1 and UTF-8, no other character holds these bytes
# The fewest characters each family's numbers take (a run of digits shorter holds none).
_CARD_MIN: Final = 12
_SSN_MIN: Final = 9
_IPV4_MIN: Final = 4
_LETTER_ID_MIN: Final = 6  # an NI number's digits (an IBAN has more)
_LOOKAHEAD: Final = 2  # characters after a match that the number patterns' lookaheads read
_TRAILING: Final = " .-/(+"  # what a run of digits may end in that no number does


def _emails(text: str) -> Iterator[Detection]:
    """Addresses, each looked for where its ``@`` is rather than by a search of all the text."""
    end = 0  # where the last address ended: the next one starts after it, as in a search
    after = 0  # just after the "@" before this one
    at = text.find("@")
    while at >= 0:
        # The local part is at most 64 characters that all run up to this "@", and starts
        # where that run does: its first character must not follow one.
        local = LOCAL_PART.search(text, max(end, after, at - 64), at + 1)
        m = EMAIL.match(text, local.start()) if local is not None else None
        after = at + 1
        at = text.find("@", after)
        if m is None:
            continue
        end = m.end()
        start = m.start()
        if m.group().rpartition(".")[2].lower() in FILE_SUFFIXES:
            continue
        # user:secret@host in a URL is credentials (see credentials.py), not an address.
        scheme = text.rfind("://", max(0, start - 256), start)
        if scheme >= 0 and not any(ch.isspace() or ch == "/" for ch in text[scheme + 3 : start]):
            continue
        yield Detection("email", start, end)


def _digit_runs(
    text: str,
    raw: bytes | None,
    digits: int,
    regions: Sequence[str],
    found: list[Detection],
) -> list[Detection]:
    """Cards, SSNs, IPv4 addresses and phone numbers, each looked for in each run of digits
    that has digits enough for it.

    Phone numbers come last in a run, so that a candidate that the other detectors (or the
    other families, in `found`) already claim is skipped before it is validated; where one
    finding covers all of a run's digits, every candidate would be, and the run is skipped.
    """
    out: list[Detection] = []
    for start, end in runs.digit_runs(text, raw):
        if end - start < DIGIT_RUN_MIN:
            continue
        chars = text[start:end]
        # Its digits (an upper bound where a run holds other scripts' digits, which are rare).
        count = end - start
        if raw is not None:
            count -= len(raw[start:end].translate(None, _DIGITS))
        elif chars.isascii():
            count -= len(chars.encode().translate(None, _DIGITS))
        stop = end + _LOOKAHEAD
        # Each family's validation runs only where its pattern matches.
        if count >= _CARD_MIN and digits >= _CARD_MIN and (m := CARD.search(text, start, stop)):
            out += numbers.cards(text, start, stop, m)
        if count >= _SSN_MIN and (m := SSN.search(text, start, stop)):
            out += numbers.ssns(text, start, stop, m)
        if count >= _IPV4_MIN and chars.count(".") >= 3 and (m := IPV4.search(text, start, stop)):
            out += numbers.ipv4_addresses(text, start, stop, m)
        # A phone number has nine digits, or eight after "+" or "00".
        if count < phones.MIN_DIGITS or digits < phones.MIN_DIGITS:
            continue
        if count == phones.MIN_DIGITS and "+" not in chars and "00" not in chars:
            continue
        taken = found + out if out else found
        if taken:
            last = start + len(chars.rstrip(_TRAILING))  # after the last digit
            if any(d.start <= start and last <= d.end for d in taken):
                continue
        out += phones.phones(text, regions, taken, start, stop)
    return out


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
    raw = runs.one_byte(text)
    encoded = raw if raw is not None else text.encode("utf-8", "surrogatepass")
    digits = len(encoded) - len(encoded.translate(None, _DIGITS))
    # Each family needs so many digits: most texts have too few for most families.
    if digits >= _LETTER_ID_MIN:
        found += numbers.letter_ids(text, runs.letter_openings(text, raw))
    if (digits >= 4 or "::" in text) and ("::" in text or text.count(":") >= 7):
        found += numbers.ipv6_addresses(text)
    if digits >= _IPV4_MIN:
        found += _digit_runs(text, raw, digits, regions, found)
    if not found:
        return found
    kept = resolve(found) if len(found) > 1 else found
    return kept if kinds is None else [d for d in kept if d.code in kinds]
