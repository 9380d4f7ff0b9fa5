"""Numbers as the reports print them: one fixed format each, so a report regenerated from the
same store is byte-identical, and Markdown table cells that cannot break a table."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from mentor.evals.compare import Difference, Proportion

DASH: Final = "—"
BAR_CELLS: Final = 10
TAG_START: Final = re.compile(r"<(?=[A-Za-z/!?])")


def pct(value: float | None) -> str:
    """A share as ``83.3%`` (an em dash when unknown)."""
    return DASH if value is None else f"{value:.1%}"


def signed(value: float | None) -> str:
    """A change in percentage points as ``+12.5 pp``."""
    return DASH if value is None else f"{value * 100:+.1f} pp"


def ci(low: float | None, high: float | None) -> str:
    """An interval as ``[61.2%, 94.0%]`` (an em dash when unknown)."""
    return DASH if low is None or high is None else f"[{low:.1%}, {high:.1%}]"


def share(p: Proportion) -> str:
    """``5/6 = 83.3% [43.6%, 97.0%]``: a proportion with its count and Wilson interval."""
    if p.n == 0:
        return "no cases"
    return f"{p.successes}/{p.n} = {pct(p.value)} {ci(p.low, p.high)}"


def difference(d: Difference | None) -> str:
    """A paired difference with its bootstrap interval, in percentage points."""
    if d is None:
        return "no case judged in both runs"
    return f"{signed(d.mean)} [{signed(d.low)}, {signed(d.high)}] over {d.n} paired cases"


def when(value: datetime | None) -> str:
    """A store time as ``2026-12-06 12:02 UTC``."""
    return "an empty store" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


def bar(value: float | None) -> str:
    """A text bar of a share (``█████░░░░░``): the Markdown's chart, drawn in characters."""
    if value is None:
        return ""
    full = int(max(0.0, min(1.0, value)) * BAR_CELLS + 0.5)
    return "█" * full + "░" * (BAR_CELLS - full)


def cell(value: object) -> str:
    """Text from data made safe for a Markdown table cell: no pipes, no newlines, no raw HTML."""
    text = str(value).replace("\r", " ").replace("\n", " ").replace("|", "\\|")
    return TAG_START.sub("&lt;", text)


def excerpt(text: str | None, most: int = 160) -> str:
    """The start of a model output, on one line, cut at `most` characters."""
    if text is None:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= most else flat[: most - 1] + "…"
