"""`mentor analysis`: error taxonomies per suite, tags on results, and the top issues over runs."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from mentor.analysis.taxonomy import effective_rules
from mentor.cli import render
from mentor.cli.options import Db, Json, workspace

app = typer.Typer(
    help="Error analysis: a taxonomy per suite, tags on failed results, top issues over runs.",
    no_args_is_help=True,
)
taxonomy_app = typer.Typer(
    help="A suite's error taxonomy: categories with definitions, versioned.", no_args_is_help=True
)
app.add_typer(taxonomy_app, name="taxonomy")

Note = Annotated[str, typer.Option("--note", help="Why (kept with the version or the tag).")]


def _rate(rate: Any) -> str:
    if rate.rate is None:
        return "—"
    return f"{rate.rate:.0%} [{rate.low * 100:.0f}-{rate.high * 100:.0f}]"


def _show_version(version: Any) -> None:
    change = version.change
    how = change["op"] if change["op"] == "set" else f"{change['op']} {change}"
    render.line(
        f"[bold]{render.literal(version.ref)}[/bold] ({render.literal(how)}) "
        f"by {render.literal(version.created_by)} {version.created_at:%Y-%m-%d %H:%M}"
    )
    render.table(
        None,
        ["category", "definition", "examples", "counterexamples", "rules"],
        [
            [
                c.name,
                c.definition,
                "; ".join(c.examples),
                "; ".join(c.counterexamples),
                ", ".join(effective_rules(c)),
            ]
            for c in version.categories
        ],
    )


@taxonomy_app.command("set")
def taxonomy_set(
    suite: Annotated[str, typer.Argument(help="The suite's name.")],
    file: Annotated[Path, typer.Argument(help="A YAML file of categories.")],
    note: Note = "",
    db: Db = None,
    as_json: Json = False,
) -> None:
    """Write a new taxonomy version for SUITE from FILE (name, definition, examples,
    counterexamples, rules per category)."""
    with workspace(db) as ws:
        version = ws.analysis.set_taxonomy(suite, file, note=note)
    if as_json:
        render.emit_json(asdict(version))
        return
    render.success(f"{version.ref}: {len(version.categories)} categories")


@taxonomy_app.command("show")
def taxonomy_show(
    suite: Annotated[str, typer.Argument(help="The suite's name.")],
    version: Annotated[
        int | None, typer.Option("--version", help="Which version (default: the newest).")
    ] = None,
    db: Db = None,
    as_json: Json = False,
) -> None:
    """Show a version of SUITE's taxonomy."""
    with workspace(db) as ws:
        found = ws.analysis.taxonomy(suite, version)
    if as_json:
        render.emit_json(asdict(found))
        return
    _show_version(found)


@taxonomy_app.command("merge")
def taxonomy_merge(
    suite: Annotated[str, typer.Argument(help="The suite's name.")],
    categories: Annotated[list[str], typer.Argument(help="Two or more categories to merge.")],
    into: Annotated[str, typer.Option("--into", help="The merged category's name.")],
    definition: Annotated[
        str | None, typer.Option("--definition", help="Its definition (default: theirs, joined).")
    ] = None,
    note: Note = "",
    db: Db = None,
) -> None:
    """Merge categories into one (a new version); their past tags count under the new name."""
    with workspace(db) as ws:
        version = ws.analysis.merge(suite, categories, into, definition=definition, note=note)
    render.success(f"{version.ref}: {', '.join(categories)} merged into {into}")


@taxonomy_app.command("split")
def taxonomy_split(
    suite: Annotated[str, typer.Argument(help="The suite's name.")],
    category: Annotated[str, typer.Argument(help="The category to split.")],
    into: Annotated[str, typer.Option("--into", help="The new names, comma-separated: B,C.")],
    note: Note = "",
    db: Db = None,
) -> None:
    """Split a category (a new version); its past tags keep the old name."""
    parts = [p.strip() for p in into.split(",") if p.strip()]
    with workspace(db) as ws:
        version = ws.analysis.split(suite, category, parts, note=note)
    render.success(f"{version.ref}: {category} split into {', '.join(parts)}")


@app.command("tag")
def tag(
    run: Annotated[str, typer.Argument(help="The run's id.")],
    case: Annotated[str, typer.Argument(help="The case's id.")],
    category: Annotated[
        str | None, typer.Argument(help="A category of the suite's newest taxonomy.")
    ] = None,
    note: Note = "",
    db: Db = None,
) -> None:
    """Tag one result with a category, a free-text note (open coding), or both."""
    with workspace(db) as ws:
        made = ws.analysis.tag(run, case, category, note=note)
    what = made.category or "a note"
    render.success(f"run {made.run_id} case {made.case_id}: {what} ({made.taxonomy or '-'})")


