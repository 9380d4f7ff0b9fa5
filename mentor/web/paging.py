"""A page of a version's records, for the version page and ``/api/.../records``."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Final

from mentor.datasets.versions import VersionInfo
from mentor.errors import InputError
from mentor.records import Record
from mentor.workspace import Workspace

PER_PAGE: Final = 20
MAX_PER_PAGE: Final = 200


@dataclass(frozen=True)
class RecordPage:
    """Records ``(page - 1) * per_page`` onwards of `version`, and how many pages there are."""

    version: VersionInfo
    page: int
    per_page: int
    pages: int
    records: list[Record]


def record_page(ws: Workspace, ref: str, page: int = 1, per_page: int = PER_PAGE) -> RecordPage:
    """Read one page of `ref`'s records (streamed, so memory stays bounded)."""
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InputError(
            f"page must be 1 or more and per_page 1..{MAX_PER_PAGE}; got page={page}, "
            f"per_page={per_page}",
            where="query string",
        )
    version = ws.datasets.version(ref)
    pages = max(1, -(-version.record_count // per_page))
    if page > pages:
        raise InputError(
            f"{version.ref} has {pages} page(s) of {per_page} records; there is no page {page}",
            where="?page=",
        )
    start = (page - 1) * per_page
    records = list(islice(ws.datasets.records(version.ref), start, start + per_page))
    return RecordPage(version, page, per_page, pages, records)
