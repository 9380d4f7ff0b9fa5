"""Judge calibration pages: every record, and one record's figures, charts and disagreements."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from mentor.charts import Interval, IntervalRow, difference_chart, heatmap, interval_chart
from mentor.judges import Calibration
from mentor.web import nav, render
from mentor.web.ids import PathId
from mentor.web.session import Permission, require
from mentor.web.workspace import CurrentWorkspace

router = APIRouter(dependencies=[require(Permission.VIEW_DATA)])
nav.add_link("Judges", "/judges", Permission.VIEW_DATA)

RATES = (
    ("flip_rate", "flip rate (order swapped)", None),
    ("first_position_rate", "first-position win rate", 0.5),
    ("tie_rate", "tie rate", None),
)
DIFFERENCES = (
    ("length_bias", "length bias"),
    ("self_preference", "self-preference"),
)


def _interval(name: str, found: dict[str, Any] | None, n: int) -> Interval:
    if not found or found.get("value") is None or found.get("low") is None:
        return Interval(name, None, 0.0, 0.0, 0)
    return Interval(name, found["value"], found["low"], found["high"], n)


def _charts(c: Calibration) -> dict[str, Markup]:
    agreement = c.stats["agreement"]
    labels = [str(v) for v in agreement["labels"]]
    charts = {
        "confusion": heatmap(
            labels,
            labels,
            agreement["confusion"],
            label="Confusion matrix: people (rows) by judge (columns)",
            row_title="people",
            column_title="judge",
        )
    }
    if c.bias:
        rows = [
            IntervalRow(label, (_interval("judge", c.bias.get(key), c.n),), threshold=line)
            for key, label, line in RATES
        ]
        charts["rates"] = interval_chart(rows, label="Position and tie rates, 95% intervals")
        charts["differences"] = difference_chart(
            [_interval(label, c.bias.get(key), c.n) for key, label in DIFFERENCES],
            label="Length bias and self-preference: judge minus people",
        )
    return {k: Markup(v) for k, v in charts.items()}  # escaped by mentor.charts.svg


@router.get("/judges", response_class=HTMLResponse)
def calibrations(request: Request, ws: CurrentWorkspace) -> HTMLResponse:
    """Every calibration record, newest first: judge, fingerprint, n, kappa with its interval."""
    return render.page(request, "judges/list.html", records=ws.judges.calibrations(limit=500))


@router.get("/judges/{calibration_id}", response_class=HTMLResponse)
def calibration(request: Request, calibration_id: PathId, ws: CurrentWorkspace) -> HTMLResponse:
    """One record: its figures, the confusion matrix, bias charts and the disagreeing items."""
    found = ws.judges.get(calibration_id)
    return render.page(
        request,
        "judges/calibration.html",
        c=found,
        agreement=found.stats["agreement"],
        charts=_charts(found),
        rates=RATES,
        differences=DIFFERENCES,
    )
