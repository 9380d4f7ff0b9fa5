"""How a provider call fails: whether to try again, and how long the server asked us to wait."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from mentor.errors import MentorError

RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})


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
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (at or datetime.now(UTC))).total_seconds())


def http_error(status: int, body: str, retry_after: str | None, where: str) -> ProviderError:
    """The error for an HTTP response with a failing `status` from `where`."""
    snippet = " ".join(body.split())[:300]
    return ProviderError(
        f"{where} answered HTTP {status}: {snippet or '(empty body)'}",
        status=status,
        retryable=status in RETRYABLE_STATUS,
        retry_after=parse_retry_after(retry_after),
    )
