"""The report pages: the Model Quality Update and the release readiness note of a run (over
mentor.reports), each also downloadable as Markdown or as one HTML file.

The release note's gate must be one Mentor knows (``?gate=starter``, or a gate saved as
``<MENTOR_HOME>/gates/NAME.yaml``): a page only reads."""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from mentor.errors import InputError
from mentor.reports import QualityUpdate, ReleaseNote
from mentor.web import nav, render
from mentor.web.session import Permission, require
from mentor.web.workspace import CurrentWorkspace
from mentor.workspace import Workspace

router = APIRouter(dependencies=[require(Permission.VIEW_DATA)])
nav.add_link("Reports", "/reports/quality-update", Permission.VIEW_DATA)

FORMATS: Final = ("page", "md", "html")
Format = Annotated[str, Query(description="page, md (Markdown file) or html (one HTML file).")]


def _answer(
    request: Request,
    ws: Workspace,
    report: QualityUpdate | ReleaseNote,
    fmt: str,
    name: str,
    **context: Any,
) -> Response:
    if fmt not in FORMATS:
        raise InputError(
            f"'{fmt}' is not a format; use one of {', '.join(FORMATS)}", where="?format="
        )
    if fmt == "md":
        text, kind = ws.reports.markdown(report), "text/markdown; charset=utf-8"
    elif fmt == "html":
        text, kind = ws.reports.html(report), "text/html; charset=utf-8"
    else:
        body = Markup(ws.reports.page_body(report))  # escaped by the report templates
        return render.page(request, f"reports/{name}-page.html.j2", r=report, body=body, **context)
    disposition = f'attachment; filename="{name}.{fmt}"'
    return Response(text, media_type=kind, headers={"Content-Disposition": disposition})


@router.get("/reports/quality-update", response_class=HTMLResponse)
def quality_update(
    request: Request,
    ws: CurrentWorkspace,
    since: Annotated[
        str | None, Query(description="A date (YYYY-MM-DD) or a run id (the runs after it).")
    ] = None,
    format: Format = "page",
) -> Response:
    """The Model Quality Update of the period since `since` (default: the last 7 days)."""
    report = ws.reports.quality_update(since=since or None)
    return _answer(request, ws, report, format, "quality-update", since=since or "")


@router.get("/reports/release", response_class=HTMLResponse)
def release(
    request: Request,
    ws: CurrentWorkspace,
    candidate: Annotated[str, Query(description="The candidate's eval run id.")],
    baseline: Annotated[str | None, Query(description="The baseline's eval run id.")] = None,
    gate: Annotated[
        str, Query(description="A gate Mentor knows: starter, or one saved in MENTOR_HOME/gates.")
    ] = "starter",
    format: Format = "page",
) -> Response:
    """The release readiness note of run `candidate` against `baseline` (a form to choose
    the baseline until one is given)."""
    path = ws.reports.gate(gate)
    run = ws.evals.get_run(candidate)
    if not baseline:
        others = [r for r in ws.evals.runs(suite=run.suite_name, limit=500) if r.id != run.id]
        return render.page(
            request,
            "reports/release-note-page.html.j2",
            r=None,
            run=run,
            others=others,
            gate=gate,
            gates=ws.reports.gates(),
        )
    note = ws.reports.release_note(run.id, baseline=baseline, gate=path)
    return _answer(request, ws, note, format, "release-note", run=run, gate=gate, baseline=baseline)
