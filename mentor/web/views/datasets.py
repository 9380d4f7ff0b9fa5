"""The home page (every dataset) and a dataset's page (its versions)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mentor.datasets.versions import DatasetInfo, VersionInfo
from mentor.web import nav, render
from mentor.web.session import Permission, SignedIn, require
from mentor.web.workspace import CurrentWorkspace
from mentor.workspace import Workspace

router = APIRouter()


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


# Everyone signed in may open "/": those who may not read data are sent to their own area
# (an annotator to their queue) rather than shown a 403 page on the site's front door.
@router.get("/", response_class=HTMLResponse, dependencies=[require(Permission.OWN_ACCOUNT)])
def home(request: Request, user: SignedIn, ws: CurrentWorkspace) -> Response:
    """Every dataset with its newest version."""
    if not user.may(Permission.VIEW_DATA):
        return RedirectResponse(nav.landing(user), status_code=303)
    return render.page(request, "home.html", rows=_rows(ws))


@router.get(
    "/datasets/{name}",
    response_class=HTMLResponse,
    dependencies=[require(Permission.VIEW_DATA)],
)
def dataset(request: Request, name: str, ws: CurrentWorkspace) -> HTMLResponse:
    """Every version of dataset `name`, newest first."""
    return render.page(
        request, "dataset.html", name=name, versions=ws.datasets.versions(name)[::-1]
    )
