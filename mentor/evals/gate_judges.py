"""What a gate's verdict rests on: the judges behind its grades and their calibration.

A gate condition may require the judge behind it to be calibrated against people::

    conditions:
      - metric: pass-rate
        severity: critical
        min: 0.9
        judge: {name: llm-judge, kappa_min: 0.6, n_min: 50, max_age_days: 90}
    judges:                       # or for the whole gate
      - {name: pairwise, kappa_min: 0.4}

The requirement holds when the judge's LATEST calibration record has a kappa whose lower
confidence bound is at least `kappa_min`, on at least `n_min` items, made at most
`max_age_days` ago (and, with `fingerprint`, of the judge version whose fingerprint starts so).
Records are written by ``mentor judges calibrate``; this module only reads the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, select

from mentor.evals.outcomes import CaseOutcome
from mentor.store.audit import aware, now
from mentor.store.judge_tables import judge_calibrations

JUDGED_TYPES: Final = ("llm-judge", "pairwise")
"""Grader types whose grades come from a judge model (and so need calibrating)."""


class JudgeRequirement(BaseModel):
    """A judge that must be calibrated for a condition (or the gate) to pass."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(min_length=1)
    kappa_min: float = Field(0.6, ge=-1.0, le=1.0)
    n_min: int = Field(50, ge=2)
    max_age_days: float | None = Field(None, gt=0)
    fingerprint: str | None = Field(None, min_length=4, pattern="^[0-9a-f]+$")

    @property
    def label(self) -> str:
        """How reports name it, e.g. ``judge llm-judge calibrated (kappa low >= 0.6, n >= 50)``."""
        age = f", <= {self.max_age_days:g} days old" if self.max_age_days else ""
        bounds = f"kappa low >= {self.kappa_min:g}, n >= {self.n_min}{age}"
        return f"judge {self.name} calibrated ({bounds})"


@dataclass(frozen=True)
class JudgeCalibration:
    """A judge's latest calibration record, as a gate reads it."""

    judge: str
    id: int
    fingerprint_hash: str
    n: int
    kappa: float | None
    low: float | None
    high: float | None
    created_at: datetime

    @property
    def summary(self) -> str:
        """``kappa 0.62 [0.55, 0.69], n=120, 2026-12-06 (#3)``."""
        if self.kappa is None:
            shown = "kappa undefined"
        elif self.low is None or self.high is None:
            shown = f"kappa {self.kappa:.2f}"
        else:
            shown = f"kappa {self.kappa:.2f} [{self.low:.2f}, {self.high:.2f}]"
        return f"{shown}, n={self.n}, {self.created_at:%Y-%m-%d} (#{self.id})"


@dataclass(frozen=True)
class JudgeUse:
    """A judge a gate's verdict rests on, and its latest calibration (None: never)."""

    name: str
    calibration: JudgeCalibration | None
    required: bool  # a condition or the gate asked for its calibration

    @property
    def summary(self) -> str:
        """Its calibration in one line, or ``uncalibrated judge``."""
        return self.calibration.summary if self.calibration else "uncalibrated judge"


def _number(found: Any, key: str) -> float | None:
    value = found.get(key) if isinstance(found, Mapping) else None
    return float(value) if isinstance(value, int | float) else None


def latest_calibrations(conn: Connection, names: Iterable[str]) -> dict[str, JudgeCalibration]:
    """The newest calibration record of each judge in `names` that has one."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    rows = conn.execute(
        select(judge_calibrations)
        .where(judge_calibrations.c.judge.in_(wanted))
        .order_by(judge_calibrations.c.created_at, judge_calibrations.c.id)
    )
    found: dict[str, JudgeCalibration] = {}
    for r in rows:
        kappa = (r.stats or {}).get("kappa", {})
        found[r.judge] = JudgeCalibration(
            r.judge,
            r.id,
            r.fingerprint_hash,
            r.n,
            _number(kappa, "value"),
            _number(kappa, "low"),
            _number(kappa, "high"),
            aware(r.created_at),
        )
    return found


def judged_graders(outcomes: Sequence[CaseOutcome]) -> list[str]:
    """The names of the graders of `outcomes` whose grades come from a judge model."""
    names = {spec.label for o in outcomes for spec in o.case.graders if spec.type in JUDGED_TYPES}
    return sorted(names)


def unmet(
    req: JudgeRequirement, found: JudgeCalibration | None, at: datetime | None = None
) -> str | None:
    """Why `found` does not meet `req` (None when it does)."""
    fix = f"run `mentor judges calibrate {req.name} --against PROJECT|FILE`"
    if found is None:
        return f"judge {req.name} has no calibration against people; {fix}"
    which = f"judge {req.name} (calibration {found.summary})"
    if req.fingerprint and not found.fingerprint_hash.startswith(req.fingerprint):
        return (
            f"{which} is of judge version {found.fingerprint_hash[:12]}, not {req.fingerprint}; "
            f"{fix}"
        )
    if found.n < req.n_min:
        return f"{which} rests on {found.n} items, fewer than {req.n_min}"
    if found.low is None:
        return f"{which} has no kappa interval to judge"
    if found.low < req.kappa_min:
        return f"{which}: kappa lower bound {found.low:.3g} is below {req.kappa_min:g}"
    age = ((at or now()) - found.created_at).total_seconds() / 86400
    if req.max_age_days is not None and age > req.max_age_days:
        return f"{which} is {age:.0f} days old, older than {req.max_age_days:g}; {fix}"
    return None
