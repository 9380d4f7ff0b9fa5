"""A workspace: one database of datasets, versions and their history. The SDK's front door."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from mentor.config import Settings, load_settings
from mentor.datasets import importer, versions
from mentor.datasets.importer import ImportOptions, ImportResult, Progress
from mentor.datasets.versions import DatasetInfo, VersionInfo
from mentor.records import Record
from mentor.store import AuditEvent, list_events, migrate, open_engine


class Workspace:
    """Everything Mentor keeps in one database; get one with :func:`mentor.connect`."""

    def __init__(self, engine: Engine, settings: Settings):
        self.engine = engine
        self.settings = settings

    @property
    def actor(self) -> str:
        """The name recorded as who made each change."""
        return self.settings.user

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    # datasets -----------------------------------------------------------------------------
    def import_file(self, path: str | Path, name: str, *, progress: Progress | None = None,
                    **options: Any) -> ImportResult:
        """Import a JSONL/CSV/Parquet/HF file as the next version of dataset `name`.

        Options are the fields of :class:`ImportOptions` (format, map, map_file, skip_invalid, ...).
        """
        opts = ImportOptions(**options)
        if opts.skip_invalid and opts.quarantine is None:
            stamp = versions.now_stamp()
            opts = ImportOptions(**{**options, "quarantine":
                                    self.settings.home / "quarantine" / f"{name}-{stamp}.jsonl"})
        return importer.import_file(self.engine, Path(path), name, self.actor, opts, progress,
                                    self.settings.max_line_bytes)

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

    def audit(self, limit: int = 100, object_id: str | None = None) -> list[AuditEvent]:
        """The newest audit events first."""
        with self.engine.connect() as conn:
            return list_events(conn, limit=limit, object_id=object_id)


def connect(url: str | None = None, **settings: Any) -> Workspace:
    """Open (and if needed create and migrate) the workspace at `url` or ``MENTOR_DB``."""
    base = load_settings()
    cfg = base.model_copy(update={**settings, **({"db": url} if url else {})})
    engine = open_engine(cfg.db)
    migrate(engine)
    return Workspace(engine, cfg)