@app.command("tag-rules")
def tag_rules(
    run: Annotated[str, typer.Argument(help="The run's id.")],
    db: Db = None,
    as_json: Json = False,
) -> None:
    """Tag the run's failed results (and those people failed in review) by taxonomy rules."""
    with workspace(db) as ws:
        done = ws.analysis.tag_rules(run)
    if as_json:
        render.emit_json(asdict(done))
        return
    render.success(
        f"run {done.run_id}: {done.matched} rule tags under {done.taxonomy}, {done.new} new"
    )


def _by(tag: Any) -> str:
    return "rule" if tag.source == "rule" else str(tag.created_by)


@app.command("tags")
def tags(
    run: Annotated[str, typer.Argument(help="The run's id.")],
    db: Db = None,
    as_json: Json = False,
) -> None:
    """List the tags on a run's results."""
    with workspace(db) as ws:
        found = ws.analysis.tags(run)
    if as_json:
        render.emit_json([asdict(t) for t in found])
        return
    render.table(
        f"Tags of run {run}",
        ["case", "category", "taxonomy", "by", "rule / note"],
        [
            [t.case_id, t.category or "—", t.taxonomy or "—", _by(t), t.rule or t.note]
            for t in found
        ],
    )


@app.command("issues")
def issues(
    suite: Annotated[str, typer.Argument(help="The suite's name.")],
    limit: Annotated[int, typer.Option("--limit", help="The newest runs to read.")] = 50,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Also write the trend chart (SVG) here.")
    ] = None,
    db: Db = None,
    as_json: Json = False,
) -> None:
    """The top issues of SUITE: rate per run with a 95% CI, status, and regression escapes."""
    with workspace(db) as ws:
        tracker = ws.analysis.issues(suite, limit=limit)
        if chart is not None:
            chart.write_text(ws.analysis.issues_chart(tracker), encoding="utf-8")
    if as_json:
        render.emit_json(asdict(tracker))
        return
    shown = tracker.runs[-4:]
    render.table(
        f"Top issues of {suite} ({tracker.taxonomy or 'no taxonomy'})",
        ["category", "status", *(f"run {r.run_id}" for r in shown)],
        [
            [row.category + ("" if row.in_taxonomy else " (retired)"), row.status]
            + [_rate(rate) for rate in row.rates[-len(shown) :]]
            for row in tracker.rows
        ],
    )
    if tracker.escapes:
        render.table(
            "Regression escapes (failed, fixed, failed again)",
            ["case", "failed in", "fixed in", "failed again in", "categories", "released"],
            [
                [
                    e.case_id,
                    e.failed_in,
                    e.fixed_in,
                    e.failed_again_in,
                    ", ".join(e.categories),
                    f"yes (gate {e.released})" if e.released else "no",
                ]
                for e in tracker.escapes
            ],
        )
        if tracker.released_escapes:
            render.warning(
                f"{len(tracker.released_escapes)} known regression(s) reached a released model "
                "(the failing run passed its release gate)"
            )
    else:
        render.line("no regression escapes")


@app.command("clusters")
def clusters(
    suite: Annotated[str, typer.Argument(help="The suite whose failures to cluster.")],
    run: Annotated[
        int | None, typer.Option("--run", help="A run of the suite (default: its newest).")
    ] = None,
    embedder: Annotated[
        str, typer.Option("--embedder", help="auto (MiniLM when installed), minilm or tfidf.")
    ] = "auto",
    db: Db = None,
    json: Json = False,
) -> None:
    """The failed results of a run, clustered by meaning, each cluster with its terms."""
    found = workspace(db).analysis.failure_clusters(suite, run, embedder=embedder)
    if json:
        render.emit_json(asdict(found))
        return
    render.line(
        f"{found.failures} failures of run {found.run_id} in {len(found.clusters)} clusters "
        f"({render.literal(found.embedder)}); {len(found.unclustered)} unclustered"
    )
    render.table(
        None,
        ["#", "size", "terms", "tagged", "e.g."],
        [
            (
                c.number,
                c.size,
                render.literal(", ".join(c.terms)),
                render.literal(", ".join(f"{k} {n}" for k, n in c.categories)) or "-",
                render.literal(", ".join(e.case_id for e in c.exemplars)),
            )
            for c in found.clusters
        ],
    )


@app.command("promote")
def promote(
    suite: Annotated[str, typer.Argument(help="The suite.")],
    run: Annotated[int, typer.Argument(help="The run whose failures were clustered.")],
    cluster: Annotated[int, typer.Argument(help="The cluster number `clusters` showed.")],
    name: Annotated[str, typer.Option("--name", help="The new category's name.")],
    definition: Annotated[str, typer.Option("--definition", help="What the category means.")],
    db: Db = None,
) -> None:
    """Make a cluster a category of the suite's taxonomy (a new version); tag its members."""
    done = workspace(db).analysis.promote(suite, run, cluster, name=name, definition=definition)
    render.success(
        f"{render.literal(done.taxonomy.ref)}: category {render.literal(done.category)} from "
        f"cluster {done.cluster}, {done.tagged} results tagged"
    )
