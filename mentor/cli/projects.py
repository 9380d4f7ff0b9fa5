"""`mentor projects`: create, fill, watch and release annotation projects (over mentor.annotate)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from mentor.annotate import (
    GuidelineVersion,
    ProjectInfo,
    ProjectSettings,
    read_task_config,
    task_types,
)
from mentor.cli import render
from mentor.cli.options import Db, Json, workspace
from mentor.errors import InputError
from mentor.judges import ReviewProject

app = typer.Typer(
    help="Annotation projects: create, fill, watch and release.", no_args_is_help=True
)

Project = Annotated[str, typer.Argument(help="Project name.")]


def _summary(p: ProjectInfo) -> list[tuple[str, Any]]:
    s = p.settings
    return [
        ("task", p.task_type),
        ("from", p.dataset),
        ("guideline", p.guideline),
        ("items", f"{p.items:,} (+{p.gold_items} gold)"),
        ("overlap", f"{s.overlap} distinct annotators per item"),
        ("gold rate", s.gold_rate),
        ("review rate", s.review_rate),
        ("lease", f"{s.lease_seconds} s"),
        ("pre-labels", s.prelabel or "—"),
    ]


def _show_review(review: ReviewProject, json: bool) -> None:
    if json:
        render.emit_json(review)
        return
    against = f" against baseline run {review.baseline}" if review.baseline else ""
    render.success(
        f"created project {review.project.name}: {review.items:,} outputs of run {review.run}"
        f"{against} to grade ({review.task})"
    )
    for why, n in review.skipped.items():
        render.warning(f"left out {n:,} case(s): {why}")
    render.fields(review.project.name, _summary(review.project))


@app.command()
def create(
    name: Project,
    task: Annotated[
        str,
        typer.Option(
            "--task",
            help="Task type (see `mentor projects tasks`); with --from-run: pass-fail, rubric, "
            "spans or pairwise.",
        ),
    ],
    from_: Annotated[
        str | None, typer.Option("--from", help="Dataset version to annotate: NAME@vN.")
    ] = None,
    from_run: Annotated[
        str | None,
        typer.Option("--from-run", help="Review the outputs of this eval run instead of --from."),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option("--baseline", help="With --from-run --task pairwise: the baseline run."),
    ] = None,
    guideline: Annotated[
        Path | None,
        typer.Option(
            "--guideline",
            help="Guideline markdown file (becomes v1); with --from-run, a starter by default.",
        ),
    ] = None,
    overlap: Annotated[int, typer.Option("--overlap", help="Distinct annotators per item.")] = 1,
    gold_rate: Annotated[
        float, typer.Option("--gold-rate", help="Share of served items that are gold.")
    ] = 0.0,
    review_rate: Annotated[
        float, typer.Option("--review-rate", help="Share of submissions sampled for review.")
    ] = 0.0,
    lease_seconds: Annotated[
        int, typer.Option("--lease-seconds", help="How long an item stays leased.")
    ] = 1800,
    prelabel: Annotated[
        str | None,
        typer.Option(
            "--prelabel",
            help="Pre-labels: record, record:meta.F, model:NAME (a named provider, see "
            "`mentor providers`) or model:SPEC.",
        ),
    ] = None,
    gold: Annotated[
        str | None,
        typer.Option("--gold", help="Gold items: NAME@vN, or a JSONL file of {record, answer}."),
    ] = None,
    criteria: Annotated[
        Path | None, typer.Option("--criteria", help="Rubric criteria (YAML) for --task rubric.")
    ] = None,
    labels: Annotated[
        str | None, typer.Option("--labels", help="Comma-separated labels (classification).")
    ] = None,
    multi: Annotated[
        bool, typer.Option("--multi", help="Several labels may apply (classification flags).")
    ] = False,
    config: Annotated[
        Path | None, typer.Option("--config", help="Other task settings, as a YAML mapping.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Only the first N records become items.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed for shuffles and sampling.")] = 0,
    description: Annotated[
        str, typer.Option("--description", help="What the project is for.")
    ] = "",
    db: Db = None,
    json: Json = False,
) -> None:
    """Create an annotation project from a dataset version, a task type and a guideline, or
    from an eval run's outputs (--from-run) for people to grade."""
    settings = ProjectSettings(overlap, gold_rate, review_rate, lease_seconds, prelabel, seed)
    names = [x.strip() for x in labels.split(",") if x.strip()] if labels is not None else None
    task_config = read_task_config(config, criteria, names, multi)
    if from_run is not None:
        if from_ is not None:
            raise InputError("give --from or --from-run, not both", where="--from-run")
        review = workspace(db).reviews.create(
            name,
            run=from_run,
            task=task,
            baseline=baseline,
            guideline=guideline,
            settings=settings,
            config=task_config,
            gold=gold,
            limit=limit,
            description=description,
        )
        _show_review(review, json)
        return
    if from_ is None or guideline is None:
        raise InputError(
            "a project needs --from NAME@vN and --guideline FILE (or --from-run RUN)",
            where="--from" if from_ is None else "--guideline",
        )
    project = workspace(db).projects.create(
        name,
        dataset=from_,
        task=task,
        guideline=guideline,
        settings=settings,
        config=task_config,
        gold=gold,
        limit=limit,
        description=description,
    )
    if json:
        render.emit_json(project)
        return
    render.success(f"created project {project.name}")
    render.fields(project.name, _summary(project))
    if project.prelabels is not None and project.prelabels.failed:
        render.warning(
            f"{project.prelabels.failed:,} items got no pre-label suggestion "
            f"(first: {project.prelabels.reason}); the SDK's "
            f"`ws.projects.prelabel({project.name!r})` asks again for the items without one"
        )


