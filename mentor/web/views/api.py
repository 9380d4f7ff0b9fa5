"""The JSON API: the SDK's dataclasses as JSON, under ``/api``, mirroring the pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from mentor.datasets.diff import VersionDiff
from mentor.datasets.lineage import Lineage
from mentor.datasets.versions import DatasetInfo, VersionInfo
from mentor.store import AuditEvent
from mentor.web.jsonbody import JsonBody, json_body
from mentor.web.paging import MAX_PER_PAGE, PER_PAGE, RecordPage, record_page
from mentor.web.refs import compare_ref, version_ref
from mentor.web.session import Permission, require
from mentor.web.views.audit import About, Limit
from mentor.web.workspace import CurrentWorkspace

router = APIRouter(prefix="/api", tags=["api"], dependencies=[require(Permission.VIEW_DATA)])


def _doc(model: Any) -> dict[int | str, dict[str, Any]]:
    """Document the response shape without re-validating it (that would drop ``ref``)."""
    return {200: {"model": model}}


def _json(value: Any) -> JsonBody:
    return json_body(value)


@router.get("/datasets", responses=_doc(list[DatasetInfo]))
def datasets(ws: CurrentWorkspace) -> JsonBody:
    """Every dataset with its version count and newest version number."""
    return _json(ws.datasets.all())


@router.get("/datasets/{name}", responses=_doc(list[VersionInfo]))
def versions(name: str, ws: CurrentWorkspace) -> JsonBody:
    """Every version of a dataset, oldest first."""
    return _json(ws.datasets.versions(name))


@router.get("/datasets/{name}/v/{number}", responses=_doc(VersionInfo))
def version(name: str, number: str, ws: CurrentWorkspace) -> JsonBody:
    """One version: hash, counts, transform, parents, sources."""
    return _json(ws.datasets.version(version_ref(name, number)))


@router.get("/datasets/{name}/v/{number}/records", responses=_doc(RecordPage))
def records(
    name: str,
    number: str,
    ws: CurrentWorkspace,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = PER_PAGE,
) -> JsonBody:
    """One page of a version's records, in their canonical form."""
    return _json(record_page(ws, version_ref(name, number), page, per_page))


@router.get("/datasets/{name}/v/{number}/lineage", responses=_doc(Lineage))
def lineage(name: str, number: str, ws: CurrentWorkspace) -> JsonBody:
    """The version's lineage: nodes (versions and source files) and edges parent -> child."""
    return _json(ws.datasets.lineage(version_ref(name, number)))


@router.get("/datasets/{name}/diff", responses=_doc(VersionDiff))
def diff(
    name: str,
    ws: CurrentWorkspace,
    old: Annotated[str, Query(description="vN, or NAME@vN")],
    new: Annotated[str, Query(description="vN, or NAME@vN")],
    limit: Annotated[int, Query(ge=0, le=1000)] = 20,
) -> JsonBody:
    """Counts of records added, removed and changed, with the first `limit` ids of each."""
    return _json(ws.datasets.diff(compare_ref(name, old), compare_ref(name, new), limit=limit))


@router.get("/audit", responses=_doc(list[AuditEvent]))
def audit(ws: CurrentWorkspace, limit: Limit = 100, about: About = None) -> JsonBody:
    """The newest audit events first."""
    return _json(ws.audit(limit=limit, object_id=about or None))
