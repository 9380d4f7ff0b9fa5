"""`mentor quality`: agreement, gold accuracy and KPIs of annotation work (over mentor.quality)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mentor.cli import render
from mentor.cli.options import Db, Json, workspace
from mentor.errors import InputError
from mentor.quality import (
    GoldWatch,
    ProjectQuality,
    QualityConfig,
    write_report,
)
from mentor.quality.drift import RoundBy
from mentor.quality.model_kpi_trends import trend_text
from mentor.quality.periods import check_period

app = typer.Typer(
    help="Quality of annotation work: agreement, gold accuracy, KPIs.", no_args_is_help=True
)
ROUNDS: tuple[RoundBy, ...] = ("guideline", "day", "week", "month")


def _rounds(value: str) -> RoundBy:
    for by in ROUNDS:
        if value == by:
            return by
    raise InputError(
        f"unknown round '{value}'; expected one of {', '.join(ROUNDS)}", where="--drift-by"
    )


def _show(q: ProjectQuality) -> None:
    def pct(v: float | None) -> str:
        return "no data" if v is None else f"{v:.1%}"

    render.line(
        f"[bold]{render.literal(q.project)}[/bold] ({q.task_type}): {q.labels:,} labels from "
        f"{len(q.annotators)} annotators; gold accuracy {pct(q.gold.value)} over {q.gold.n} "
        f"answers; review pass rate {pct(q.review_pass.value)} of {q.review_pass.n}"
    )
    rows = []
    for qq in q.questions:
        if qq.report is None:
            rows.append([qq.name, "", "", "", f"no data: {qq.undefined}"])
            continue
        for m in qq.report.metrics + qq.extra:
            ci = f"{m.low:.3f} to {m.high:.3f}" if m.low is not None and m.high is not None else ""
            value = "" if m.value is None else f"{m.value:.3f}"
            rows.append([qq.name, m.name, value, ci, m.undefined or ""])
    render.table("Agreement", ["question", "statistic", "value", "95% CI", "note"], rows)
    render.table(
        "Annotators",
        ["annotator", "labels", "gold", "rolling gold", "majority", "review pass", "median s"],
        [
            [
                p.annotator,
                p.labels,
                pct(p.gold_accuracy),
                pct(p.rolling_gold),
                pct(next((c.value for c in p.consensus if c.method == "majority"), None)),
                pct(p.review_pass_rate),
                "" if p.median_seconds is None else f"{p.median_seconds:.1f}",
            ]
            for p in q.people
        ],
    )
    for p in q.people:
        if p.alert:
            render.warning(p.alert)
    for c in q.drift.changes:
        if c.significant:
            render.warning(
                f"{c.metric} changed {c.test.difference:+.1%} from {c.before_round} to "
                f"{c.after_round} (p = {c.test.p_value:.4f})"
            )


@app.command("report")
def report(
    project: Annotated[str, typer.Argument(help="Project name.")],
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained HTML report here.")
    ] = None,
    period: Annotated[
        str, typer.Option("--period", help="Time series by day, week or month.")
    ] = "week",
    window: Annotated[
        int, typer.Option("--window", help="Gold answers in the rolling accuracy.", min=1)
    ] = 10,
    threshold: Annotated[
        float, typer.Option("--alert-below", help="Alert when rolling gold accuracy is below.")
    ] = 0.8,
    min_gold: Annotated[
        int, typer.Option("--min-gold", help="Gold answers needed before alerting.", min=1)
    ] = 3,
    drift_by: Annotated[
        str, typer.Option("--drift-by", help="Rounds for drift: guideline, day, week or month.")
    ] = "guideline",
    n_boot: Annotated[
        int, typer.Option("--bootstrap", help="Bootstrap resamples for the intervals (0: none).")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the bootstrap.")] = 0,
    json: Json = False,
    db: Db = None,
) -> None:
    """Agreement per question, gold accuracy, annotators, drift and throughput of a project."""
    config = QualityConfig(
        n_boot=n_boot,
        seed=seed,
        period=check_period(period),
        watch=GoldWatch(window=window, threshold=threshold, min_answers=min_gold),
        drift_by=_rounds(drift_by),
    )
    with workspace(db) as ws:
        q = ws.quality.project(project, config)
    if html is not None:
        write_report(q, html)
    if json:
        render.emit_json(q)
        return
    _show(q)
    if html is not None:
        render.success(f"wrote {html}")


@app.command("kpis")
def kpis(
    priorities: Annotated[
        Path | None,
        typer.Option("--priorities", help="Priority-intent file (YAML or text) for coverage."),
    ] = None,
    json: Json = False,
    db: Db = None,
) -> None:
    """The LLM trainer KPIs of the workspace, each with its definition ("no data" and why)."""
    with workspace(db) as ws:
        found = ws.quality.kpis(priorities=priorities)
    if json:
        render.emit_json(
            {
                **found.__dict__,
                "kpis": [{**k.__dict__, "shown": k.shown} for k in found.kpis],
                "model_kpis": [{**k.__dict__, "shown": k.shown} for k in found.model_kpis],
            }
        )
        return
    rows = [[k.name, k.shown, k.shown_interval] for k in found.kpis]
    render.table("KPIs", ["KPI", "value", "95% CI"], rows)
    render.table(
        "Model KPIs (newest run of each suite; trend: newest runs)",
        ["KPI", "value", "95% CI", "trend"],
        [[k.name, k.shown, k.shown_interval, trend_text(k)] for k in found.model_kpis],
    )
