r"""Compiled candidate patterns, cheap gates, and the words around a number that say what it is.

Patterns only propose candidates; the validators decide. Every pattern refuses to start or end
inside a longer token (a UUID segment, a version string, a URL path, a 22-digit tracking number)
so that a valid-looking piece of a look-alike is never taken on its own. Patterns open with a
character class and check what precedes it with a lookbehind after it (``\d(?<![\w.]\d)``, not
``(?<![\w.])\d``): the regex engine then skips straight to the next possible first character.
"""

from __future__ import annotations

import re
from typing import Any, Final, Literal

Context = Literal["phone", "card", "ssn", "id", "version"]


EMAIL: Final = re.compile(
    r"\w(?<![\w.%+\-]\w)[\w.%+\-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
    r"(?![\w\-@]|\.[A-Za-z0-9])"
)
# A run of the characters an email's local part is made of, from its start (not after one of
# them) up to an "@".
LOCAL_PART: Final = re.compile(r"[\w.%+\-](?<![\w.%+\-].)[\w.%+\-]*+@")
LOCAL_CHAR: Final = re.compile(r"[\w.%+\-]")  # one character of a local part
# "icon@2x.png" and "file@v2.js" have an email's shape; these endings are files, not domains.
FILE_SUFFIXES: Final = frozenset(
    [
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "bmp",
        "ico",
        "js",
        "mjs",
        "ts",
        "css",
        "py",
        "json",
        "yaml",
        "yml",
        "txt",
        "md",
        "html",
    ]
)

_UNIT = r"(?:\(\+?\d{1,5}\)|\d{1,15})"
_SEP = r"(?:[ .\-/]|(?<=\))|(?=\())"
_NOT_AFTER = r"[\w+\-./=#@%$€£]"
# The first group opens with a character ("+", "(" or a digit), not a lookbehind, so that the
# engine skips ahead to the next such character instead of trying every position.
_PHONE_FIRST = (
    rf"\+(?<!{_NOT_AFTER}\+) ?{_UNIT}"
    rf"|\((?<!{_NOT_AFTER}\()\+?\d{{1,5}}\)"
    rf"|\d(?<!{_NOT_AFTER}\d)\d{{0,14}}"
)
PHONE: Final = re.compile(
    rf"(?:{_PHONE_FIRST})(?:{_SEP}{_UNIT}){{0,7}}(?:[ ]?(?:x|ext\.?|ext)[ ]?\d{{1,6}})?"
    r"(?![\w\-/@:]|[.,]\d)"
)
PHONE_GROUPS: Final = re.compile(r"\(\+?\d+\)|(\d+)")  # group 1: the groups not in brackets
PHONE_EXTENSION: Final = re.compile(r"[ ]?(?:x|ext\.?|ext)[ ]?\d{1,6}$")
DATE: Final = re.compile(
    r"\d{4}[\-./ ]\d{1,2}[\-./ ]\d{1,2}(?!\d)|\d{1,2}[\-./ ]\d{1,2}[\-./ ]\d{2,4}$"
)

CARD: Final = re.compile(
    r"\d(?<![\w\-./+#]\d)"
    r"(?:\d{3}(?P<sep>[ \-])\d{4,6}(?:(?P=sep)\d{1,5}){1,3}|\d{11,18})"
    r"(?![\w\-]|[ .,]\d)"
)
SSN: Final = re.compile(r"(\d(?<![\w\-./+#]\d)\d\d)([\- ]?)(\d{2})\2(\d{4})(?![\w\-]|[ .,]?\d)")
SSN_LAYOUT: Final = re.compile(r"\d{3}-\d{2}-\d{4}")
NINO: Final = re.compile(
    r"([A-CEGHJ-PR-TW-Z](?<![A-Za-z0-9][A-Z])[A-CEGHJ-PR-TW-Z])"
    r" ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])(?![A-Za-z0-9])"
)
IBAN: Final = re.compile(
    r"[A-Z](?<![A-Za-z0-9][A-Z])[A-Z]\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![a-z0-9])"
)
# Where numbers are written: a run of digits and what stands between them in a number (spaces,
# dots, dashes, slashes, brackets, "+", an extension "x 12" or "ext. 12"). Every card number,
# SSN, IPv4 address and phone number lies inside one such run, so those patterns search only
# the runs, not the whole text. A run starts at its first "+", "(" or digit and is proposed
# only when at least seven characters that could belong to it follow from there ("1.2.3.4" is
# the shortest of those identifiers): the check is exact for a run that short, so no longer
# run is ever entered in its middle.
DIGIT_RUN: Final = re.compile(
    r"[\d+(](?=[\d+() .\-/xet]{6})[\d+() .\-/]*(?:(?:x|ext\.?)[\d+() .\-/]*)*"
)
DIGIT_RUN_MIN: Final = 7
# The two letters that open an IBAN ("DE89") or a UK NI number ("AB 12"), not inside a word.
LETTER_ID: Final = re.compile(r"[A-Z](?<![A-Za-z0-9][A-Z])[A-Z](?= ?\d\d)")
IPV4: Final = re.compile(r"\d(?<![\w.\-]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?![\w\-]|\.\d)")
# From the first to the last colon of a run of hex digits and colons holding two or more.
COLON_RUN: Final = re.compile(r":[0-9A-Fa-f:]*:")
IPV6: Final = re.compile(
    r"(?<![\w:.])(?=[0-9A-Fa-f:]*\d)(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:]|\.\d)"
)


def _meaning(meaning: str, words: str) -> dict[str, str]:
    return dict.fromkeys(words.split(), meaning)


