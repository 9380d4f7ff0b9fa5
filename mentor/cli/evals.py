"""`mentor eval`: run suites, compare runs, gate releases (over mentor.evals)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Final

import typer

from mentor.cli import evals_compare, render
from mentor.cli.options import Concurrency, Db, Json, Rate, Retries, Timeout, workspace
from mentor.errors import InputError, MentorError
from mentor.evals import HumanGrade, ResultRow, RunInfo, RunOptions
from mentor.evals.human_grades import grade_source
from mentor.judges import Estimate
from mentor.workspace import Workspace

app = typer.Typer(
    help="Evaluate models: run suites, compare runs, gate releases.", no_args_is_help=True
)
TEXT_ROWS: Final = 50  # results `mentor eval show` lists as text unless --limit says

app.command("compare")(evals_compare.compare)
app.command("gate")(evals_compare.gate)
app.command("scorecard")(evals_compare.scorecard)

RunRef = Annotated[str, typer.Argument(help="Run id (see `mentor eval runs`).")]
Grades = evals_compare.Grades
UNJUDGED = ("error", "unparsed", "ungraded")


def _params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(f"'{pair}' is not KEY=VALUE", where="--param")
        params[key.strip()] = value.strip()
    return params


def _rate(run: RunInfo) -> str:
    return "—" if run.pass_rate is None else f"{run.pass_rate:.1%}"


def _summary(run: RunInfo) -> list[tuple[str, object]]:
    counts = run.counts
    seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
    return [
        ("suite", f"{run.suite_name} ({run.suite_hash[:12]})"),
        ("model", f"{run.provider} {run.model}"),
        ("status", run.status + (f" in {seconds:.1f} s" if seconds is not None else "")),
        ("cases", f"{run.done:,} of {run.case_count:,}"),
        (
            "pass rate",
            f"{_rate(run)} ({counts.get('passed', 0):,} passed, "
            f"{counts.get('failed', 0):,} failed)",
        ),
        ("errors", f"{counts.get('error', 0):,}"),
        ("unparsed", f"{counts.get('unparsed', 0):,}"),
        ("ungraded", f"{counts.get('ungraded', 0):,}"),
    ]


def _refusal(row: ResultRow) -> str:
    """The refusal grader's verdict and the cue that decided it ("" without one)."""
    for g in row.grades:
        if "cue" in g.detail and "outcome" in g.detail:
            cue = g.detail["cue"]
            return f"{g.detail['outcome']} ({g.detail.get('label')}" + (
                f"; cue: {cue!r})" if cue else ")"
            )
    return ""


def _human(grade: HumanGrade | None) -> list[str]:
    """The human grade column and its reason, who said it, and whether it was adjudicated."""
    if grade is None:
        return ["—", ""]
    who = ", ".join(grade.annotators) + ("; adjudicated" if grade.adjudicated else "")
    return [f"{grade.verdict} ({who})", grade.reason[:120]]


def _json_run(run: RunInfo) -> dict[str, object]:
    return {**asdict(run), "pass_rate": run.pass_rate, "done": run.done}


