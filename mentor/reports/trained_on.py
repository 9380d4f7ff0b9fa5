"""What a candidate model was trained on: for an eval run of a model trained in Mentor
(provider ``train:N``), the training run, its dataset version and the lineage back to the
annotation projects and source files, and the lift over the base model with the labels behind
it (:mod:`mentor.quality.lift`). Any other model was trained elsewhere; the note says so."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mentor.evals.runs import RunInfo
from mentor.quality.lift import LiftRow
from mentor.quality.lineage_graph import training_run_id

if TYPE_CHECKING:
    from mentor.workspace import Workspace

LINEAGE_TYPES = ("source", "project", "version", "base_model", "training_run", "model")


@dataclass(frozen=True)
class LineageStep:
    """One node of the lineage as the note lists it."""

    kind: str
    label: str
    detail: str


@dataclass(frozen=True)
class TrainedOn:
    """The training behind a candidate model (None fields: not recorded)."""

    training_run: int
    kind: str
    dataset_ref: str
    content_hash: str
    base_model: str
    train_rows: int | None
    status: str
    lineage: tuple[LineageStep, ...]
    labels: int
    labels_basis: str
    lift: LiftRow | None


def _detail(kind: str, detail: dict[str, object]) -> str:
    keys = {
        "version": ("content_hash", "records"),
        "source": ("sha256",),
        "project": ("task", "guideline", "annotators"),
        "base_model": ("sha256",),
        "training_run": ("status", "train_rows"),
        "model": ("weights_sha256",),
    }.get(kind, ())
    parts = []
    for key in keys:
        value = detail.get(key)
        if value not in (None, "", [], {}):
            text = str(value)
            parts.append(f"{key} {text[:12] if key.endswith(('hash', 'sha256')) else text}")
    return ", ".join(parts)


def trained_on(ws: Workspace, candidate: RunInfo) -> TrainedOn | None:
    """The training behind `candidate`'s model, when it was trained in Mentor."""
    if candidate.provider != "train":
        return None
    run_id = training_run_id(candidate.model)
    if run_id is None:
        return None
    run = ws.training.get(run_id)
    graph = ws.quality.lineage(run.ref)
    steps = tuple(
        LineageStep(n.type, n.label, _detail(n.type, dict(n.detail)))
        for n in graph.nodes
        if n.type in LINEAGE_TYPES
    )
    lift = ws.quality.training_lift(run_id)
    row = next((r for r in lift.rows if r.eval_run == candidate.id), None)
    return TrainedOn(
        training_run=run.id,
        kind=run.kind,
        dataset_ref=run.dataset_ref,
        content_hash=run.content_hash,
        base_model=str(run.base_model.get("spec", "")),
        train_rows=run.split.get("train_rows"),
        status=run.status,
        lineage=steps,
        labels=lift.labels.count,
        labels_basis=lift.labels.basis,
        lift=row,
    )