@app.command("list")
def list_(db: Db = None, json: Json = False) -> None:
    """List the annotation projects."""
    found = workspace(db).projects.all()
    if json:
        render.emit_json(found)
        return
    render.table(
        "Projects",
        ["name", "task", "from", "guideline", "#items", "overlap", "created by"],
        [
            [p.name, p.task_type, p.dataset, p.guideline, p.items, p.settings.overlap, p.created_by]
            for p in found
        ],
    )


@app.command()
def show(project: Project, db: Db = None, json: Json = False) -> None:
    """Show a project's settings and progress: items done, in progress, remaining; per annotator."""
    ws = workspace(db)
    info, done = ws.projects.get(project), ws.projects.progress(project)
    if json:
        render.emit_json({"project": info, "progress": done})
        return
    reviews = ", ".join(f"{n} {v}" for v, n in sorted(done.reviews.items())) or "none yet"
    agreement = done.prelabel_agreement
    render.fields(
        info.name,
        [
            *_summary(info),
            ("done", f"{done.done} ({done.complete} agreed, {done.adjudicated} adjudicated)"),
            ("disputed", f"{done.disputed} waiting for adjudication"),
            ("in progress", done.in_progress),
            ("remaining", done.remaining),
            ("leased now", done.active_leases),
            ("reviews", f"{reviews}; {done.review_pending} sampled, waiting"),
            ("open questions", done.questions_open),
            ("pre-label agreement", "—" if agreement is None else f"{agreement:.0%}"),
        ],
    )
    render.table(
        None,
        ["annotator", "#submitted", "#skipped", "#rejected", "#leased", "gold", "mean time"],
        [
            [
                a.annotator,
                a.submitted,
                a.skipped,
                a.rejected,
                a.leased,
                "—" if a.gold_score is None else f"{a.gold_score:.0%} of {a.gold_answered}",
                "—" if a.mean_time_s is None else f"{a.mean_time_s:.0f} s",
            ]
            for a in done.annotators
        ],
    )


@app.command()
def members(
    project: Project,
    add: Annotated[
        list[str] | None, typer.Option("--add", help="Add this user as a member (repeatable).")
    ] = None,
    remove: Annotated[
        list[str] | None,
        typer.Option("--remove", help="Take this user off the members (repeatable)."),
    ] = None,
    db: Db = None,
    json: Json = False,
) -> None:
    """List (after --add/--remove) who may work on a project's queue; none: every annotator."""
    ws = workspace(db)
    found = ws.projects.add_members(project, add) if add else None
    found = ws.projects.remove_members(project, remove) if remove else found
    found = ws.projects.members(project) if found is None else found
    if json:
        render.emit_json(found)
        return
    if add:
        render.success(f"added {', '.join(add)} to {project}")
    if remove:
        render.success(f"removed {', '.join(remove)} from {project}; their annotations stay")
    if not found:
        render.line(f"{project} has no members: every annotator may work on its queue")
        return
    render.table(
        f"Members of {project} (only they may work on its queue)",
        ["user", "added by", "added at"],
        [[m.user, m.added_by, f"{m.added_at:%Y-%m-%d %H:%M}"] for m in found],
    )