# What a word just before a number says the number is ("weak": a phone, unless more is said).
_MEANINGS: Final[dict[str, str]] = {
    **_meaning(
        "phone",
        "phone tel telephone call ring mobile mobil cell fax whatsapp sms dial reach contact "
        "telefon telefone telefono teléfono téléphone tél móvil cellulare handy celular portable",
    ),
    **_meaning("card", "card visa mastercard amex credit debit cc payment"),
    "ssn": "ssn",
    "social security": "ssn",
    **_meaning(
        "id",
        "order invoice tracking shipment parcel ref reference ticket case sku isbn serial "
        "transaction txn confirmation booking item product part model batch lot patent issue "
        "commit hash checksum timestamp epoch id #",
    ),
    **_meaning("version", "version ver release firmware build patch driver chrome python"),
    **_meaning("weak", "number no nr num"),
}


def _trie(words: list[str]) -> str:
    """A regex matching any of `words`, branching letter by letter ("c(?:a(?:ll|rd)|ell)").

    The engine then tries one branch per letter where a flat alternation tries every word.
    """
    root: dict[str, dict[str, Any]] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def branch(node: dict[str, Any]) -> str:
        alternatives = [re.escape(ch) + branch(child) for ch, child in sorted(node.items()) if ch]
        if not alternatives:
            return ""
        body = "|".join(alternatives)
        grouped = f"(?:{body})" if len(alternatives) > 1 or "" in node else body
        return grouped + "?" if "" in node else grouped

    return branch(root)


# Matched against lower-cased text: a keyword not preceded by a letter or digit ("hotel" is not
# "tel"; "ship_phone" is "phone") and not followed by one, or a "#" anywhere.
_KEYWORDS: Final = re.compile(
    r"(?<![^\W_])(?:" + _trie([w for w in _MEANINGS if w != "#"]) + r")\b|#"
)


def _last_keyword(meanings: set[str]) -> re.Pattern[str]:
    """On a lower-cased ASCII window: where it last holds a digit or sentence break, or a
    keyword with one of `meanings` (group 1; a digit may stand before it, as all that comes
    before is cut off), or a "#" (group 2)."""
    words = [w for w, m in _MEANINGS.items() if m in meanings and w != "#"]
    return re.compile(r"(?s).*(?:[\d\n]|[.!?;]\s+(?=\S)|(?<![a-z])(" + _trie(words) + r")\b|(#))")


_LAST_KEYWORD: Final = _last_keyword(set(_MEANINGS.values()))
_LAST_STRONG: Final = _last_keyword(set(_MEANINGS.values()) - {"weak"})
_WORD: Final = re.compile(r"\w+")
_ABBREVIATIONS: Final = frozenset({"tel", "no", "nr", "ph", "mob", "fax", "ref", "num", "nos"})
_BARRIER: Final = re.compile(r"(?s).*(?:\d|[.!?;]\s+(?=\S)|\n)")
_WINDOW: Final = 40
_SENTENCE_ENDS: Final = ".!?;"
_MAX_GAP_WORDS: Final = 4


def _sentence_ended(before: str) -> bool:
    """`before` ends a sentence ("in stock. "), not an abbreviation ("Tel. ", "No. ")."""
    stripped = before.rstrip()
    if len(stripped) == len(before) or not stripped or stripped[-1] not in _SENTENCE_ENDS:
        return False
    words = stripped[:-1].rsplit(None, 1)
    return not words or words[-1].lower() not in _ABBREVIATIONS


def context(text: str, start: int) -> Context | None:
    """What the words just before `start` call the number there (None when they say nothing).

    Only the words since the last digit or sentence break count, at most four of them after
    the keyword ("order number is", "call me at"): a keyword names the next number, not one
    further on. A bare "number" or "no." means a phone only when nothing more specific does.
    """
    before = text[start - _WINDOW if start > _WINDOW else 0 : start]
    # A space after a word (the usual case) ends no sentence.
    ended = before[-2:-1] in _SENTENCE_ENDS or before[-2:-1].isspace()
    if ended and before[-1:].isspace() and _sentence_ended(before):
        return None  # "... in stock. 0123 456 789": the sentence before says nothing of it
    if not before.isascii():
        return _context_unicode(before)
    # The usual case: one search from the end for the last keyword, another for the last
    # specific one where that is a bare "number".
    lowered = before.lower()
    last = _LAST_KEYWORD.match(lowered)
    if last is None or last.lastindex is None:
        return None  # no keyword since the last digit or sentence break
    meaning = _MEANINGS[last.group(last.lastindex)]
    if meaning != "weak":
        return meaning if _near(before, last.end()) else None  # type: ignore[return-value]
    strong = _LAST_STRONG.match(lowered)
    if strong is not None and strong.lastindex is not None and _near(before, strong.end()):
        return _MEANINGS[strong.group(strong.lastindex)]  # type: ignore[return-value]
    return "phone" if _near(before, last.end()) else None


def _near(before: str, end: int) -> bool:
    """At most four words follow `end` in `before`."""
    return len(_WORD.findall(before, end)) <= _MAX_GAP_WORDS


def _context_unicode(before: str) -> Context | None:
    """:func:`context` for a window holding other characters than ASCII (where lower-casing
    may change its length, and letters and digits are those of every script)."""
    barrier = _BARRIER.match(before)
    if barrier is not None:
        before = before[barrier.end() :]
    lowered = before.lower()
    strong = weak = None
    for m in _KEYWORDS.finditer(lowered):
        if _MEANINGS[m.group()] == "weak":
            weak = m
        else:
            strong = m
    for found in (strong, weak):
        if found is not None and len(_WORD.findall(before, found.end())) <= _MAX_GAP_WORDS:
            meaning = _MEANINGS[found.group()]
            return "phone" if meaning == "weak" else meaning  # type: ignore[return-value]
    return None
