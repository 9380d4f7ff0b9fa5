"""One piece of PII found in one text, and how overlapping candidates are settled."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from operator import attrgetter
from typing import Final


@dataclass(frozen=True, slots=True)
class Detection:
    """Characters [start, end) of a text are PII of kind `code`; `detail` says more (a network)."""

    code: str
    start: int
    end: int
    detail: str = ""


# Where candidates overlap, the more specific reading wins: a URL password over the email its
# host looks like, an IBAN over the phone number its digits could be, a card over an SSN.
_PRECEDENCE: Final = (
    "private-key",
    "url-password",
    "aws-secret-key",
    "jwt",
    "aws-access-key",
    "github-token",
    "slack-token",
    "google-api-key",
    "openai-key",
    "anthropic-key",
    "stripe-key",
    "iban",
    "credit-card",
    "ssn",
    "nino",
    "email",
    "ip-address",
    "phone",
    "person",
    "location",
)
_RANK: Final = {code: i for i, code in enumerate(_PRECEDENCE)}
_start: Final = attrgetter("start")


def resolve(found: Iterable[Detection]) -> list[Detection]:
    """Drop every detection that overlaps a more specific (then longer) one; sort by start."""
    in_order = sorted(found, key=_start)
    for a, b in pairwise(in_order):
        if b.start < a.end:
            break
    else:
        return in_order  # nothing overlaps (the usual case): nothing to drop
    ranked = sorted(found, key=lambda d: (_RANK.get(d.code, len(_RANK)), d.start - d.end, d.start))
    kept: list[Detection] = []
    for det in ranked:
        if all(det.end <= k.start or k.end <= det.start for k in kept):
            kept.append(det)
    kept.sort(key=lambda d: d.start)
    return kept
