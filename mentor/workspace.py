"""A workspace: one database of datasets, versions and their history. The SDK's front door."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from mentor.config import Settings, load_settings
from mentor.datasets import datasheet, exporters, importer, versions
from mentor.datasets.diff import VersionDiff, diff_versions
from mentor.datasets.exporters import ExportResult
from mentor.datasets.importer import ImportOptions, ImportResult, Progress
from mentor.datasets.lineage import Lineage, lineage
from mentor.datasets.sheets import Datasheet, stored_datasheet, write_datasheet
from mentor.datasets.transforms import RecordFilter, filter_version, merge_versions
from mentor.datasets.versions import DatasetInfo, VersionInfo
from mentor.errors import InputError
from mentor.progress import tracked
from mentor.qa.fix import FixOptions, FixResult, fix_version
from mentor.qa.gate import GateResult, GateThresholds, combine, load_thresholds, run_gate
from mentor.qa.scan import BATCH_SIZE, ScanConfig, ScanResult, scan
from mentor.qa.sources import ReadOptions
from mentor.records import Record
from mentor.store import (
    AuditEvent,
    list_events,
    migrate,
    open_engine,
    record_event,
    write_transaction,
)

if TYPE_CHECKING:
    from mentor.accounts import Accounts
    from mentor.annotate import Projects
    from mentor.evals import Evals
    from mentor.evals.providers.named import NamedProviders


class Workspace:
    """Everything Mentor keeps in one database; get one with :func:`mentor.connect`."""

    def __init__(self, engine: Engine, settings: Settings, *, trusted: bool = True):
        self.engine = engine
        self.settings = settings
        self.trusted = trusted
        """Whether this caller may write provider specs (commands, URLs, local paths): the CLI
        and the SDK on the server may; the web app's users only pick named providers."""

    @property
    def actor(self) -> str:
        """The name recorded as who made each change."""
        return self.settings.user

    def acting_as(self, user: str) -> Workspace:
        """This workspace (same engine) with `user` recorded as the actor of every change; the
        web app uses it so the audit log names the person signed in. Close only the original."""
        settings = self.settings.model_copy(update={"user": user})
        return Workspace(self.engine, settings, trusted=self.trusted)

    def untrusted(self) -> Workspace:
        """This workspace (same engine, same actor) for callers who must not choose what the
        server runs: provider specs are refused, only named providers may be picked."""
        return Workspace(self.engine, self.settings, trusted=False)

    @cached_property
    def providers(self) -> NamedProviders:
        """Model providers an admin named; the only ones untrusted callers may pick."""
        from mentor.evals.providers.named import NamedProviders

        return NamedProviders(self)

    @cached_property
    def accounts(self) -> Accounts:
        """Users, roles, login sessions and API tokens."""
        from mentor.accounts import Accounts

        return Accounts(self)

    @cached_property
    def projects(self) -> Projects:
        """Annotation projects: guidelines, queues, gold, review, adjudication, release."""
        from mentor.annotate import Projects

        return Projects(self)

    @cached_property
    def evals(self) -> Evals:
        """Evaluation suites, runs, comparisons and gates."""
        from mentor.evals import Evals

        return Evals(self)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    # datasets -----------------------------------------------------------------------------
    def import_file(
        self, path: str | Path, name: str, *, progress: Progress | None = None, **options: Any
    ) -> ImportResult:
        """Import a JSONL/CSV/Parquet/HF file as the next version of dataset `name`.

        Options are the fields of :class:`ImportOptions` (format, map, map_file, skip_invalid, ...).
        """
        opts = ImportOptions(**options)
        if opts.skip_invalid and opts.quarantine is None:
            stamp = versions.now_stamp()
            opts = ImportOptions(
                **{
                    **options,
                    "quarantine": self.settings.home / "quarantine" / f"{name}-{stamp}.jsonl",
                }
            )
        return importer.import_file(
            self.engine, Path(path), name, self.actor, opts, progress, self.settings.max_line_bytes
        )

    def datasets(self) -> list[DatasetInfo]:
        """Every dataset in the workspace."""
        with self.engine.connect() as conn:
            return versions.list_datasets(conn)

    def versions(self, name: str) -> list[VersionInfo]:
        """Every version of dataset `name`, oldest first."""
        with self.engine.connect() as conn:
            return versions.list_versions(conn, name)

    def version(self, ref: str) -> VersionInfo:
        """One version: ``NAME@vN``, or ``NAME`` for the newest."""
        with self.engine.connect() as conn:
            return versions.resolve(conn, ref)

    def records(self, ref: str) -> Iterator[Record]:
        """Stream the records of a version in order."""
        return versions.iter_records(self.engine, self.version(ref).id)

    def diff(self, old: str, new: str, limit: int = 20) -> VersionDiff:
        """Records added, removed and changed (by id) from `old` to `new`."""
        with self.engine.connect() as conn:
            a, b = versions.resolve(conn, old), versions.resolve(conn, new)
            return diff_versions(conn, a.id, b.id, a.ref, b.ref, limit)

    def lineage(self, ref: str) -> Lineage:
        """The graph of versions and source files that `ref` was made from."""
        with self.engine.connect() as conn:
            return lineage(conn, versions.resolve(conn, ref).id)

    def export(
        self,
        ref: str,
        to: str,
        out: str | Path,
        *,
        strict: bool = False,
        progress: Progress | None = None,
    ) -> ExportResult:
        """Write version `ref` in format `to` (see :mod:`mentor.datasets.exporters`) to `out`."""
        version = self.version(ref)
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            if progress is not None and done % 2000 == 0:
                progress(done, version.record_count)

        result = exporters.write(self.records(ref), to, Path(out), tick, strict)
        if progress is not None:
            progress(version.record_count, version.record_count)
        with write_transaction(self.engine) as conn:
            record_event(
                conn,
                actor=self.actor,
                action="version.export",
                object_type="version",
                object_id=version.ref,
                detail={
                    "format": to,
                    "path": str(result.path),
                    "rows": result.written,
                    "sha256": result.sha256,
                },
            )
        return result

    def datasheet(
        self,
        ref: str,
        *,
        notes: str | Path | None = None,
        out: str | Path | None = None,
        progress: Progress | None = None,
    ) -> Datasheet:
        """Write (and keep in the store) the datasheet of `ref`; `notes` adds people's sections."""
        version = self.version(ref)
        return write_datasheet(
            self.engine,
            version,
            tracked(self.records(ref), version.record_count, progress),
            datasheet.load_notes(Path(notes) if notes else None),
            Path(out) if out else None,
            self.actor,
        )

    def stored_datasheet(self, ref: str) -> Datasheet | None:
        """The datasheet last written for `ref`, without recomputing it (None if never written)."""
        return stored_datasheet(self.engine, self.version(ref))

    def filter(
        self,
        ref: str,
        flt: RecordFilter,
        *,
        into: str | None = None,
        note: str = "",
        progress: Progress | None = None,
    ) -> VersionInfo:
        """A new version holding the records of `ref` that pass `flt`."""
        return filter_version(self.engine, ref, flt, self.actor, into, note, progress)

    def merge(
        self,
        refs: list[str],
        into: str,
        *,
        note: str = "",
        description: str = "",
        progress: Progress | None = None,
    ) -> VersionInfo:
        """A new version of `into` concatenating `refs` (lineage keeps every parent)."""
        return merge_versions(self.engine, refs, into, self.actor, note, description, progress)

    def audit(self, limit: int = 100, object_id: str | None = None) -> list[AuditEvent]:
        """The newest audit events first."""
        with self.engine.connect() as conn:
            return list_events(conn, limit=limit, object_id=object_id)

    # dataset health -------------------------------------------------------------------------
    def qa_scan(
        self,
        target: str,
        *,
        checks: str | tuple[str, ...] | None = None,
        against: tuple[str, ...] = (),
        options: dict[str, dict[str, Any]] | None = None,
        executor: str = "local",
        workers: int | None = None,
        batch_size: int = BATCH_SIZE,
        findings: str | Path | None = None,
        html: str | Path | None = None,
        keep_findings: bool = True,
        progress: Progress | None = None,
        **read: Any,
    ) -> ScanResult:
        """Run health checks over a version (``NAME@vN``) or a file not imported yet.

        `checks` defaults to all that apply; `against` names evaluation or reference data
        (versions or files); `read` takes :class:`~mentor.qa.ReadOptions` fields for a file.
        """
        config = ScanConfig(
            checks=checks,
            options=options or {},
            against=tuple(against),
            executor=executor,
            workers=workers,
            batch_size=batch_size,
            read=ReadOptions(**{"max_line_bytes": self.settings.max_line_bytes, **read}),
        )
        return scan(
            self.engine,
            target,
            config,
            progress=progress,
            findings=Path(findings) if findings else None,
            html=Path(html) if html else None,
            keep_findings=keep_findings,
            actor=self.actor,
        )

    def qa_fix(
        self,
        ref: str,
        *,
        executor: str = "local",
        workers: int | None = None,
        progress: Progress | None = None,
        **fixes: Any,
    ) -> FixResult:
        """A new version of `ref` with duplicates and/or defects removed and/or PII redacted.

        `fixes` are the fields of :class:`~mentor.qa.FixOptions` (dedup, redact_pii, ...).
        """
        config = ScanConfig(executor=executor, workers=workers)
        return fix_version(self.engine, ref, FixOptions(**fixes), self.actor, config, progress)

    def qa_gate(
        self,
        target: str,
        thresholds: GateThresholds | None = None,
        *,
        config: str | Path | None = None,
        against: tuple[str, ...] = (),
        executor: str = "local",
        workers: int | None = None,
        progress: Progress | None = None,
        **limits: Any,
    ) -> GateResult:
        """Scan `target` and check it against thresholds: `thresholds`, a YAML `config` file,
        and `limits` (the fields of :class:`~mentor.qa.GateThresholds`) laid over them."""
        if thresholds is not None and config is not None:
            raise InputError("give thresholds or a config file, not both", where="--config")
        base = thresholds or GateThresholds()
        if config is not None:
            base = load_thresholds(Path(config))
        scan_config = ScanConfig(against=tuple(against), executor=executor, workers=workers)
        return run_gate(
            self.engine,
            target,
            combine(base, **limits),
            scan_config,
            progress=progress,
            actor=self.actor,
        )


def connect(url: str | None = None, **settings: Any) -> Workspace:
    """Open (and if needed create and migrate) the workspace at `url` or ``MENTOR_DB``."""
    base = load_settings().model_dump(exclude_unset=True)
    cfg = Settings.model_validate({**base, **settings, **({"db": url} if url else {})})
    engine = open_engine(cfg.db)
    migrate(engine)
    return Workspace(engine, cfg)
