"""Next actions a report suggests, derived from its data: regressed cases and categories,
regression escapes, gate failures and judges that need calibrating. People edit them; the
Markdown keeps their edits between regenerations (see :mod:`mentor.reports.edits`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mentor.reports.numbers import pct
from mentor.reports.trust import JudgeCaveat

if TYPE_CHECKING:
    from mentor.reports.quality_update import SuiteUpdate

NOTHING = "Nothing in the data calls for action: no regression, new issue or judge caveat."


def _calibrate(caveats: Sequence[JudgeCaveat]) -> list[str]:
    return [
        f"Calibrate judge `{c.judge}` against people "
        f"(`mentor judges calibrate {c.judge} --against PROJECT|FILE`): {c.problem.split(';')[0]}."
        for c in caveats
    ]


def quality_actions(
    updates: Sequence[SuiteUpdate], caveats: Sequence[JudgeCaveat]
) -> tuple[str, ...]:
    """One line per thing to look into, suite by suite, then the judges."""
    lines: list[str] = []
    for u in updates:
        if u.regressions:
            critical = [e.case_id for e in u.regressions if e.severity == "critical"]
            lines.append(
                f"{u.suite}: review the {len(u.regressions)} case(s) that regressed in run "
                f"#{u.latest.id}"
                + (f" (critical: {', '.join(f'`{c}`' for c in critical)})" if critical else "")
                + "."
            )
        for e in u.errors:
            if e.status in ("new", "regressed"):
                lines.append(
                    f"{u.suite}: error category `{e.category}` is {e.status} "
                    f"({pct(e.rate.value)} of run #{u.latest.id}'s results); find its cause."
                )
        for esc in u.escapes:
            lines.append(
                f"{u.suite}: case `{esc.case_id}` failed again in run #{esc.failed_again_in} "
                f"after run #{esc.fixed_in} fixed it; guard it with a regression case."
            )
    lines += _calibrate(caveats)
    return tuple(lines) or (NOTHING,)


def release_actions(
    failures: Sequence[str],
    regressed: Sequence[str],
    risks: Sequence[str],
    caveats: Sequence[JudgeCaveat],
) -> tuple[str, ...]:
    """What to do before releasing: fix the gate's failures, look at regressions and risks."""
    lines = [f"Fix the failed gate condition: {f}." for f in failures]
    if regressed:
        shown = ", ".join(f"`{c}`" for c in regressed[:10])
        lines.append(f"Review the {len(regressed)} regressed case(s): {shown}.")
    lines += [f"Decide whether this known risk blocks the release: {r}." for r in risks]
    lines += _calibrate(caveats)
    return tuple(lines) or (NOTHING,)
