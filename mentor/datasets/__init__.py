"""Datasets and their immutable versions: import, transform, compare, document, export."""

from mentor.datasets.diff import ChangedRecord, VersionDiff
from mentor.datasets.exporters import ExportResult
from mentor.datasets.importer import ImportOptions, ImportResult, Progress
from mentor.datasets.lineage import Lineage, LineageNode
from mentor.datasets.sheets import Datasheet
from mentor.datasets.transforms import RecordFilter
from mentor.datasets.versions import DatasetInfo, SourceInfo, VersionInfo

__all__ = [
    "ChangedRecord",
    "DatasetInfo",
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
