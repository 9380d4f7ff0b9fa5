"""`mentor datasets ...`: import, inspect, compare, transform and export dataset versions."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from mentor.cli import render
from mentor.cli.lineage_tree import print_lineage
from mentor.cli.options import Db, Json, workspace
from mentor.datasets.transforms import RecordFilter
from mentor.datasets.versions import VersionInfo
from mentor.errors import InputError

app = typer.Typer(
    help="Import, version, compare, document and export datasets.", no_args_is_help=True
)

Ref = Annotated[str, typer.Argument(help="A version: NAME@vN, or NAME for the newest.")]


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _version_rows(items: list[VersionInfo]) -> list[list[object]]:
    return [
        [
            v.ref,
            v.record_count,
            ", ".join(f"{n} {k}" for k, n in v.kind_counts.items()),
            v.transform,
            ", ".join(v.parents) or "—",
            v.content_hash[:12],
            v.created_by,
            f"{v.created_at:%Y-%m-%d %H:%M}",
        ]
        for v in items
    ]


def _show_version(v: VersionInfo) -> None:
    render.fields(
        v.ref,
        [
            ("content hash", v.content_hash),
            ("records", f"{v.record_count:,}"),
            ("kinds", ", ".join(f"{n:,} {k}" for k, n in v.kind_counts.items())),
            ("transform", f"{v.transform} {v.params}"),
            ("parents", ", ".join(v.parents) or "—"),
            *[("source", f"{s.uri} (sha256 {s.sha256[:16]}…)") for s in v.sources],
            ("created", f"{v.created_at:%Y-%m-%d %H:%M:%S} by {v.created_by}"),
            *([("note", v.note)] if v.note else []),
        ],
    )


@app.command("import")
def import_(
    path: Annotated[
        Path,
        typer.Argument(
            help="File (.jsonl, .jsonl.gz, .json, .csv, .parquet) or HF dataset folder."
        ),
    ],
    name: Annotated[str, typer.Option("--name", help="Dataset to add the version to.")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="jsonl|json|csv|parquet|hf (default: from the file name)"),
    ] = None,
    map_: Annotated[
        str | None,
        typer.Option(
            "--map",
            help="Preset: auto, hh-rlhf, alpaca, sharegpt or ultrafeedback (default: auto).",
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="sft|preference|ranking|rating: settles rows the auto map could read two ways.",
        ),
    ] = None,
    ignore_field: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore-field",
            help="Leave out this input key (repeatable); other unused keys are kept in meta.",
        ),
    ] = None,
    map_file: Annotated[
        Path | None, typer.Option("--map-file", help="YAML map of columns to fields.")
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Import the valid rows; write rejected ones to a quarantine file.",
        ),
    ] = False,
    quarantine: Annotated[
        Path | None,
        typer.Option(
            "--quarantine", help="Where rejected rows go (default: MENTOR_HOME/quarantine/)."
        ),
    ] = None,
    split: Annotated[str | None, typer.Option("--split", help="Split of an HF dataset.")] = None,
    description: Annotated[
        str, typer.Option("--description", help="What the dataset is for (when it is new).")
    ] = "",
    note: Annotated[str, typer.Option("--note", help="A note kept with the version.")] = "",
    db: Db = None,
    json: Json = False,
) -> None:
    """Import a file as the next immutable version of dataset NAME (all or nothing)."""
    ws = workspace(db)
    with render.progress(f"importing {path.name}", unit="bytes") as bar:
        result = ws.datasets.import_file(
            path,
            name,
            format=fmt,
            map=map_,
            map_file=map_file,
            skip_invalid=skip_invalid,
            quarantine=quarantine,
            split=split,
            description=description,
            note=note,
            progress=bar,
            kind=kind,
            ignore_fields=ignore_field or (),
        )
    if json:
        render.emit_json(result)
        return
    if result.unchanged:
        render.success(f"{result.version.ref} already holds exactly this content; no new version")
    else:
        render.success(f"imported {_n(result.imported, 'record')} as {result.version.ref}")
        _show_version(result.version)
    if result.rejected:
        render.warning(f"{_n(result.rejected, 'row')} rejected; see {result.quarantine}")


@app.command("list")
def list_(db: Db = None, json: Json = False) -> None:
    """List the datasets in the workspace."""
    items = workspace(db).datasets.all()
    if json:
        render.emit_json(items)
        return
    render.table(
        "Datasets",
        ["name", "versions", "newest", "description", "created by"],
        [[d.name, d.version_count, f"v{d.latest}", d.description, d.created_by] for d in items],
    )


@app.command()
def versions(
    name: Annotated[str, typer.Argument(help="Dataset name.")], db: Db = None, json: Json = False
) -> None:
    """List every version of a dataset, oldest first."""
    items = workspace(db).datasets.versions(name)
    if json:
        render.emit_json(items)
        return
    render.table(
        f"Versions of {name}",
        ["version", "records", "kinds", "transform", "parents", "hash", "by", "at"],
        _version_rows(items),
    )


@app.command()
def show(
    ref: Ref,
    head: Annotated[int, typer.Option("--head", help="Also print the first N records.")] = 0,
    db: Db = None,
    json: Json = False,
) -> None:
    """Show one version: hash, counts, transform, parents and sources."""
    if head < 0:
        raise InputError(f"expected 0 or more records, got {head}", where="--head")
    ws = workspace(db)
    version = ws.datasets.version(ref)
    sample = []
    if head:
        for rec in ws.datasets.records(ref):
            sample.append(rec)
            if len(sample) >= head:
                break
    if json:
        render.emit_json({**asdict(version), "head": sample})
        return
    _show_version(version)
    for rec in sample:
        render.emit_json(rec)


@app.command()
def diff(
    old: Ref,
    new: Ref,
    limit: Annotated[int, typer.Option("--limit", help="Ids listed per group.")] = 20,
    db: Db = None,
    json: Json = False,
) -> None:
    """Records added, removed and changed (matched by id) between two versions."""
    result = workspace(db).datasets.diff(old, new, limit)
    if json:
        render.emit_json(result)
        return
    render.line(
        f"[bold]{render.literal(result.old)} → {render.literal(result.new)}[/bold]: "
        f"[green]+{result.added:,} added[/green]"
        f", [red]-{result.removed:,} removed[/red], [yellow]~{result.changed:,} changed"
        f"[/yellow], {result.unchanged:,} unchanged"
    )
    for label, ids in (("added", result.added_ids), ("removed", result.removed_ids)):
        if ids:
            render.line(f"  {label}: {render.literal(', '.join(ids))}")
    for rec in result.changed_records:
        render.line(f"  changed {render.literal(rec.id)}: {render.literal(', '.join(rec.fields))}")


@app.command()
def lineage(ref: Ref, db: Db = None, json: Json = False) -> None:
    """The graph back to the source files (with their hashes) and annotation projects a
    version was made from, and forward to the training runs on it, their models and the eval
    runs of those models (REF may also be a training run: train:N)."""
    graph = workspace(db).quality.lineage(ref)
    if json:
        render.emit_json(graph)
        return
    print_lineage(graph)


@app.command()
def export(
    ref: Ref,
    out: Annotated[Path, typer.Argument(help="File (or folder for hf) to write.")],
    to: Annotated[
        str,
        typer.Option(
            "--to", help="trl-sft, trl-dpo, openai-chat, openai-dpo, hf, parquet or jsonl."
        ),
    ],
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Fail instead of leaving out records the format cannot hold."
        ),
    ] = False,
    allow_empty: Annotated[
        bool,
        typer.Option("--allow-empty", help="Write the file even when no record can go in it."),
    ] = False,
    db: Db = None,
    json: Json = False,
) -> None:
    """Write a version in a training format; the file appears only when complete."""
    ws = workspace(db)
    with render.progress(f"exporting {ref}") as bar:
        result = ws.datasets.export(
            ref, to, out, strict=strict, allow_empty=allow_empty, progress=bar
        )
    if json:
        render.emit_json(result)
        return
    render.success(f"wrote {result.written:,} rows to {result.path} ({result.format})")
    for reason, count in result.skipped.items():
        ids = ", ".join(result.skipped_ids.get(reason, []))
        render.warning(f"left out {count:,} records: {reason} (e.g. {ids})")
    for note in result.notes:
        render.warning(note)


@app.command()
def datasheet(
    ref: Ref,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the Markdown here.")] = None,
    notes: Annotated[
        Path | None,
        typer.Option(
            "--notes", help="YAML with motivation, collection, uses, limitations, maintenance."
        ),
    ] = None,
    db: Db = None,
    json: Json = False,
) -> None:
    """Write the datasheet of a version (counts, lineage, uses, limitations) and keep it."""
    with render.progress(f"counting {ref}") as bar:
        sheet = workspace(db).datasets.datasheet(ref, notes=notes, out=out, progress=bar)
    if json:
        render.emit_json(sheet)
    elif out is not None:
        render.success(f"datasheet for {sheet.ref} written to {out}")
    else:
        render.markdown(sheet.markdown)


@app.command("filter")
def filter_(
    ref: Ref,
    kind: Annotated[
        str | None, typer.Option("--kind", help="sft|preference|ranking|rating")
    ] = None,
    intent: Annotated[str | None, typer.Option("--intent", help="Only this intent.")] = None,
    language: Annotated[
        str | None, typer.Option("--language", help="Only this language code, e.g. en.")
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only records with this tag.")] = None,
    single_turn: Annotated[bool, typer.Option("--single-turn", help="Only one user turn.")] = False,
    sample: Annotated[float | None, typer.Option("--sample", help="Keep this fraction.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed for --sample.")] = 0,
    into: Annotated[
        str | None, typer.Option("--into", help="Dataset for the new version (default: the same).")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="A note kept with the new version.")] = "",
    db: Db = None,
    json: Json = False,
) -> None:
    """Make a new version with the records that match every given condition."""
    flt = RecordFilter(kind, intent, language, source, tag, single_turn, sample, seed)
    with render.progress(f"filtering {ref}") as bar:
        version = workspace(db).datasets.filter(ref, flt, into=into, note=note, progress=bar)
    if json:
        render.emit_json(version)
        return
    render.success(f"kept {version.record_count:,} records as {version.ref}")


@app.command()
def merge(
    refs: Annotated[list[str], typer.Argument(help="Two or more versions, in order.")],
    into: Annotated[str, typer.Option("--into", help="Dataset for the merged version.")],
    note: Annotated[str, typer.Option("--note", help="A note kept with the new version.")] = "",
    db: Db = None,
    json: Json = False,
) -> None:
    """Concatenate versions into a new version whose lineage keeps every parent."""
    with render.progress(f"merging into {into}") as bar:
        version = workspace(db).datasets.merge(refs, into, note=note, progress=bar)
    if json:
        render.emit_json(version)
        return
    render.success(
        f"merged {len(refs)} versions into {version.ref} ({version.record_count:,} records)"
    )
