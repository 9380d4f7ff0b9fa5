"""Release gates on dataset health: thresholds, from flags or a YAML file, checked on a scan.

=======================  ==================================================================
threshold                what is measured
=======================  ==================================================================
``max_defect_rate``      share of records with a lint finding of ``defect_severity``
                         (default ``low``) or worse
``max_pii``              PII findings of a severity or worse, e.g. ``{high: 0}`` allows no
                         ``high`` or ``critical`` finding
``max_contamination``    evaluation items that training records overlap
``max_exact_dup_rate``   share of records that are exact copies of an earlier record
``max_near_dup_rate``    share of records that are near-copies of an earlier record
=======================  ==================================================================

A gate runs only the checks its thresholds need.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Final

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import Engine

from mentor import yamlfile
from mentor.errors import InputError
from mentor.progress import Progress
from mentor.qa.findings import SEVERITIES, Severity
from mentor.qa.scan import ScanConfig, audit, scan
from mentor.qa.sources import is_file_target
from mentor.qa.summary import Summary
from mentor.textfile import read_text

RATES: Final = ("max_defect_rate", "max_exact_dup_rate", "max_near_dup_rate")
# The codes that mark a record as a copy of an earlier one, per duplicate check.
COPY_CODES: Final = {"exact-dup": ("duplicate",), "near-dup": ("near-duplicate",)}


@dataclass(frozen=True)
class GateThresholds:
    """Limits a dataset version must stay within; None (or no entry) means not gated."""

    max_defect_rate: float | None = None
    max_pii: Mapping[Severity, int] = field(default_factory=dict)
    max_contamination: int | None = None
    max_exact_dup_rate: float | None = None
    max_near_dup_rate: float | None = None
    defect_severity: Severity = "low"
    """The least severe lint finding that makes a record count as a defect."""

    def check(self) -> None:
        """Refuse limits that make no sense, naming the flag."""
        for name in RATES:
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise InputError(f"expected a rate between 0 and 1, got {value}", where=_flag(name))
        if self.max_contamination is not None and self.max_contamination < 0:
            raise InputError(
                f"expected a count of 0 or more, got {self.max_contamination}",
                where="--max-contamination",
            )
        if self.defect_severity not in SEVERITIES:
            raise InputError(
                f"unknown severity '{self.defect_severity}'; expected one of "
                f"{', '.join(SEVERITIES)}",
                where="--defect-severity",
            )
        for severity, limit in self.max_pii.items():
            if severity not in SEVERITIES:
                raise InputError(
                    f"unknown severity '{severity}'; expected one of {', '.join(SEVERITIES)}",
                    where="--max-pii",
                )
            if limit < 0:
                raise InputError(f"expected a count of 0 or more, got {limit}", where="--max-pii")

    @property
    def empty(self) -> bool:
        """Whether no threshold is set."""
        return not self.max_pii and all(
            getattr(self, name) is None for name in (*RATES, "max_contamination")
        )

    def checks(self) -> tuple[str, ...]:
        """The checks a scan must run to measure these thresholds."""
        needed = {
            "lint": self.max_defect_rate is not None,
            "exact-dup": self.max_exact_dup_rate is not None,
            "near-dup": self.max_near_dup_rate is not None,
            "pii": bool(self.max_pii),
            "contamination": self.max_contamination is not None,
        }
        return tuple(name for name, wanted in needed.items() if wanted)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


@dataclass(frozen=True)
class Criterion:
    """One threshold as measured: its value, its limit and whether it held."""

    name: str
    value: float
    limit: float
    passed: bool
    reason: str


@dataclass(frozen=True)
class GateResult:
    """Pass or fail, every criterion measured, and the scan they were measured on."""

    passed: bool
    criteria: tuple[Criterion, ...]
    summary: Summary

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the gate failed, one line per broken threshold (empty when it passed)."""
        return tuple(c.reason for c in self.criteria if not c.passed)


class _GateFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_defect_rate: float | None = None
    max_pii: dict[str, int] = {}
    max_contamination: int | None = None
    max_exact_dup_rate: float | None = None
    max_near_dup_rate: float | None = None
    defect_severity: str = "low"


