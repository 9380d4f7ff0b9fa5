"""Human review of eval outputs: annotation projects over a run's outputs.

``ws.reviews.create(NAME, run=N)`` writes the run's cases with their outputs as a dataset
version (transform ``eval-review``; each record's ``meta.review`` names the run, the case and,
for pairwise, the baseline run and which side is which) and makes an annotation project over it
in the same transaction: a failure leaves nothing behind. Everything annotation has then applies
(overlap, gold, review, adjudication, release). Releasing the project attaches its labels to the
run as human grades (:mod:`mentor.judges.review_grades`).

============  ==============  ==================================================================
review task   task type       the human grade
============  ==============  ==================================================================
pass-fail     classification  pass or fail (labels ``pass`` / ``fail``), the comment is the reason
rubric        rubric          the mean of the criteria's scores on 0..1; passes at 0.6
spans         spans           fails when any span is marked (e.g. the hallucinated sentence)
pairwise      pairwise        baseline vs candidate output of the same case, sides shuffled per
                              annotator; the candidate passes when preferred, fails when not
============  ==============  ==================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select

from mentor.annotate import ProjectInfo, ProjectSettings, ReleaseResult
from mentor.annotate.gold import load_gold
from mentor.annotate.guidelines import read_body
from mentor.annotate.items import insert_items, plan_items, version_records_of
from mentor.annotate.projects import check_name, insert_project
from mentor.annotate.task_config import TaskConfig, configure
from mentor.annotate.tasks import task_type
from mentor.datasets.versions import by_id
from mentor.datasets.writer import VersionSpec, VersionWriter
from mentor.errors import ConflictError, InputError
from mentor.evals.human_grades import REVIEW_TRANSFORM
from mentor.evals.runs import ResultRow, RunInfo, get_run, iter_results, run_id_of
from mentor.judges.review_grades import AttachResult, attach, review_source
from mentor.judges.review_guides import DEFAULT_CONFIG, GUIDELINES, REVIEW_TASKS
from mentor.records import Record, validate
from mentor.store.annotation_tables import projects
from mentor.store.audit import record_event
from mentor.store.engine import write_transaction

if TYPE_CHECKING:
    from mentor.workspace import Workspace

SIDES: Final = ("candidate", "baseline")  # the record's A (chosen) and B (rejected)


@dataclass(frozen=True)
class ReviewRequest:
    """What to review: a run (and a baseline for pairwise), how, under which guideline."""

    run: int | str
    task: str = "pass-fail"
    baseline: int | str | None = None
    guideline: str | Path | None = None
    settings: ProjectSettings | None = None
    config: dict[str, Any] | TaskConfig | None = None
    gold: str | Path | None = None
    limit: int | None = None
    description: str = ""


@dataclass(frozen=True)
class ReviewProject:
    """The project made, the runs it reviews, its items, and the cases left out (by why)."""

    project: ProjectInfo
    run: int
    baseline: int | None
    task: str
    items: int
    skipped: dict[str, int]


def _runs(ws: Workspace, req: ReviewRequest) -> tuple[RunInfo, RunInfo | None]:
    if req.task not in REVIEW_TASKS:
        raise InputError(
            f"'{req.task}' is not a review task; use one of {', '.join(REVIEW_TASKS)}",
            where="--task",
        )
    if (req.task == "pairwise") != (req.baseline is not None):
        raise InputError(
            "a pairwise review needs --baseline, and --baseline needs --task pairwise",
            where="--baseline",
        )
    with ws.engine.connect() as conn:
        run = get_run(conn, run_id_of(req.run))
        base = get_run(conn, run_id_of(req.baseline)) if req.baseline is not None else None
    if base is not None and base.id == run.id:
        raise InputError(f"run {run.id} cannot be its own baseline", where="--baseline")
    if base is not None and base.suite_name != run.suite_name:
        raise InputError(
            f"baseline run {base.id} ran suite '{base.suite_name}', run {run.id} ran "
            f"'{run.suite_name}'; pick a baseline run of the same suite",
            where="--baseline",
        )
    return run, base


def _answered(row: ResultRow) -> bool:
    return row.error is None and bool((row.output or "").strip())


def _record(row: ResultRow, meta: dict[str, Any], baseline: ResultRow | None) -> Record:
    prompt = [dict(m) for m in row.case.messages]
    body: Record = {"id": row.case_id, "meta": {"review": meta}}
    if row.case.intent:
        body["intent"] = row.case.intent
    if baseline is None:
        body.update(kind="sft", messages=[*prompt, {"role": "assistant", "content": row.output}])
    else:
        body.update(kind="preference", prompt=prompt, chosen=row.output, rejected=baseline.output)
    return validate(body)


def review_records(
    ws: Workspace, run: RunInfo, base: RunInfo | None, limit: int | None
) -> tuple[list[Record], dict[str, int]]:
    """The records to review (the first `limit` cases), and how many cases were left out, by
    why: no output (an error or empty), or a case missing or unanswered in the other run."""
    others = {r.case_id: r for r in iter_results(ws.engine, base.id)} if base else {}
    records: list[Record] = []
    skipped: dict[str, int] = {}
    for row in iter_results(ws.engine, run.id):
        if limit is not None and len(records) >= limit:
            break
        other = others.get(row.case_id)
        why = (
            "no output"
            if not _answered(row)
            else "missing in baseline"
            if base is not None and other is None
            else "no output in baseline"
            if other is not None and not _answered(other)
            else None
        )
        if why is not None:
            skipped[why] = skipped.get(why, 0) + 1
            continue
        meta: dict[str, Any] = {"run_id": run.id, "case_id": row.case_id}
        if base is not None:
            meta.update(baseline_run=base.id, order=list(SIDES))
        records.append(_record(row, meta, other))
    if base is not None:
        ours = {r.case_id for r in iter_results(ws.engine, run.id)}
        missing = sum(1 for cid in others if cid not in ours)
        if missing:
            skipped["missing in candidate"] = missing
    return records, skipped


def create_review(ws: Workspace, name: str, req: ReviewRequest) -> ReviewProject:
    """Make project `name` over run `req.run`'s outputs (see the module docstring)."""
    check_name(name)
    run, base = _runs(ws, req)
    kind = task_type(REVIEW_TASKS[req.task])
    cfg = configure(kind, req.config, DEFAULT_CONFIG[req.task])
    body = read_body(req.guideline if req.guideline is not None else GUIDELINES[req.task])
    settings = req.settings or ProjectSettings()
    settings.check()
    if req.limit is not None and req.limit < 1:
        raise InputError(f"expected at least 1 item, got {req.limit}", where="--limit")
    if (settings.gold_rate > 0) != (req.gold is not None):
        raise InputError(
            "gold items need a gold rate above 0, and a gold rate needs gold items",
            where="--gold / --gold-rate",
        )
    records, skipped = review_records(ws, run, base, req.limit)
    if not records:
        why = ", ".join(f"{n} {w}" for w, n in skipped.items()) or "it has no results"
        raise InputError(f"run {run.id} has no outputs to review ({why})", where="--from-run")
    for record in records:
        kind.check(record, cfg)
    params = {"run": run.id, "baseline": base.id if base else None, "task": req.task}
    with write_transaction(ws.engine) as conn:
        if conn.execute(select(projects.c.id).where(projects.c.name == name)).first():
            raise ConflictError(f"a project named '{name}' already exists; pick another name")
        gold = load_gold(conn, req.gold, kind, cfg) if req.gold is not None else []
        spec = VersionSpec(
            f"{name}-outputs",
            ws.actor,
            REVIEW_TRANSFORM,
            {**params, "project": name, "skipped": skipped},
            description=f"Outputs of eval run {run.id} for review in project {name}",
        )
        writer = VersionWriter(conn, spec)
        for record in records:
            writer.add(record)
        writer.finish()
        version = by_id(conn, writer.version_id)
        pid = insert_project(
            conn, name, kind, version.ref, body, settings, cfg, req.description, ws.actor
        )
        stored = version_records_of(conn, version.id, None)
        plan = plan_items(kind, cfg, stored, gold, settings.seed)
        insert_items(conn, pid, plan, {})
        record_event(
            conn,
            actor=ws.actor,
            action="eval.review.create",
            object_type="eval_run",
            object_id=str(run.id),
            detail={**params, "project": name, "items": len(records), "skipped": skipped},
        )
    project = ws.projects.get(name)
    baseline = base.id if base else None
    return ReviewProject(project, run.id, baseline, req.task, len(records), skipped)


