"""`mentor feedback`: import user reports, list batches, show clusters, triage a cluster."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from mentor.cli import render
from mentor.cli.options import Db, Json, workspace

app = typer.Typer(
    help="Feedback intake: user reports scrubbed, deduplicated, clustered and triaged into "
    "eval cases and annotation items.",
    no_args_is_help=True,
)

Batch = Annotated[int, typer.Argument(help="The batch's id (`mentor feedback list`).")]


def _pii(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "none"


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="A JSONL, JSON or CSV file of reports.")],
    source: Annotated[
        str | None, typer.Option("--source", help="Where the reports came from (default: file).")
    ] = None,
    embedder: Annotated[
        str, typer.Option("--embedder", help="auto, minilm or tfidf (clustering).")
    ] = "auto",
    db: Db = None,
    as_json: Json = False,
) -> None:
    """Import FILE: scrub PII, fold near-duplicates, cluster the rest (a new batch)."""
    with workspace(db) as ws:
        batch = ws.analysis.feedback.import_file(file, source=source, embedder=embedder)
    if as_json:
        render.emit_json(asdict(batch))
        return
    render.success(
        f"batch {batch.id}: {batch.reports} reports, {batch.duplicates} near-duplicates, "
        f"{batch.clusters} clusters; PII scrubbed: {_pii(batch.pii)}"
    )


@app.command("list")
def list_batches(db: Db = None, as_json: Json = False) -> None:
    """List feedback batches, newest first."""
    with workspace(db) as ws:
        found = ws.analysis.feedback.batches()
    if as_json:
        render.emit_json([asdict(b) for b in found])
        return
    render.table(
        "Feedback batches",
        ["#batch", "source", "file", "#reports", "#duplicates", "#clusters", "PII scrubbed"],
        [
            [b.id, b.source, b.file_name, b.reports, b.duplicates, b.clusters, _pii(b.pii)]
            for b in found
        ],
    )


@app.command("show")
def show(batch: Batch, db: Db = None, as_json: Json = False) -> None:
    """Show a batch's clusters: terms, reports, what they became, how many are fixed."""
    with workspace(db) as ws:
        clusters = ws.analysis.feedback.clusters(batch)
        status = ws.analysis.feedback.status(batch)
    if as_json:
        render.emit_json(
            {"clusters": [asdict(c) for c in clusters], "status": [asdict(s) for s in status]}
        )
        return
    fixed = {s.number: s for s in status}
    render.table(
        f"Feedback batch {batch}",
        ["#cluster", "terms", "#reports", "#triaged", "#fixed", "exemplar"],
        [
            [
                c.number,
                ", ".join(c.terms) or "(unclustered)",
                c.reports,
                fixed[c.number].triaged,
                fixed[c.number].fixed,
                c.exemplars[0].text[:80] if c.exemplars else "",
            ]
            for c in clusters
        ],
    )


@app.command("triage")
def triage(
    batch: Batch,
    cluster: Annotated[int, typer.Argument(help="The cluster's number (`mentor feedback show`).")],
    suite: Annotated[
        str | None, typer.Option("--suite", help="Add the reports as cases to this suite.")
    ] = None,
    intent: Annotated[str | None, typer.Option("--intent", help="The cases' intent.")] = None,
    severity: Annotated[
        str, typer.Option("--severity", help="critical, major or minor.")
    ] = "major",
    should_refuse: Annotated[
        bool | None,
        typer.Option(
            "--should-refuse/--should-answer",
            help="Whether the model should refuse (adds the refusal grader).",
        ),
    ] = None,
    project: Annotated[
        str | None, typer.Option("--project", help="Add the reports as items to this project.")
    ] = None,
    db: Db = None,
    as_json: Json = False,
) -> None:
    """Triage CLUSTER of BATCH into eval cases (a new suite version) and/or annotation items."""
    with workspace(db) as ws:
        made = ws.analysis.feedback.triage(
            batch,
            cluster,
            suite=suite,
            intent=intent,
            severity=severity,
            should_refuse=should_refuse,
            project=project,
        )
    if as_json:
        render.emit_json(asdict(made))
        return
    if made.suite:
        render.success(
            f"{len(made.cases)} cases added to suite {made.suite} "
            f"(version {(made.suite_hash or '')[:12]})"
        )
    if made.project:
        render.success(f"{len(made.items)} items added to project {made.project}")


@app.command("suite")
def write_suite(
    suite: Annotated[str, typer.Argument(help="The suite's name.")],
    file: Annotated[Path, typer.Argument(help="The YAML suite file to write.")],
    db: Db = None,
) -> None:
    """Write the newest stored version of SUITE (with the cases triage added) to FILE, for
    `mentor eval run FILE`."""
    with workspace(db) as ws:
        written = ws.analysis.feedback.write_suite(suite, file)
    render.success(
        f"{file}: suite {written.name}, {written.case_count} cases "
        f"(version {written.content_hash[:12]})"
    )
