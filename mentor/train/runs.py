"""Training runs in the store: open one, log its metrics, close it, read it back."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from mentor.errors import NotFoundError
from mentor.store.audit import aware, now, record_event
from mentor.store.engine import write_transaction
from mentor.store.train_tables import training_metrics, training_runs

STATUSES = ("running", "failed", "interrupted", "succeeded")


@dataclass(frozen=True)
class TrainingRun:
    """One ``mentor train``: what it learned from, how, and what it produced."""

    id: int
    kind: str
    version_id: int
    dataset_ref: str
    content_hash: str
    split: dict[str, Any]
    base_model: dict[str, Any]
    params: dict[str, Any]
    versions: dict[str, str]
    device: str
    status: str
    error: str | None
    final_metrics: dict[str, float]
    out_dir: str
    weights_sha256: str | None
    mlflow: dict[str, str] | None
    created_by: str
    started_at: datetime
    finished_at: datetime | None
    wall_s: float | None

    @property
    def model_dir(self) -> Path:
        """The folder the trained model was saved to."""
        return Path(self.out_dir) / "model"

    @property
    def ref(self) -> str:
        """How a provider spec or grader names this run's model."""
        return f"train:{self.id}"


def _run(row: Any) -> TrainingRun:
    status, error = row.status, row.error
    if status == "running" and _gone(row.process):
        status, error = "failed", "the training process ended without finishing (killed?)"
    return TrainingRun(
        id=row.id,
        kind=row.kind,
        version_id=row.version_id,
        dataset_ref=row.dataset_ref,
        content_hash=row.content_hash,
        split=dict(row.split),
        base_model=dict(row.base_model),
        params=dict(row.params),
        versions=dict(row.versions),
        device=row.device,
        status=status,
        error=error,
        final_metrics=dict(row.final_metrics),
        out_dir=row.out_dir,
        weights_sha256=row.weights_sha256,
        mlflow=dict(row.mlflow) if row.mlflow else None,
        created_by=row.created_by,
        started_at=aware(row.started_at),
        finished_at=aware(row.finished_at) if row.finished_at else None,
        wall_s=row.wall_s,
    )


def _this_process() -> dict[str, Any]:
    return {"host": socket.gethostname(), "pid": os.getpid()}


def _gone(process: dict[str, Any] | None) -> bool:
    """Whether the process that trained a run is known to have ended (on this host)."""
    if not process or process.get("host") != socket.gethostname():
        return False
    pid = int(process.get("pid", 0))
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def get_run(conn: Connection, run_id: int) -> TrainingRun:
    """The run with `run_id`."""
    row = conn.execute(select(training_runs).where(training_runs.c.id == run_id)).first()
    if row is None:
        raise NotFoundError(f"no training run {run_id}; `mentor train runs` lists them")
    return _run(row)


def list_runs(conn: Connection) -> list[TrainingRun]:
    """Every training run, newest first."""
    rows = conn.execute(select(training_runs).order_by(training_runs.c.id.desc())).all()
    return [_run(r) for r in rows]


def run_metrics(conn: Connection, run_id: int) -> list[tuple[int, str, float]]:
    """(step, name, value) of everything the run logged, in step order."""
    rows = conn.execute(
        select(training_metrics.c.step, training_metrics.c.name, training_metrics.c.value)
        .where(training_metrics.c.run_id == run_id)
        .order_by(training_metrics.c.step, training_metrics.c.name)
    ).all()
    return [(r.step, r.name, r.value) for r in rows]


def open_run(engine: Engine, values: dict[str, Any], actor: str) -> int:
    """A new run, status running, with an audit event; its id."""
    with write_transaction(engine) as conn:
        key = conn.execute(
            training_runs.insert().values(
                **values,
                status="running",
                final_metrics={},
                process=_this_process(),
                created_by=actor,
                started_at=now(),
            )
        ).inserted_primary_key
        assert key is not None
        run_id = int(key[0])
        record_event(
            conn,
            actor=actor,
            action="train.start",
            object_type="training_run",
            object_id=str(run_id),
            after={"kind": values["kind"], "dataset": values["dataset_ref"]},
        )
    return run_id


def reopen_run(engine: Engine, run_id: int, actor: str, params: dict[str, Any]) -> None:
    """Mark a failed or interrupted run running again (``--resume``), with its new length."""
    with write_transaction(engine) as conn:
        conn.execute(
            update(training_runs)
            .where(training_runs.c.id == run_id)
            .values(
                status="running",
                error=None,
                params=params,
                process=_this_process(),
                finished_at=None,
            )
        )
        record_event(
            conn,
            actor=actor,
            action="train.resume",
            object_type="training_run",
            object_id=str(run_id),
        )


def log_metrics(engine: Engine, run_id: int, step: int, metrics: dict[str, float]) -> None:
    """Keep the metrics logged at `step` (a resumed run overwrites the steps it repeats)."""
    if not metrics:
        return
    with write_transaction(engine) as conn:
        conn.execute(
            training_metrics.delete().where(
                (training_metrics.c.run_id == run_id)
                & (training_metrics.c.step == step)
                & training_metrics.c.name.in_(list(metrics))
            )
        )
        conn.execute(
            training_metrics.insert(),
            [{"run_id": run_id, "step": step, "name": k, "value": v} for k, v in metrics.items()],
        )


def close_run(engine: Engine, run_id: int, actor: str, **values: Any) -> None:
    """Record how the run ended (status, error, final metrics, weights hash, wall time)."""
    with write_transaction(engine) as conn:
        conn.execute(
            update(training_runs)
            .where(training_runs.c.id == run_id)
            .values(**values, finished_at=now())
        )
        record_event(
            conn,
            actor=actor,
            action=f"train.{values['status']}",
            object_type="training_run",
            object_id=str(run_id),
            after={k: values.get(k) for k in ("error", "weights_sha256", "wall_s")},
        )
