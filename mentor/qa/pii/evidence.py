"""Masked evidence: enough of a finding to recognise it, never the value itself.

A report, a JSON file of findings or a CI log must not become a second copy of the data it
warns about. Numbers keep their layout and last digits (a card its last four, as on a
receipt); emails their first letters and top-level domain; secrets only their public prefix
and length.
"""

from __future__ import annotations

import re
import string
from typing import Final

from mentor.qa.pii.kinds import SECRETS

_SECRET_PREFIX: Final = re.compile(
    r"(?:AKIA|ASIA|gh[pousr]_|github_pat_|xox[abposr]-|AIza|sk-ant-[a-z0-9]+-|sk-(?:[a-z]+-)?"
    r"|[sr]k_live_|eyJ)"
)
_HEX_RUN: Final = re.compile(r"[0-9A-Fa-f]+")
_STARRED: Final = str.maketrans(dict.fromkeys(string.ascii_letters + string.digits, "*"))
_KEEP: Final[dict[str, tuple[int, int]]] = {
    "phone": (0, 2),
    "credit-card": (0, 4),
    "iban": (2, 2),
    "ssn": (0, 2),
    "nino": (0, 1),
    "person": (1, 0),
    "location": (1, 0),
}


def _keep(value: str, head: int, tail: int) -> str:
    """`value` with letters and digits starred except the first `head` and last `tail`."""
    if not value.isascii():
        return _keep_any(value, head, tail)
    first = 0  # just after the first `head` letters and digits
    for _ in range(head):
        while first < len(value) and not value[first].isalnum():
            first += 1
        first += 1
    last = len(value)  # at the first of the last `tail`
    for _ in range(tail):
        last -= 1
        while last > 0 and not value[last].isalnum():
            last -= 1
    if first >= last:
        return value  # nothing between them to star
    return value[:first] + value[first:last].translate(_STARRED) + value[last:]


def _keep_any(value: str, head: int, tail: int) -> str:
    total = sum(ch.isalnum() for ch in value)
    out, seen = [], 0
    for ch in value:
        if ch.isalnum():
            seen += 1
            out.append(ch if seen <= head or seen > total - tail else "*")
        else:
            out.append(ch)
    return "".join(out)


def _email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    host, _, tld = domain.rpartition(".")
    return f"{local[:1]}***@{host[:1]}***.{tld}"


def _ip(value: str) -> str:
    sep = "." if "." in value else ":"
    first, _, rest = value.partition(sep)
    return first + sep + _HEX_RUN.sub("*", rest)


def _secret(code: str, value: str) -> str:
    if code == "private-key":
        return f"{value.splitlines()[0]} … ({len(value)} chars)"
    if code == "url-password":
        return "********"
    prefix = _SECRET_PREFIX.match(value)
    return f"{prefix.group() if prefix else ''}… ({len(value)} chars)"


def mask(code: str, value: str) -> str:
    """What a finding of kind `code` shows of `value`."""
    if code == "email":
        return _email(value)
    if code == "ip-address":
        return _ip(value)
    if code in SECRETS:
        return _secret(code, value)
    head, tail = _KEEP.get(code, (0, 0))
    return _keep(value, head, tail)