@app.command()
def tasks(json: Json = False) -> None:
    """List the task types a project can use, with the fields of their labels."""
    found = [t.info() for t in task_types()]
    if json:
        render.emit_json(found)
        return
    render.table(
        "Task types",
        ["task", "what", "record kinds", "shuffled", "label fields"],
        [
            [
                t.name,
                t.title,
                ", ".join(t.kinds),
                "yes" if t.shuffled else "",
                ", ".join(t.payload_fields),
            ]
            for t in found
        ],
    )


def _guideline_json(v: GuidelineVersion) -> dict[str, Any]:
    return {**asdict(v), "text": v.text, "missing_sections": v.missing_sections}


@app.command()
def guideline(
    project: Project,
    version: Annotated[int | None, typer.Option("--version", help="Show version N.")] = None,
    update: Annotated[
        Path | None, typer.Option("--update", help="Publish this markdown file as a new version.")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="What changed (with --update).")] = "",
    db: Db = None,
    json: Json = False,
) -> None:
    """Show a project's guideline (with its clarifications), or publish a new version."""
    ws = workspace(db)
    if update is not None:
        shown = ws.projects.update_guideline(project, update, note=note)
    else:
        shown = ws.projects.guideline(project, version)
    if json:
        render.emit_json(_guideline_json(shown))
        return
    if update is not None:
        render.success(f"published {shown.ref}; {project} uses it now")
    render.line(
        f"[bold]{shown.ref}[/bold] · {render.literal(shown.created_by)} · "
        f"{shown.created_at:%Y-%m-%d %H:%M}"
    )
    render.markdown(shown.text)
    if shown.missing_sections:
        render.warning(f"no section on: {', '.join(shown.missing_sections)}")


@app.command()
def questions(
    project: Project,
    open_only: Annotated[bool, typer.Option("--open", help="Only unanswered questions.")] = False,
    db: Db = None,
    json: Json = False,
) -> None:
    """List annotators' questions on a project's guideline and items."""
    found = workspace(db).projects.questions(project, open_only=open_only)
    if json:
        render.emit_json(found)
        return
    render.table(
        f"Questions on {project}",
        ["#id", "asked by", "item", "question", "answer", "in"],
        [
            [
                q.id,
                q.asked_by,
                q.item_id or "—",
                q.question,
                q.answer or "(open)",
                f"v{q.guideline_version}" if q.guideline_version else "",
            ]
            for q in found
        ],
    )


@app.command()
def answer(
    project: Project,
    question_id: Annotated[int, typer.Argument(help="The question's id.")],
    text: Annotated[str, typer.Argument(help="The answer.")],
    db: Db = None,
    json: Json = False,
) -> None:
    """Answer a question; the answer goes into the guideline's next version as a clarification."""
    done = workspace(db).projects.answer(project, question_id, text)
    if json:
        render.emit_json(done)
        return
    render.success(f"answered question {done.id}; published {project}@v{done.guideline_version}")


@app.command()
def gold(project: Project, db: Db = None, json: Json = False) -> None:
    """Show each annotator's score on the gold items they were served."""
    found = workspace(db).projects.gold_scores(project)
    if json:
        render.emit_json(found)
        return
    render.table(
        f"Gold scores on {project}",
        ["annotator", "#answered", "mean score", "#exact"],
        [[g.annotator, g.answered, f"{g.mean_score:.0%}", g.exact] for g in found],
    )


@app.command()
def release(
    project: Project,
    into: Annotated[
        str | None, typer.Option("--into", help="Dataset to write (default: PROJECT-labels).")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="A note kept with the version.")] = "",
    db: Db = None,
    json: Json = False,
) -> None:
    """Release the finished items as a dataset version: final labels, every annotation kept."""
    result = workspace(db).projects.release(project, into=into, note=note)
    if json:
        render.emit_json(result)
        return
    how = ", ".join(f"{n} by {k}" for k, n in sorted(result.decided_by.items()))
    render.success(
        f"released {result.records:,} items of {project} as {result.version.ref} ({how}; "
        f"{result.annotations:,} annotations kept)"
    )
    if result.left_out:
        left = ", ".join(f"{n} {s}" for s, n in sorted(result.left_out.items()))
        render.warning(f"left out unfinished items: {left}")
