"""A version's pages: detail with a sample of records, lineage, datasheet; and a diff of two."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from mentor.errors import InputError
from mentor.qa import render_html
from mentor.web import render
from mentor.web.lineage_svg import layout
from mentor.web.paging import record_page
from mentor.web.refs import compare_ref, version_ref
from mentor.web.session import Permission, require
from mentor.web.workspace import CurrentWorkspace

router = APIRouter(dependencies=[require(Permission.VIEW_DATA)])
QA_IN_PAGE_LIMIT = 50_000
QA_PAGES_KEPT = 16  # reports kept in memory, oldest dropped first
QA_STYLESHEET = "/static/qa-report.css"  # the CSP runs no inline style: the report links it
Page = Annotated[int, Query(ge=1, description="Page of records, from 1.")]


@router.get("/datasets/{name}/v/{number}", response_class=HTMLResponse)
def version(
    request: Request, name: str, number: str, ws: CurrentWorkspace, page: Page = 1
) -> HTMLResponse:
    """Hash, counts, transform, parents, sources, note, and one page of records."""
    records = record_page(ws, version_ref(name, number), page)
    trained = [r for r in ws.training.runs() if r.version_id == records.version.id]
    return render.page(
        request, "version.html", name=name, v=records.version, records=records, trained=trained
    )


@router.get("/datasets/{name}/v/{number}/lineage", response_class=HTMLResponse)
def lineage(request: Request, name: str, number: str, ws: CurrentWorkspace) -> HTMLResponse:
    """The graph of versions, source files and annotation projects the version was made from,
    and the training runs on it, their models and those models' eval runs."""
    graph = ws.quality.lineage(version_ref(name, number))
    return render.page(request, "lineage.html", name=name, graph=graph, drawing=layout(graph))


@router.get("/datasets/{name}/v/{number}/datasheet", response_class=HTMLResponse)
def datasheet(request: Request, name: str, number: str, ws: CurrentWorkspace) -> HTMLResponse:
    """The stored datasheet, or how to write one."""
    v = ws.datasets.version(version_ref(name, number))
    return render.page(
        request, "datasheet.html", name=name, v=v, sheet=ws.datasets.stored_datasheet(v.ref)
    )


@router.get("/datasets/{name}/v/{number}/qa", response_class=HTMLResponse)
def qa_report(request: Request, name: str, number: str, ws: CurrentWorkspace) -> HTMLResponse:
    """A health report (lint, duplicates, PII, coverage) scanned on first view, for modest
    versions. Viewing it is a read: it is not written to the audit log."""
    v = ws.datasets.version(version_ref(name, number))
    if v.record_count > QA_IN_PAGE_LIMIT:
        raise InputError(
            f"{v.ref} has {v.record_count:,} records, too many to scan while you wait; run "
            f"`mentor qa scan {v.ref} --html report.html` instead",
            where="QA report",
        )
    pages: dict[int, str] = request.app.state.qa_pages
    page = pages.get(v.id)
    if page is None:  # a version never changes: its report is scanned once per server process
        result = ws.qa.scan(v.ref, executor="serial", keep_findings=False, audit=False)
        page = render_html(result.summary, f"QA report: {v.ref}", css_href=QA_STYLESHEET)
        while len(pages) >= QA_PAGES_KEPT:
            pages.pop(next(iter(pages)))
        pages[v.id] = page
    return HTMLResponse(page)


@router.get("/datasets/{name}/diff", response_class=HTMLResponse)
def diff(
    request: Request,
    name: str,
    ws: CurrentWorkspace,
    old: Annotated[str | None, Query(description="vN, or NAME@vN")] = None,
    new: Annotated[str | None, Query(description="vN, or NAME@vN")] = None,
) -> HTMLResponse:
    """Records added, removed and changed between two versions (a form until both are given)."""
    if not old or not new:
        return render.page(
            request, "diff.html", name=name, old=old or "", new=new or "", result=None
        )
    result = ws.datasets.diff(compare_ref(name, old), compare_ref(name, new), limit=50)
    return render.page(request, "diff.html", name=name, old=old, new=new, result=result)
