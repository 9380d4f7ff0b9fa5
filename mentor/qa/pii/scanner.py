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
    LOCAL_CHAR,
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
_GROUPS: Final = bytes(ord("9") if b in _DIGITS else ord(" ") for b in range(256))
# The groups a card number opens with (12 digits or more; 4 then 4 or more) and an SSN's.
_CARD_GROUPS: Final = (b" 999999999999", b" 9999 9999")
_SSN_GROUPS: Final = (b" 999999999 ", b" 999 99 9999 ")
# Latin-1 characters: "w" for those a local part is made of, a space for the others.
_LOCAL_CHARS: Final = bytes(
    ord("w") if LOCAL_CHAR.fullmatch(chr(b)) else ord(" ") for b in range(256)
)


def _local_part(text: str, classes: bytes | None, lo: int, at: int) -> int:
    """Where the local part before the "@" at `at` starts: where the run of the characters it
    is made of that ends there starts, if not before `lo` (-1 where there is none)."""
    if classes is None:
        local = LOCAL_PART.search(text, lo, at + 1)
        return -1 if local is None else local.start()
    before = classes.rfind(b" ", max(lo - 1, 0), at)  # the last other character
    if before < 0 < lo:
        return -1  # the run goes on before `lo`
    return before + 1 if before + 1 < at else -1


def _emails(text: str, raw: bytes | None) -> Iterator[Detection]:
    """Addresses, each looked for where its ``@`` is rather than by a search of all the text."""
    classes = raw.translate(_LOCAL_CHARS) if raw is not None else None
    end = 0  # where the last address ended: the next one starts after it, as in a search
    after = 0  # just after the "@" before this one
    at = text.find("@")
    while at >= 0:
        # The local part is at most 64 characters that all run up to this "@", and starts
        # where that run does: its first character must not follow one.
        local = _local_part(text, classes, max(end, after, at - 64), at)
        m = EMAIL.match(text, local) if local >= 0 else None
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
    groups: bytes | None,
    digits: int,
    regions: Sequence[str],
    found: list[Detection],
) -> list[Detection]:
    """Cards, SSNs, IPv4 addresses and phone numbers, each looked for in each run of digits
    that has digits enough for it (and, in Latin-1 text, whose `groups` of digits a card
    number or SSN can be made of: see :func:`find_pii`).

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
        if groups is not None:
            shape = groups[start : end + 2]  # its groups of digits, with a space on each side
            count = shape.count(b"9")
        else:
            count = end - start
            if chars.isascii():
                count -= len(chars.encode().translate(None, _DIGITS))
        stop = end + _LOOKAHEAD
        # Each family's validation runs only where its pattern matches (and the groups of
        # digits it needs are there).
        if (
            count >= _CARD_MIN
            and digits >= _CARD_MIN
            and (groups is None or _CARD_GROUPS[0] in shape or _CARD_GROUPS[1] in shape)
            and (m := CARD.search(text, start, stop))
        ):
            out += numbers.cards(text, start, stop, m)
        if (
            count >= _SSN_MIN
            and (groups is None or _SSN_GROUPS[0] in shape or _SSN_GROUPS[1] in shape)
            and (m := SSN.search(text, start, stop))
        ):
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
            for d in taken:
                if d.start <= start and last <= d.end:
                    break
            else:
                out += phones.phones(text, regions, taken, start, stop)
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
    raw = runs.one_byte(text)
    if "@" in text:
        found += _emails(text, raw)
    found += credentials.secrets(text)
    # Latin-1 text as groups of digits: each digit a "9", all else a space, a space around it.
    groups = b" " + raw.translate(_GROUPS) + b" " if raw is not None else None
    if groups is not None:
        digits = groups.count(b"9")
    else:
        encoded = text.encode("utf-8", "surrogatepass")
        digits = len(encoded) - len(encoded.translate(None, _DIGITS))
    # Each family needs so many digits: most texts have too few for most families.
    if digits >= _LETTER_ID_MIN:
        found += numbers.letter_ids(text, runs.letter_openings(text, raw))
    if (digits >= 4 or "::" in text) and ("::" in text or text.count(":") >= 7):
        found += numbers.ipv6_addresses(text)
    if digits >= _IPV4_MIN:
        found += _digit_runs(text, raw, groups, digits, regions, found)
    if not found:
        return found
    kept = resolve(found) if len(found) > 1 else found
    return kept if kinds is None else [d for d in kept if d.code in kinds]
