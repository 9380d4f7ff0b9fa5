"""`mentor report`: the Model Quality Update and the release readiness note (over
mentor.reports), as Markdown and/or one self-contained HTML file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mentor.cli import render
from mentor.cli.options import Db, workspace
from mentor.reports import QualityUpdate, ReleaseNote
from mentor.workspace import Workspace

app = typer.Typer(
    help="Stakeholder reports from the store: the quality update and the release note.",
    no_args_is_help=True,
)

Out = Annotated[
    Path | None,
    typer.Option("--out", help="Write the Markdown here (default: print it)."),
]
Html = Annotated[
    Path | None,
    typer.Option("--html", help="Write one self-contained HTML file here (inline CSS, SVG)."),
]
KeepEdits = Annotated[
    Path | None,
    typer.Option(
        "--keep-edits",
        help="A report written before: keep the next actions people edited in it.",
    ),
]


def _emit(
    ws: Workspace,
    report: QualityUpdate | ReleaseNote,
    out: Path | None,
    html: Path | None,
    keep: Path | None,
) -> None:
    if out is None and html is None:
        typer.echo(ws.reports.markdown(report, keep_edits=keep), nl=False)
        return
    for path in ws.reports.write(report, markdown=out, html=html, keep_edits=keep):
        render.success(f"wrote {render.literal(str(path))}")


def quality_update(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Start of the period: a date (YYYY-MM-DD) or a run id (the runs after it); "
            "default: 7 days before the newest data.",
        ),
    ] = None,
    out: Out = None,
    html: Html = None,
    keep_edits: KeepEdits = None,
    db: Db = None,
) -> None:
    """The Model Quality Update: what improved and regressed (with intervals), top errors with
    examples, judge-trust caveats and next actions."""
    ws = workspace(db)
    _emit(ws, ws.reports.quality_update(since=since), out, html, keep_edits)


def release(
    candidate: Annotated[str, typer.Argument(help="The candidate's eval run id.")],
    baseline: Annotated[str, typer.Option("--baseline", help="The baseline's eval run id.")],
    gate: Annotated[
        str,
        typer.Option(
            "--gate",
            help="The release gate: a YAML file, 'starter', or the name of a gate saved as "
            "MENTOR_HOME/gates/NAME.yaml.",
        ),
    ],
    out: Out = None,
    html: Html = None,
    keep_edits: KeepEdits = None,
    db: Db = None,
) -> None:
    """The release readiness note: the gate's verdict with its numbers, scorecards per
    severity tier, what the candidate was trained on, known risks and next actions."""
    ws = workspace(db)
    given = Path(gate)
    path = (
        given
        if given.exists() or given.suffix
        else ws.reports.gate(gate, where="--gate", show_folder=True)
    )
    note = ws.reports.release_note(candidate, baseline=baseline, gate=path)
    _emit(ws, note, out, html, keep_edits)


app.command("quality-update")(quality_update)
app.command("release")(release)
