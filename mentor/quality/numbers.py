"""Numbers on the quality pages as people read them: shares, statistics, intervals, durations."""

from __future__ import annotations

NO_DATA = "no data"


def pct(value: float | None) -> str:
    """A share as a percentage, or an em dash."""
    return "—" if value is None else f"{value:.1%}"


def num(value: float | None, digits: int = 3) -> str:
    """A statistic with `digits` decimals, or an em dash."""
    return "—" if value is None else f"{value:.{digits}f}"


def interval(low: float | None, high: float | None, percent: bool = False) -> str:
    """A 95% interval as ``low to high``, or empty."""
    if low is None or high is None:
        return ""
    shown = pct if percent else num
    return f"{shown(low)} to {shown(high)}"


def seconds(value: float | None) -> str:
    """A duration in seconds, or an em dash."""
    return "—" if value is None else f"{value:,.1f} s"
