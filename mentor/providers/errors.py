"""How a provider call fails: whether to try again, and how long the server asked us to wait."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from mentor.errors import MentorError

RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
# The most of a failing response's body read or scanned: only a 300-character snippet is kept.
ERROR_BODY_BYTES = 64 * 1024


class ProviderError(MentorError):
    """A model call failed; `retryable` says whether the runner may try it again.

    `status` is the HTTP status when there was one; `retry_after` the seconds the server asked
    the client to wait (from a ``Retry-After`` header), if any.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after


def parse_retry_after(value: str | None, *, at: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP date.

    None (so the runner's own backoff applies) when the header is missing, unreadable, NaN or
    negative; ``inf`` stays ``inf``, which the runner reports as a longer wait than allowed.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return None if math.isnan(seconds) or seconds < 0 else max(0.0, seconds)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (at or datetime.now(UTC))).total_seconds())


def http_error(status: int, body: str, retry_after: str | None, where: str) -> ProviderError:
    """The error for an HTTP response with a failing `status` from `where`; only the start of
    `body` is looked at (a server may send megabytes with an error)."""
    snippet = " ".join(body[:ERROR_BODY_BYTES].split())[:300]
    return ProviderError(
        f"{where} answered HTTP {status}: {snippet or '(empty body)'}",
        status=status,
        retryable=status in RETRYABLE_STATUS,
        retry_after=parse_retry_after(retry_after),
    )