@app.command("run")
def run(
    suite: Annotated[Path, typer.Argument(help="Suite file: .yaml, .jsonl or .csv.")],
    provider: Annotated[
        str | None,
        typer.Option(
            "--provider",
            help="Model spec: smollm2, openai:MODEL[@URL], anthropic:MODEL, hf:PATH, "
            "command:CMD, replay:RUN_ID|FILE[@NAME] (NAME: the model name to list the run "
            "under). Optional with --resume.",
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            help="Generation parameter KEY=VALUE (temperature, max_tokens, "
            "top_p, seed, stop); repeatable.",
        ),
    ] = None,
    system: Annotated[
        str | None,
        typer.Option(
            "--system",
            help="A system prompt put before every case that has none of its own "
            "(part of the run's fingerprint).",
        ),
    ] = None,
    judge: Annotated[
        str | None, typer.Option("--judge", help="Model spec for LLM-judge graders.")
    ] = None,
    concurrency: Concurrency = 8,
    rate: Rate = None,
    timeout: Timeout = 120.0,
    retries: Retries = 3,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Call the model even for inputs already cached.")
    ] = False,
    resume: Annotated[
        str | None, typer.Option("--resume", help="Finish this run instead of starting one.")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="A note kept with the run.")] = "",
    db: Db = None,
    json: Json = False,
) -> None:
    """Run a suite against a model, grade the answers and store the results."""
    ws = workspace(db)
    options = RunOptions(
        concurrency=concurrency,
        rate=rate,
        timeout_s=timeout,
        retries=retries,
        use_cache=not no_cache,
    )
    with render.progress(f"running {suite.name}") as bar:
        if resume is not None:
            result = ws.evals.resume(
                resume, suite=suite, provider=provider, judge=judge, options=options, progress=bar
            )
        else:
            if provider is None:
                raise InputError(
                    "give the model to run, e.g. --provider smollm2", where="--provider"
                )
            result = ws.evals.run(
                suite,
                provider if system is None else {"spec": provider, "system": system},
                _params(param or []),
                judge=judge,
                options=options,
                progress=bar,
                note=note,
            )
    if json:
        render.emit_json(_json_run(result))
    errors = result.counts.get("error", 0)
    if result.status != "completed" or (errors and errors == result.done):
        raise Unanswered(_unanswered(ws, result))
    if json:
        return
    render.success(f"run {result.id}: {_rate(result)} passed")
    render.fields(f"run {result.id}", _summary(result))
    if errors:
        render.warning(
            f"{errors} cases errored; see `mentor eval show {result.id} "
            f"--failures`, finish them with --resume {result.id}"
        )


class Unanswered(MentorError):
    """A run stopped, or every case of it errored: nothing to read a pass rate from."""


def _unanswered(ws: Workspace, run: RunInfo) -> str:
    first = next(iter(ws.evals.results(run.id, status="error")), None)
    reason = f" (first: {first.error or _grade_errors(first)})" if first is not None else ""
    if run.status != "completed":
        what = f"stopped: the first {run.done:,} of {run.case_count:,} cases got no answer{reason}"
    else:
        what = f"all {run.done:,} cases errored{reason}"
    return (
        f"run {run.id}: {what}. If --provider or --judge is wrong, start a new run; if the "
        f"model was only unreachable, finish this one with `mentor eval run SUITE --resume "
        f"{run.id}`"
    )


def _grade_errors(result: ResultRow) -> str:
    return "; ".join(f"{g.grader}: {g.reason}" for g in result.grades if g.state == "error")


@app.command("show")
def show(
    run_ref: RunRef,
    failures: Annotated[
        bool, typer.Option("--failures", help="Only failed, errored and unparsed cases.")
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", min=1, help="Most results to list (default: 50 as text, all with --json)."
        ),
    ] = None,
    grades: Grades = "auto",
    db: Db = None,
    json: Json = False,
) -> None:
    """Show a run: what ran, its pass rate, and its results (with --grades both or human, what
    people said beside the graders)."""
    ws = workspace(db)
    info = ws.evals.get_run(run_ref)
    source = grade_source(grades)
    human = ws.evals.human_grades(info.id) if source != "auto" else {}
    statuses = ("failed", *UNJUDGED[:2]) if failures else None
    most = limit if limit is not None else (None if json else TEXT_ROWS)
    rows: list[ResultRow] = []
    total = 0
    for row in ws.evals.results(info.id, status=statuses):
        if source == "human" and row.case_id not in human:
            continue
        total += 1
        if most is None or len(rows) < most:
            rows.append(row)
    if json:
        found = {"run": _json_run(info), "total": total, "results": rows}
        render.emit_json({**found, "human_grades": human} if source != "auto" else found)
        return
    render.fields(f"run {info.id}", _summary(info))
    if source != "auto" and human:
        render.fields("pass rate: people, graders and both", list(_pass_rates(ws, info.id).items()))
    if len(rows) < total:
        render.line(f"showing {len(rows):,} of {total:,} results (--limit N for more)")
    refusals = [_refusal(r) for r in rows]
    extra = ["refusal"] if any(refusals) else []
    people = ["human", "human why"] if source != "auto" else []
    render.table(
        None,
        ["case", "severity", "status", "score", *people, *extra, "output", "why"],
        [
            [
                r.case_id,
                r.case.severity,
                r.status + (" (cached)" if r.cached else ""),
                "" if r.score is None else f"{r.score:.2f}",
                *(_human(human.get(r.case_id)) if people else []),
                *([refusal] if extra else []),
                " ".join((r.output or "").split())[:60],
                r.error
                or "; ".join(f"{g.grader}: {g.reason}" for g in r.grades if g.passed is not True)[
                    :120
                ],
            ]
            for r, refusal in zip(rows, refusals, strict=True)
        ],
    )