def load_thresholds(path: Path) -> GateThresholds:
    """Thresholds from a YAML file (keys as the flags, with underscores)."""
    text = read_text(path, "YAML file of gate thresholds (--config)")
    try:
        raw = yamlfile.load(text, str(path))
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", where=str(path)) from exc
    try:
        parsed = _GateFile.model_validate(raw or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(
            err["msg"], where=str(path), field=".".join(str(p) for p in err["loc"])
        ) from exc
    try:
        pii = _severities(parsed.max_pii)
        thresholds = GateThresholds(**{**parsed.model_dump(), "max_pii": pii})
        thresholds.check()
    except InputError as exc:
        raise InputError(exc.reason, where=str(path), field=_key(exc.where)) from exc
    return thresholds


def _key(flag: str | None) -> str | None:
    return flag.removeprefix("--").replace("-", "_") if flag else None


def _severities(limits: Mapping[str, int]) -> dict[Severity, int]:
    out: dict[Severity, int] = {}
    for name, limit in limits.items():
        severity = next((s for s in SEVERITIES if s == name.strip().lower()), None)
        if severity is None:
            raise InputError(
                f"unknown severity '{name}'; expected one of {', '.join(SEVERITIES)}",
                where="--max-pii",
            )
        out[severity] = limit
    return out


def parse_pii(items: Sequence[str]) -> dict[Severity, int]:
    """``--max-pii`` values: ``high=0``, ``medium=5`` (or comma-separated in one value)."""
    limits: dict[str, int] = {}
    for item in (part for value in items for part in value.split(",") if part.strip()):
        name, sep, count = item.partition("=")
        try:
            limits[name.strip()] = int(count)
        except ValueError:
            raise InputError(
                f"expected SEVERITY=COUNT such as high=0, got '{item}'", where="--max-pii"
            ) from None
        if not sep:
            raise InputError(f"expected SEVERITY=COUNT, got '{item}'", where="--max-pii")
    return _severities(limits)


def combine(base: GateThresholds, **flags: Any) -> GateThresholds:
    """`base` (e.g. from a file) with the flags that were given laid over it."""
    unknown = sorted(set(flags) - {f.name for f in fields(GateThresholds)})
    if unknown:
        known = ", ".join(f.name for f in fields(GateThresholds))
        raise InputError(f"unknown threshold(s) {', '.join(unknown)}; expected {known}")
    given = {k: v for k, v in flags.items() if v is not None and v != {}}
    if "max_pii" in given:
        given["max_pii"] = {**base.max_pii, **_severities(given["max_pii"])}
    thresholds = replace(base, **given)
    thresholds.check()
    return thresholds


def _copies(summary: Summary, check: str) -> int:
    codes = summary.by_code.get(check, {})
    return sum(codes.get(code, 0) for code in COPY_CODES[check])


def evaluate(summary: Summary, thresholds: GateThresholds) -> GateResult:
    """Measure `summary` against every threshold that is set."""
    found: list[Criterion] = []

    def rate(name: str, value: float, limit: float | None, what: str) -> None:
        if limit is not None:
            ok = value <= limit
            found.append(
                Criterion(
                    name, value, limit, ok, f"{what} {value:.2%} is over the limit {limit:.2%}"
                )
            )

    def count(name: str, value: int, limit: int | None, what: str) -> None:
        if limit is not None:
            found.append(
                Criterion(
                    name, value, limit, value <= limit, f"{what}: {value:,} (limit {limit:,})"
                )
            )

    records = summary.records or 1
    rate(
        "defect rate",
        summary.rate("lint", thresholds.defect_severity),
        thresholds.max_defect_rate,
        "defect rate",
    )
    rate(
        "exact-dup rate",
        _copies(summary, "exact-dup") / records,
        thresholds.max_exact_dup_rate,
        "exact-duplicate rate",
    )
    rate(
        "near-dup rate",
        _copies(summary, "near-dup") / records,
        thresholds.max_near_dup_rate,
        "near-duplicate rate",
    )
    for severity in sorted(thresholds.max_pii, key=SEVERITIES.index):
        count(
            f"pii {severity}+",
            summary.count("pii", severity),
            thresholds.max_pii[severity],
            f"PII findings of severity {severity} or worse",
        )
    count(
        "contamination",
        summary.groups.get("contamination", 0),
        thresholds.max_contamination,
        "evaluation items found in the training data",
    )
    return GateResult(all(c.passed for c in found), tuple(found), summary)


def run_gate(
    engine: Engine,
    target: str,
    thresholds: GateThresholds,
    config: ScanConfig | None = None,
    *,
    progress: Progress | None = None,
    actor: str | None = None,
) -> GateResult:
    """Scan `target` with the checks `thresholds` need and measure it against them.

    With an `actor`, the verdict on a stored version is kept in the audit log.
    """
    thresholds.check()
    if thresholds.empty:
        raise InputError(
            "no thresholds given: use --max-defect-rate, --max-pii, --max-contamination, "
            "--max-exact-dup-rate, --max-near-dup-rate or --config FILE",
            where="--config",
        )
    config = config or ScanConfig()
    if thresholds.max_contamination is not None and not config.against:
        raise InputError(
            "--max-contamination needs evaluation data to compare with", where="--against"
        )
    scanned = scan(
        engine,
        target,
        replace(config, checks=thresholds.checks()),
        progress=progress,
        keep_findings=False,
    )
    result = evaluate(scanned.summary, thresholds)
    if actor is not None and not is_file_target(target):
        audit(
            engine,
            actor,
            "qa.gate",
            result.summary,
            {"passed": result.passed, "reasons": list(result.reasons)},
        )
    return result
