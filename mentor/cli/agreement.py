"""`mentor agreement FILE`: inter-annotator agreement for labels from any tool."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mentor.cli import render
from mentor.cli.options import Json
from mentor.errors import InputError
from mentor.quality.agreement_report import agreement_report
from mentor.quality.label_files import read_label_table

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def agreement(
    path: Annotated[Path, typer.Argument(help="CSV, TSV or JSONL of labels.")],
    annotators: Annotated[
        str | None,
        typer.Option("--annotators", help="Comma-separated annotator columns (wide layout)."),
    ] = None,
    item: Annotated[str | None, typer.Option("--item", help="Column with the item id.")] = None,
    long: Annotated[
        bool, typer.Option("--long", help="One row per label: item, annotator and label columns.")
    ] = False,
    annotator: Annotated[
        str, typer.Option("--annotator-column", help="Annotator column (with --long).")
    ] = "annotator",
    label: Annotated[str, typer.Option("--label-column", help="Label column (with --long).")] = (
        "label"
    ),
    level: Annotated[
        str,
        typer.Option("--level", help="Scale of the labels: nominal, ordinal, interval or ratio."),
    ] = "nominal",
    n_boot: Annotated[
        int, typer.Option("--bootstrap", help="Bootstrap resamples for the intervals (0: none).")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the bootstrap.")] = 0,
    json: Json = False,
) -> None:
    """Agreement (percent, Cohen, Fleiss, Krippendorff) with 95% bootstrap intervals."""
    if level not in LEVELS:
        raise InputError(
            f"unknown level '{level}'; expected one of {', '.join(LEVELS)}", where="--level"
        )
    names = [a.strip() for a in annotators.split(",") if a.strip()] if annotators else None
    table = read_label_table(
        path, annotators=names, item=item, long=long, annotator=annotator, label=label
    )
    report = agreement_report(table, level=level, n_boot=n_boot, seed=seed)  # type: ignore[arg-type]
    if json:
        render.emit_json(report)
        return
    render.line(
        f"[bold]{report.items:,} items[/bold], {len(report.annotators)} annotators, "
        f"{report.labels:,} labels"
    )

    def fmt(value: float | None) -> str:
        return "" if value is None else f"{value:.3f}"

    render.table(
        "Agreement",
        ["statistic", "value", "95% CI", "items", "note"],
        [
            [
                m.name,
                fmt(m.value),
                f"{fmt(m.low)} to {fmt(m.high)}" if m.low is not None else "",
                m.n_items or "",
                m.undefined or "",
            ]
            for m in report.metrics + report.per_label
        ],
    )
    render.table(
        "Percent agreement between annotators",
        ["", *report.annotators],
        [
            [a, *("—" if a == b else fmt(report.pairwise[a][b]) for b in report.annotators)]
            for a in report.annotators
        ],
    )
    render.line(
        f"Majority label: {render.literal(report.consensus)}; {report.tied_items} items tied"
    )
