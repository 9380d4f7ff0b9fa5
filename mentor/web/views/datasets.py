"""The home page (every dataset) and a dataset's page (its versions)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mentor.datasets.versions import DatasetInfo, VersionInfo
from mentor.web import render
from mentor.web.session import Permission, require
from mentor.web.workspace import CurrentWorkspace
from mentor.workspace import Workspace

router = APIRouter(dependencies=[require(Permission.VIEW_DATA)])


@dataclass(frozen=True)
class DatasetRow:
    """A dataset and its newest version (None while it has none)."""

    info: DatasetInfo
    newest: VersionInfo | None


def _rows(ws: Workspace) -> list[DatasetRow]:
    # DatasetInfo has no record count, so the newest version is looked up per dataset.
    return [
        DatasetRow(d, ws.datasets.version(d.name) if d.latest else None) for d in ws.datasets.all()
    ]


@router.get("/", response_class=HTMLResponse)
def home(request: Request, ws: CurrentWorkspace) -> HTMLResponse:
    """Every dataset with its newest version."""
    return render.page(request, "home.html", rows=_rows(ws))


@router.get("/datasets/{name}", response_class=HTMLResponse)
def dataset(request: Request, name: str, ws: CurrentWorkspace) -> HTMLResponse:
    """Every version of dataset `name`, newest first."""
    return render.page(
        request, "dataset.html", name=name, versions=ws.datasets.versions(name)[::-1]
    )
