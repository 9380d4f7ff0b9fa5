"""Training pages: every run, and one run (its data, split, base, parameters, loss curves,
lineage and lift over the base model)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mentor.web import nav, render
from mentor.web.ids import PathId
from mentor.web.lineage_svg import layout
from mentor.web.session import Permission, require
from mentor.web.training_charts import metric_charts
from mentor.web.workspace import CurrentWorkspace

router = APIRouter(dependencies=[require(Permission.VIEW_DATA)])
nav.add_link("Training", "/training", Permission.VIEW_DATA)


@router.get("/training", response_class=HTMLResponse)
def runs(request: Request, ws: CurrentWorkspace) -> HTMLResponse:
    """Every training run, newest first: kind, dataset, base, status, final loss, when."""
    return render.page(request, "training/runs.html", runs=ws.training.runs())


@router.get("/training/runs/{run_id}", response_class=HTMLResponse)
def run(request: Request, run_id: PathId, ws: CurrentWorkspace) -> HTMLResponse:
    """One run: what it learned from and how, its curves, lineage and lift table."""
    found = ws.training.get(run_id)
    graph = ws.quality.lineage(found.ref)
    return render.page(
        request,
        "training/run.html",
        run=found,
        charts=metric_charts(ws.training.metrics(run_id)),
        graph=graph,
        drawing=layout(graph),
        lift=ws.quality.training_lift(run_id),
    )
