"""Lift of a trained model: each of its eval runs against the base model's run on the same
suite version, with the paired interval, and the labels that bought it.

The base model's run is the newest run (before the trained model's, else after it) of the same
suite version whose provider fingerprint carries the SHA-256 the training run recorded for its
base. "Labels used" are the human annotations carried by the training records (released from
an annotation project, ``meta.annotation.annotations``); without any, the training records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import Engine, select

from mentor.datasets.versions import iter_records
from mentor.evals.runs import RunInfo
from mentor.quality.lineage_graph import model_evals
from mentor.store.eval_tables import eval_runs
from mentor.train.runs import TrainingRun
from mentor.train.runs import get_run as get_training_run

if TYPE_CHECKING:
    from mentor.workspace import Workspace

METRICS: Final = ("policy-violation-rate", "over-refusal-rate")
"""Scorecard metrics whose change is shown beside the pass rate's (lower is better)."""


@dataclass(frozen=True)
class LabelsUsed:
    """How many labels are behind a training run's data, and what was counted."""

    count: int
    basis: str  # "annotations" or "training records"
    projects: tuple[str, ...]


@dataclass(frozen=True)
class LiftRow:
    """One eval run of the trained model against the base model's run of the same suite."""

    suite: str
    suite_hash: str
    eval_run: int
    base_run: int | None
    trained_pass_rate: float | None
    base_pass_rate: float | None
    delta: float | None  # paired mean difference in pass rate (trained - base)
    low: float | None
    high: float | None
    paired: int
    p_value: float | None  # McNemar's exact test
    metric_changes: dict[str, float]
    labels: int
    labels_basis: str
    lift_per_1000: float | None  # delta / labels x 1000
    lift_low: float | None
    lift_high: float | None


@dataclass(frozen=True)
class TrainingLift:
    """Every eval run of a training run's model, with its lift over the base model."""

    run_id: int
    model: str
    base_model: dict[str, Any]
    labels: LabelsUsed
    rows: tuple[LiftRow, ...]


def labels_used(engine: Engine, run: TrainingRun) -> LabelsUsed:
    """The annotations carried by the run's training records (held-out records left out);
    the training records themselves when none carries any."""
    held_out = set(run.split.get("held_out_ids") or [])
    count, projects = 0, set()
    for rec in iter_records(engine, run.version_id):
        if rec.get("id") in held_out:
            continue
        note = (rec.get("meta") or {}).get("annotation") or {}
        found = note.get("annotations") or []
        count += len(found)
        if found and note.get("project"):
            projects.add(str(note["project"]))
    if count:
        return LabelsUsed(count, "annotations", tuple(sorted(projects)))
    return LabelsUsed(int(run.split.get("train_rows") or 0), "training records", ())


def base_run(engine: Engine, run: TrainingRun, trained: RunInfo) -> int | None:
    """The base model's run of `trained`'s suite version: newest before it, else newest after.

    The base run must have the base's weights and the same system prompt as the trained run
    (none, usually): the shipped model behind a system prompt is another candidate, not the
    base."""
    sha = run.base_model.get("sha256")
    with engine.connect() as conn:
        suite_id = conn.execute(
            select(eval_runs.c.suite_id).where(eval_runs.c.id == trained.id)
        ).scalar_one()
        rows = conn.execute(
            select(eval_runs.c.id, eval_runs.c.fingerprint, eval_runs.c.provider)
            .where(eval_runs.c.suite_id == suite_id, eval_runs.c.id != trained.id)
            .order_by(eval_runs.c.id.desc())
        ).all()
    system = _system(trained.fingerprint)
    same = [
        int(r.id)
        for r in rows
        if r.provider != "train" and _sha(r.fingerprint) == sha and _system(r.fingerprint) == system
    ]
    before = [i for i in same if i < trained.id]
    found = before or same
    return found[0] if found else None


def _sha(fingerprint: Any) -> Any:
    return fingerprint.get("sha256") if isinstance(fingerprint, dict) else None


def _system(fingerprint: Any) -> Any:
    return fingerprint.get("system_prompt") if isinstance(fingerprint, dict) else None


def _per_1000(value: float | None, labels: int) -> float | None:
    return None if value is None or labels <= 0 else value / labels * 1000


def lift_row(ws: Workspace, trained: RunInfo, base: int | None, labels: LabelsUsed) -> LiftRow:
    """The change of `trained` against base run `base` (paired, with its interval)."""
    changes: dict[str, float] = {}
    delta = low = high = p_value = base_rate = None
    paired = 0
    if base is not None:
        found = ws.evals.compare(base, trained.id)
        diff = found.comparison.pass_rate
        if diff is not None:
            delta, low, high, paired = diff.mean, diff.low, diff.high, diff.n
        p_value = found.comparison.mcnemar.p_value
        base_rate = found.baseline.run.pass_rate
        for name in METRICS:
            before = found.baseline.scorecard.metric(name).value
            after = found.candidate.scorecard.metric(name).value
            if before is not None and after is not None:
                changes[name] = after - before
    return LiftRow(
        suite=trained.suite_name,
        suite_hash=trained.suite_hash,
        eval_run=trained.id,
        base_run=base,
        trained_pass_rate=trained.pass_rate,
        base_pass_rate=base_rate,
        delta=delta,
        low=low,
        high=high,
        paired=paired,
        p_value=p_value,
        metric_changes=changes,
        labels=labels.count,
        labels_basis=labels.basis,
        lift_per_1000=_per_1000(delta, labels.count),
        lift_low=_per_1000(low, labels.count),
        lift_high=_per_1000(high, labels.count),
    )


def training_lift(ws: Workspace, run_id: int) -> TrainingLift:
    """The lift table of training run `run_id`: one row per eval run of its model."""
    with ws.engine.connect() as conn:
        run = get_training_run(conn, run_id)
        trained = model_evals(conn, run_id)
    labels = labels_used(ws.engine, run)
    rows = tuple(lift_row(ws, t, base_run(ws.engine, run, t), labels) for t in trained)
    return TrainingLift(run.id, run.ref, dict(run.base_model), labels, rows)
