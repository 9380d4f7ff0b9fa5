"""What a check reports: findings with a severity, a place in the record and evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: Final[tuple[Severity, ...]] = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True, slots=True)
class Span:
    """Characters [start, end) of the text at `field` (e.g. ``chosen[0].content``)."""

    field: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one record.

    `check` is the check's name (``lint``, ``exact-dup``, ``near-dup``, ``pii``,
    ``contamination``, ``coverage``); `code` the specific kind (``empty-turn``, ``email``...).
    `group` ties findings together: a duplicate cluster id, an eval item id.
    """

    record_id: str
    check: str
    code: str
    severity: Severity
    message: str
    span: Span | None = None
    evidence: str = ""
    group: str | None = None
