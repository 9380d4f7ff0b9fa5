"""The dataset-health facade a Workspace hands out as ``ws.qa``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mentor.errors import InputError
from mentor.progress import Progress
from mentor.qa.findings import Severity
from mentor.qa.fix import FixOptions, FixResult, fix_version
from mentor.qa.gate import GateResult, GateThresholds, combine, load_thresholds, run_gate
from mentor.qa.scan import BATCH_SIZE, ScanConfig, ScanResult, scan
from mentor.qa.sources import ReadOptions

if TYPE_CHECKING:
    from mentor.workspace import Workspace


class DatasetHealth:
    """Health checks over dataset versions (or files not imported yet), fixes and gates."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    def scan(
        self,
        target: str,
        *,
        checks: str | tuple[str, ...] | None = None,
        against: tuple[str, ...] = (),
        options: Mapping[str, Mapping[str, Any]] | None = None,
        executor: str = "local",
        workers: int | None = None,
        batch_size: int = BATCH_SIZE,
        findings: str | Path | None = None,
        html: str | Path | None = None,
        keep_findings: bool = True,
        format: str | None = None,
        map: str | None = None,
        map_file: str | Path | None = None,
        split: str | None = None,
        progress: Progress | None = None,
        audit: bool = True,
    ) -> ScanResult:
        """Run health checks over a version (``NAME@vN``) or a file not imported yet.

        `checks` defaults to all that apply; `against` names evaluation or reference data
        (versions or files); `format`, `map`, `map_file` and `split` say how to read a file
        (as for :meth:`~mentor.datasets.Datasets.import_file`). A scan of a version is kept in
        the audit log unless `audit` is False (a page that only shows a report: a read).
        """
        read = ReadOptions(
            format=format,
            map=map,
            map_file=Path(map_file) if map_file is not None else None,
            split=split,
            max_line_bytes=self.ws.settings.max_line_bytes,
        )
        config = ScanConfig(
            checks=checks,
            options=options or {},
            against=tuple(against),
            executor=executor,
            workers=workers,
            batch_size=batch_size,
            read=read,
        )
        return scan(
            self.ws.engine,
            target,
            config,
            progress=progress,
            findings=Path(findings) if findings else None,
            html=Path(html) if html else None,
            keep_findings=keep_findings,
            actor=self.ws.actor if audit else None,
        )

    def fix(
        self,
        ref: str,
        *,
        dedup: bool = False,
        redact_pii: bool = False,
        drop_defects: bool = False,
        defect_severity: Severity = "low",
        into: str | None = None,
        note: str = "",
        executor: str = "local",
        workers: int | None = None,
        progress: Progress | None = None,
    ) -> FixResult:
        """A new version of `ref` with duplicates (`dedup`) and/or records with lint findings
        (`drop_defects`, from `defect_severity` up) removed and/or PII redacted."""
        fixes = FixOptions(
            dedup=dedup,
            redact_pii=redact_pii,
            drop_defects=drop_defects,
            defect_severity=defect_severity,
            into=into,
            note=note,
        )
        config = ScanConfig(executor=executor, workers=workers)
        return fix_version(self.ws.engine, ref, fixes, self.ws.actor, config, progress)

    def gate(
        self,
        target: str,
        thresholds: GateThresholds | None = None,
        *,
        config: str | Path | None = None,
        against: tuple[str, ...] = (),
        executor: str = "local",
        workers: int | None = None,
        max_defect_rate: float | None = None,
        max_pii: Mapping[Severity, int] | Mapping[str, int] | None = None,
        max_contamination: int | None = None,
        max_exact_dup_rate: float | None = None,
        max_near_dup_rate: float | None = None,
        defect_severity: Severity | None = None,
        progress: Progress | None = None,
    ) -> GateResult:
        """Scan `target` and check it against thresholds: `thresholds`, a YAML `config` file,
        and the limits given here (as the fields of :class:`~mentor.qa.GateThresholds`) laid
        over them."""
        if thresholds is not None and config is not None:
            raise InputError("give thresholds or a config file, not both", where="--config")
        base = thresholds or GateThresholds()
        if config is not None:
            base = load_thresholds(Path(config))
        limits = combine(
            base,
            max_defect_rate=max_defect_rate,
            max_pii=dict(max_pii or {}),
            max_contamination=max_contamination,
            max_exact_dup_rate=max_exact_dup_rate,
            max_near_dup_rate=max_near_dup_rate,
            defect_severity=defect_severity,
        )
        scan_config = ScanConfig(against=tuple(against), executor=executor, workers=workers)
        return run_gate(
            self.ws.engine, target, limits, scan_config, progress=progress, actor=self.ws.actor
        )
