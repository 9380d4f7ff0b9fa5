"""The dataset facade a Workspace hands out as ``ws.datasets``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mentor.datasets import datasheet, exporters, importer, versions
from mentor.datasets.diff import VersionDiff, diff_versions
from mentor.datasets.exporters import ExportResult
from mentor.datasets.importer import ImportOptions, ImportResult
from mentor.datasets.lineage import Lineage, lineage
from mentor.datasets.sheets import Datasheet, stored_datasheet, write_datasheet
from mentor.datasets.transforms import RecordFilter, filter_version, merge_versions
from mentor.datasets.versions import DatasetInfo, VersionInfo
from mentor.errors import InputError
from mentor.progress import Progress, tracked
from mentor.records import Record
from mentor.store import record_event, write_transaction

if TYPE_CHECKING:
    from mentor.workspace import Workspace


class Datasets:
    """Datasets and their immutable versions: import, inspect, transform, document, export."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    def all(self) -> list[DatasetInfo]:
        """Every dataset in the workspace."""
        with self.ws.engine.connect() as conn:
            return versions.list_datasets(conn)

    def versions(self, name: str) -> list[VersionInfo]:
        """Every version of dataset `name`, oldest first."""
        with self.ws.engine.connect() as conn:
            return versions.list_versions(conn, name)

    def version(self, ref: str) -> VersionInfo:
        """One version: ``NAME@vN``, or ``NAME`` for the newest."""
        with self.ws.engine.connect() as conn:
            return versions.resolve(conn, ref)

    def records(self, ref: str) -> Iterator[Record]:
        """Stream the records of a version in order."""
        return versions.iter_records(self.ws.engine, self.version(ref).id)

    def import_file(
        self,
        path: str | Path,
        name: str,
        *,
        format: str | None = None,
        map: str | None = None,
        map_file: str | Path | None = None,
        skip_invalid: bool = False,
        quarantine: str | Path | None = None,
        split: str | None = None,
        description: str = "",
        note: str = "",
        progress: Progress | None = None,
        kind: str | None = None,
        ignore_fields: Sequence[str] = (),
    ) -> ImportResult:
        """Import a JSONL/JSON/CSV/Parquet/HF file as the next version of dataset `name`.

        `format` defaults to the file name's; `map` is a preset and `map_file` a YAML map of
        columns; `kind` settles what the auto map detects (rows that could be two kinds);
        input keys named in `ignore_fields` are left out, and any other key the map does not
        use is kept in the record's ``meta``. With `skip_invalid` bad rows go to `quarantine`, a
        new file (default: one under MENTOR_HOME/quarantine/) instead of failing the import.
        """
        if quarantine is not None and not skip_invalid:
            raise InputError(
                "a quarantine file is written only with --skip-invalid (without it a bad row "
                "stops the import); add --skip-invalid or leave --quarantine out",
                where="--quarantine",
            )
        opts = ImportOptions(
            format=format,
            map=map,
            map_file=Path(map_file) if map_file is not None else None,
            skip_invalid=skip_invalid,
            quarantine=Path(quarantine) if quarantine is not None else None,
            quarantine_dir=self.ws.settings.home / "quarantine",
            split=split,
            description=description,
            note=note,
            kind=kind,
            ignore_fields=tuple(ignore_fields),
        )
        return importer.import_file(
            self.ws.engine,
            Path(path),
            name,
            self.ws.actor,
            opts,
            progress,
            self.ws.settings.max_line_bytes,
        )

    def diff(self, old: str, new: str, limit: int = 20) -> VersionDiff:
        """Records added, removed and changed (by id) from `old` to `new`."""
        if limit < 0:
            raise InputError(f"expected 0 or more ids per group, got {limit}", where="--limit")
        with self.ws.engine.connect() as conn:
            a, b = versions.resolve(conn, old), versions.resolve(conn, new)
            return diff_versions(conn, a.id, b.id, a.ref, b.ref, limit)

    def lineage(self, ref: str) -> Lineage:
        """The graph of versions and source files that `ref` was made from."""
        with self.ws.engine.connect() as conn:
            return lineage(conn, versions.resolve(conn, ref).id)

    def export(
        self,
        ref: str,
        to: str,
        out: str | Path,
        *,
        strict: bool = False,
        allow_empty: bool = False,
        progress: Progress | None = None,
    ) -> ExportResult:
        """Write version `ref` in format `to` (see :mod:`mentor.datasets.exporters`) to `out`.

        Records the format cannot hold are left out and counted by reason (`strict`: the first
        stops the export); writing no rows is an error unless `allow_empty`.
        """
        if not str(out).strip():
            raise InputError("the path is empty; expected the file to write", where="OUT")
        version = self.version(ref)
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            if progress is not None and done % 2000 == 0:
                progress(done, version.record_count)

        result = exporters.write(self.records(ref), to, Path(out), tick, strict, allow_empty)
        if progress is not None:
            progress(version.record_count, version.record_count)
        with write_transaction(self.ws.engine) as conn:
            record_event(
                conn,
                actor=self.ws.actor,
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
            self.ws.engine,
            version,
            tracked(self.records(ref), version.record_count, progress),
            datasheet.load_notes(Path(notes) if notes else None),
            Path(out) if out else None,
            self.ws.actor,
        )

    def stored_datasheet(self, ref: str) -> Datasheet | None:
        """The datasheet last written for `ref`, without recomputing it (None if never written)."""
        return stored_datasheet(self.ws.engine, self.version(ref))

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
        return filter_version(self.ws.engine, ref, flt, self.ws.actor, into, note, progress)

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
        return merge_versions(
            self.ws.engine, refs, into, self.ws.actor, note, description, progress
        )
