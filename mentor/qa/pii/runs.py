"""Where numbers are written in a text: runs of digits, and the openings of IBANs and NI numbers.

A regular expression tests a character class at every position it scans; a text in one byte a
character (ASCII or Latin-1, where all decimal digits are ASCII) is scanned far faster by
mapping its bytes to classes (`bytes.translate`) and looking for the shapes with `bytes.find`.
The positions found are exactly those the patterns would match at, and the patterns then run
only there, so that nothing else in the text is examined twice.
"""

from __future__ import annotations

from typing import Final

from mentor.qa.pii.patterns import DIGIT_RUN, DIGIT_RUN_MIN, LETTER_ID

# The characters a run of digits may hold (the class of DIGIT_RUN's lookahead) become "#".
_RUN_CHARS: Final = frozenset(b"0123456789+() .-/xet")
_RUNS: Final = bytes(ord("#") if b in _RUN_CHARS else ord(".") for b in range(256))
_RUN_START: Final = b"#######"  # a run's first character and the six its pattern looks ahead to
_RUN_NOT_FIRST: Final = b") .-/xet"  # the characters of a run that it does not open with
_RUN_PLAIN: Final = b"0123456789+() .-/"  # a run's characters but those of an extension
# Capitals become "A", small letters "a", digits "9"; the space stays; the rest becomes ".".
_CLASSES: Final = bytes(
    ord("A")
    if 65 <= b <= 90
    else ord("a")
    if 97 <= b <= 122
    else ord("9")
    if 48 <= b <= 57
    else b
    if b == 32
    else ord(".")
    for b in range(256)
)
_OPENINGS: Final = (b"AA99", b"AA 99")  # "DE89...", "AB 12..."
_ALNUM: Final = b"Aa9"


def one_byte(text: str) -> bytes | None:
    """`text` in one byte a character (Latin-1), or None where it holds other characters."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return None


def digit_runs(text: str, raw: bytes | None) -> list[tuple[int, int]]:
    """The spans that DIGIT_RUN matches in `text` (`raw`: its bytes from :func:`one_byte`)."""
    if raw is None:
        return [m.span() for m in DIGIT_RUN.finditer(text)]
    spans = []
    runs = raw.translate(_RUNS)
    pos = runs.find(_RUN_START)
    while pos >= 0:
        # The pattern can only match inside this stretch of run characters, and not before it.
        stop = runs.find(b".", pos)
        stop = len(runs) if stop < 0 else stop
        # From the first character a run opens with, digits and separators only (no "x" of
        # an extension): it is one run to the end, if long enough.
        rest = raw[pos:stop].lstrip(_RUN_NOT_FIRST)
        if not rest.translate(None, _RUN_PLAIN):
            if len(rest) >= DIGIT_RUN_MIN:
                spans.append((stop - len(rest), stop))
            pos = runs.find(_RUN_START, stop)
            continue
        found = DIGIT_RUN.search(text, pos, stop)
        if found is not None:
            spans.append(found.span())
        pos = runs.find(_RUN_START, stop if found is None else found.end())
    return spans


def letter_openings(text: str, raw: bytes | None) -> list[int]:
    """Where LETTER_ID matches in `text`: two capitals, not after a letter or digit, before
    two digits (after a space or not)."""
    if raw is None:
        return [m.start() for m in LETTER_ID.finditer(text)]
    classes = raw.translate(_CLASSES)
    found = []
    for shape in _OPENINGS:
        at = classes.find(shape)
        while at >= 0:
            if at == 0 or classes[at - 1] not in _ALNUM:
                found.append(at)
            at = classes.find(shape, at + 1)
    found.sort()
    return found
