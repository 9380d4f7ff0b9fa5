"""Datasets and their immutable versions: import, transform, compare, document, export."""

from typing import TYPE_CHECKING

from mentor import lazy

if TYPE_CHECKING:
    from mentor.datasets.diff import ChangedRecord, VersionDiff
    from mentor.datasets.exporters import ExportResult
    from mentor.datasets.importer import ImportOptions, ImportResult
    from mentor.datasets.lineage import Lineage, LineageNode
    from mentor.datasets.service import Datasets
    from mentor.datasets.sheets import Datasheet
    from mentor.datasets.transforms import RecordFilter
    from mentor.datasets.versions import DatasetInfo, SourceInfo, VersionInfo
    from mentor.progress import Progress

__getattr__, __dir__ = lazy.exports(__name__)

__all__ = [
    "ChangedRecord",
    "DatasetInfo",
    "Datasets",
    "Datasheet",
    "ExportResult",
    "ImportOptions",
    "ImportResult",
    "Lineage",
    "LineageNode",
    "Progress",
    "RecordFilter",
    "SourceInfo",
    "VersionDiff",
    "VersionInfo",
]
