"""Calendar periods that time series are counted in: days, ISO weeks or months (UTC)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from mentor.errors import InputError

Period = Literal["day", "week", "month"]
PERIODS: tuple[Period, ...] = ("day", "week", "month")


def check_period(value: str, where: str = "--period") -> Period:
    """`value` as a Period, or an InputError naming the choices."""
    for period in PERIODS:
        if value == period:
            return period
    raise InputError(f"unknown period '{value}'; expected one of {', '.join(PERIODS)}", where=where)


def period_of(moment: datetime, period: Period) -> str:
    """The label of the period holding `moment`: ``2025-03-07``, ``2025-W10`` or ``2025-03``."""
    if period == "day":
        return f"{moment:%Y-%m-%d}"
    if period == "month":
        return f"{moment:%Y-%m}"
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def weeks_between(start: datetime, end: datetime) -> float:
    """Whole weeks from `start` to `end`, at least one (a young project counts one week)."""
    return max((end - start) / timedelta(weeks=1), 1.0)
