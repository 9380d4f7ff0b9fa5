"""Fixing a version: drop duplicates and defective records, redact PII, as a new version.

The source version is never touched (versions are immutable). The fix first scans the source
with the checks it needs, then streams the source again into a new version inside one
transaction, so an error leaves nothing behind. The new version's lineage records the
transform ``qa-fix``, its parameters and how many records were removed and changed, and why.
When there is nothing to fix no version is made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Engine

from mentor.datasets.versions import VersionInfo, by_id, check_name, iter_records, resolve
from mentor.datasets.writer import VersionSpec, VersionWriter
from mentor.errors import InputError
from mentor.progress import Progress
from mentor.qa.executors import make_executor
from mentor.qa.findings import SEVERITIES, Finding, Severity
from mentor.qa.gate import COPY_CODES
from mentor.qa.scan import ScanConfig, build_checks, modules, run_checks
from mentor.qa.sources import stored_source
from mentor.qa.summary import RANK
from mentor.records import Record
from mentor.store.engine import write_transaction


@dataclass(frozen=True)
class FixOptions:
    """What to fix. `defect_severity`: drop records with a lint finding this severe or worse."""

    dedup: bool = False
    redact_pii: bool = False
    drop_defects: bool = False
    defect_severity: Severity = "low"
    into: str | None = None
    note: str = ""

    def checks(self) -> tuple[str, ...]:
        """The checks whose findings this fix acts on."""
        wanted = {
            "lint": self.drop_defects,
            "exact-dup": self.dedup,
            "near-dup": self.dedup,
            "pii": self.redact_pii,
        }
        return tuple(name for name, on in wanted.items() if on)

    def params(self) -> dict[str, Any]:
        """The options as lineage keeps them."""
        out: dict[str, Any] = {
            k: True for k in ("dedup", "redact_pii", "drop_defects") if getattr(self, k)
        }
        if self.drop_defects:
            out["defect_severity"] = self.defect_severity
        return out


@dataclass(frozen=True)
class FixResult:
    """The new version (or the source, when nothing needed fixing) and what changed."""

    source: VersionInfo
    version: VersionInfo
    removed: dict[str, int]
    changed: dict[str, int]
    unchanged: bool


@dataclass
class _Plan:
    """Which records to drop (id -> reason) and which PII spans to redact in which records."""

    drop: dict[str, str] = field(default_factory=dict)
    pii: dict[str, list[Finding]] = field(default_factory=lambda: defaultdict(list))
    defects: set[str] = field(default_factory=set)
    clusters: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    copies: set[str] = field(default_factory=set)

    def take(self, finding: Finding, opts: FixOptions) -> None:
        if finding.check == "lint":
            if RANK[finding.severity] <= RANK[opts.defect_severity]:
                self.defects.add(finding.record_id)
        elif finding.check == "pii":
            if finding.span is not None:
                self.pii[finding.record_id].append(finding)
        elif finding.check in COPY_CODES and finding.group is not None:
            members = self.clusters[f"{finding.check}:{finding.group}"]
            if finding.code in COPY_CODES[finding.check]:
                self.copies.add(finding.record_id)
                members.append(finding.record_id)
            else:  # the keeper comes first, whenever its finding arrives
                members.insert(0, finding.record_id)

    def settle(self) -> None:
        """Defects go; copies go, except where that would leave a cluster with no member."""
        self.drop = dict.fromkeys(self.defects, "defect")
        for members in self.clusters.values():
            survivors = [m for m in members if m not in self.defects]
            keep = next((m for m in survivors if m not in self.copies), None)
            keep = keep or (survivors[0] if survivors else None)
            for member in survivors:
                if member != keep and member in self.copies:
                    self.drop.setdefault(member, "duplicate")


def _plan(
    engine: Engine,
    source: VersionInfo,
    opts: FixOptions,
    config: ScanConfig,
    progress: Progress | None,
) -> _Plan:
    plan = _Plan()
    scan_config = replace(config, checks=opts.checks(), against=())
    checks = build_checks(scan_config, {})
    executor = make_executor(config.executor, config.workers, modules(checks))
    stream = stored_source(engine, source)
    run_checks(
        stream,
        checks,
        executor,
        lambda f: plan.take(f, opts),
        batch_size=config.batch_size,
        progress=progress,
    )
    plan.settle()
    return plan


def _target_name(into: str | None) -> str | None:
    """The dataset `--into` names, checked (None: the source's own)."""
    return check_name(into, where="--into") if into else None


def fix_version(
    engine: Engine,
    ref: str,
    opts: FixOptions,
    actor: str,
    config: ScanConfig | None = None,
    progress: Progress | None = None,
) -> FixResult:
    """Make the fixed version of `ref` (see the module docstring)."""
    if not opts.checks():
        raise InputError("nothing to fix: give --dedup, --redact-pii and/or --drop-defects")
    if opts.defect_severity not in SEVERITIES:
        raise InputError(
            f"unknown severity '{opts.defect_severity}'; expected one of {', '.join(SEVERITIES)}",
            where="--defect-severity",
        )
    name = _target_name(opts.into)
    with engine.connect() as conn:
        source = resolve(conn, ref)
    total = source.record_count

    def tell(done: int) -> None:
        # Two passes over the source: the scan, then the copy.
        if progress is not None:
            progress(done, 2 * total)

    plan = _plan(engine, source, opts, config or ScanConfig(), lambda d, _: tell(d))
    removed: dict[str, int] = defaultdict(int)
    for reason in plan.drop.values():
        removed[reason] += 1
    redacted = sum(1 for rid in plan.pii if rid not in plan.drop)
    changed = {"redacted": redacted} if redacted else {}
    if not plan.drop and not redacted:
        return FixResult(source, source, {}, {}, unchanged=True)

    from mentor.qa.redact import redact_record  # only a fix that redacts needs the PII rules

    def fixed() -> Iterator[Record]:
        for done, rec in enumerate(iter_records(engine, source.id), start=1):
            if done % 2000 == 0:
                tell(total + done)
            if rec["id"] in plan.drop:
                continue
            found = plan.pii.get(rec["id"])
            yield redact_record(rec, found) if found else rec
        tell(2 * total)

    params = {"from": source.ref, **opts.params(), "removed": dict(removed), "changed": changed}
    version = _write(engine, name or source.dataset, source, params, fixed(), actor, opts.note)
    return FixResult(source, version, dict(removed), changed, unchanged=False)


def _write(
    engine: Engine,
    name: str,
    source: VersionInfo,
    params: dict[str, Any],
    records: Iterator[Record],
    actor: str,
    note: str,
) -> VersionInfo:
    with write_transaction(engine) as conn:
        spec = VersionSpec(
            dataset=name,
            actor=actor,
            transform="qa-fix",
            params=params,
            parents=(source.id,),
            note=note,
        )
        writer = VersionWriter(conn, spec)
        for rec in records:
            writer.add(rec)
        writer.flush()
        if writer.count == 0:
            raise InputError("the fix would remove every record; nothing was written")
        writer.finish()
        return by_id(conn, writer.version_id)