class Reviews:
    """Human review of eval outputs in one workspace: ``ws.reviews``."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    def create(
        self,
        name: str,
        *,
        run: int | str,
        task: str = "pass-fail",
        baseline: int | str | None = None,
        guideline: str | Path | None = None,
        settings: ProjectSettings | None = None,
        config: dict[str, Any] | TaskConfig | None = None,
        gold: str | Path | None = None,
        limit: int | None = None,
        description: str = "",
    ) -> ReviewProject:
        """A project over run `run`'s outputs: `task` pass-fail, rubric, spans, or pairwise
        against `baseline` (a run of the same suite). `guideline` (markdown text or a Path)
        and `config` (the task type's settings) default to ones made for the task."""
        req = ReviewRequest(
            run, task, baseline, guideline, settings, config, gold, limit, description
        )
        return create_review(self.ws, name, req)

    def attach(self, project: str) -> AttachResult:
        """Attach the project's last release to its run as human grades (idempotent)."""
        return attach(self.ws.engine, project, self.ws.actor)

    def is_review(self, project: str) -> bool:
        """Whether `project` was made from a run's outputs."""
        with self.ws.engine.connect() as conn:
            return review_source(conn, self.ws.projects.get(project)) is not None

    def after_release(self, result: ReleaseResult) -> None:
        """The release hook the workspace gives ``ws.projects``: a review project's release
        attaches its labels to the run."""
        if self.is_review(result.project):
            self.attach(result.project)