def _interval(e: Estimate, n: int) -> str:
    return f"{e.value:.1%} [{e.low:.1%}, {e.high:.1%}] (n={n:,})"


def _pass_rates(ws: Workspace, run: int) -> dict[str, str]:
    found = ws.judges.pass_rate(run)
    if found.estimate is None:
        return {"prediction-powered": f"none: {found.reason}"}
    e = found.estimate
    narrower = 1 - (e.estimate.high - e.estimate.low) / (e.human_only.high - e.human_only.low)
    return {
        "people alone": _interval(e.human_only, e.n_human),
        "graders alone (biased)": _interval(e.judge_only, e.n_judged),
        "prediction-powered": _interval(e.estimate, e.n_judged)
        + f", interval {narrower:.0%} narrower than people alone",
    }


@app.command("runs")
def runs(
    suite: Annotated[str | None, typer.Option("--suite", help="Only runs of this suite.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Most runs to list.")] = 50,
    db: Db = None,
    json: Json = False,
) -> None:
    """List evaluation runs, newest first."""
    found = workspace(db).evals.runs(suite=suite, limit=limit)
    if json:
        render.emit_json([_json_run(r) for r in found])
        return
    render.table(
        None,
        ["#run", "suite", "model", "status", "pass rate", "errors", "cases", "started"],
        [
            [
                r.id,
                r.suite_name,
                f"{r.provider} {r.model}",
                r.status,
                _rate(r),
                r.counts.get("error", 0),
                f"{r.done}/{r.case_count}",
                f"{r.started_at:%Y-%m-%d %H:%M}",
            ]
            for r in found
        ],
    )


@app.command("serve-model")
def serve_model(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8001,
    model: Annotated[
        str, typer.Option("--model", help="smollm2 (the bundled model) or hf:PATH.")
    ] = "smollm2",
) -> None:
    """Serve a local model over an OpenAI-compatible API (POST /v1/chat/completions)."""
    from mentor.evals.model_server import local_provider
    from mentor.evals.model_server import serve_model as serve

    local_provider(model)
    render.line(
        f"loading {render.literal(model)}, then serving it on "
        f"[bold]http://{host}:{port}/v1[/bold] (Ctrl+C to stop)"
    )
    serve(host, port, model)


@app.command("attach-review")
def attach_review(
    project: Annotated[str, typer.Argument(help="A review project (made with --from-run).")],
    db: Db = None,
    json: Json = False,
) -> None:
    """Attach a review project's newest release to its run as human grades (a release does
    this by itself; run it again after a later release, or to check)."""
    result = workspace(db).reviews.attach(project)
    if json:
        render.emit_json(result)
        return
    what = "attached" if result.changed else "already attached, unchanged:"
    render.success(
        f"{what} {result.grades:,} human grades from {result.release} to run {result.run} "
        f"({result.passed:,} pass, {result.failed:,} fail)"
    )
