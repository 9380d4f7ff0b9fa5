"""The training facade a Workspace hands out as ``ws.training``."""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mentor.datasets.versions import VersionInfo, by_id, resolve
from mentor.errors import ConflictError, InputError, MentorError
from mentor.progress import Progress
from mentor.train import runs
from mentor.train.callbacks import MetricSink, recorder
from mentor.train.models import BaseModel, load_base, require_training_libraries, resolve_base
from mentor.train.options import TrainOptions, check_kind
from mentor.train.outputs import final_metrics, fresh_out, last_checkpoint, save, weights_sha256
from mentor.train.preference_eval import RunEvaluation, evaluate_run
from mentor.train.rows import TrainingRows, training_rows
from mentor.train.runs import TrainingRun
from mentor.train.sinks import finish_tracking, start_tracking
from mentor.train.trainers import build_trainer, device

if TYPE_CHECKING:
    from mentor.workspace import Workspace

_LIBRARIES = ("trl", "transformers", "torch", "peft", "accelerate", "datasets")


class TrainingFailed(MentorError):
    """The trainer stopped with an error; the run is recorded as failed."""


def library_versions() -> dict[str, str]:
    """The versions of everything that shaped the weights."""
    found = {"python": platform.python_version()}
    for name in (*_LIBRARIES, "mentor"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


class Training:
    """Train with TRL on a dataset version; every run is a record with its lineage."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    def runs(self) -> list[TrainingRun]:
        """Every training run, newest first."""
        with self.ws.engine.connect() as conn:
            return runs.list_runs(conn)

    def get(self, run_id: int) -> TrainingRun:
        """One training run."""
        with self.ws.engine.connect() as conn:
            return runs.get_run(conn, run_id)

    def metrics(self, run_id: int) -> list[tuple[int, str, float]]:
        """(step, name, value) of every metric the run logged."""
        with self.ws.engine.connect() as conn:
            runs.get_run(conn, run_id)
            return runs.run_metrics(conn, run_id)

    def evaluate(self, run_id: int, on: str | None = None) -> RunEvaluation:
        """Held-out preference accuracy (Wilson 95% CI) of reward run `run_id` on version `on`
        (default: the version it trained on, whose held-out records only are scored)."""
        with self.ws.engine.connect() as conn:
            run = runs.get_run(conn, run_id)
            ver = resolve(conn, on) if on else by_id(conn, run.version_id)
        return evaluate_run(self.ws.engine, run, ver)

    def train(
        self,
        kind: str,
        dataset: str,
        *,
        base: str,
        out: Path,
        options: TrainOptions | None = None,
        progress: Progress | None = None,
    ) -> TrainingRun:
        """Train `base` on `dataset` with TRL's trainer for `kind`; the finished run.

        ``options.resume`` continues the failed or interrupted run that wrote to `out` from its
        last checkpoint, in the same run record.
        """
        options = options or TrainOptions()
        kind = check_kind(kind)
        require_training_libraries()
        with self.ws.engine.connect() as conn:
            ver = resolve(conn, dataset)
        chosen = resolve_base(base)
        out = out.expanduser().resolve()
        rows = training_rows(
            self.ws.engine,
            ver,
            kind,
            seed=options.seed,
            fraction=options.held_out,
            limit=options.limit,
        )
        resumed = self._resumable(out, kind, ver, options) if options.resume else None
        if resumed is None:
            fresh_out(out)
        model, tokenizer = load_base(chosen, kind)
        tracker = start_tracking(options, kind, ver, rows, chosen)
        run_id = resumed.id if resumed else self._open(kind, ver, rows, chosen, options, out)
        if resumed:
            runs.reopen_run(self.ws.engine, run_id, self.ws.actor, options.recorded(kind))
        sinks: list[MetricSink] = [tracker] if tracker is not None else []
        trained = _Trained(kind, model, tokenizer, rows, chosen, options, out)
        return self._run(run_id, trained, sinks, progress, resumed)

    def _open(
        self,
        kind: str,
        ver: VersionInfo,
        rows: TrainingRows,
        base: BaseModel,
        options: TrainOptions,
        out: Path,
    ) -> int:
        values = {
            "kind": kind,
            "version_id": ver.id,
            "dataset_ref": ver.ref,
            "content_hash": ver.content_hash,
            "split": rows.split_record(options.seed, options.held_out),
            "base_model": base.recorded(),
            "params": options.recorded(kind),
            "versions": library_versions(),
            "device": device(),
            "out_dir": str(out),
        }
        return runs.open_run(self.ws.engine, values, self.ws.actor)

    def _resumable(
        self, out: Path, kind: str, ver: VersionInfo, options: TrainOptions
    ) -> TrainingRun | None:
        earlier = [r for r in self.runs() if r.out_dir == str(out)]
        if not earlier:
            raise InputError(f"no earlier run wrote to {out}; nothing to resume", where="--resume")
        last = earlier[0]
        if last.status == "succeeded":
            raise ConflictError(
                f"training run {last.id} in {out} already finished; nothing to resume"
            )
        if last.status == "running":
            raise ConflictError(f"training run {last.id} is still running in {out}")
        if (last.kind, last.content_hash) != (kind, ver.content_hash) or _shaping(
            last.params
        ) != _shaping(options.recorded(kind)):
            raise InputError(
                f"run {last.id} trained {last.kind} on {last.dataset_ref} with other settings; "
                "resume with the same trainer, dataset and options (only --max-steps and "
                "--epochs may change)",
                where="--resume",
            )
        return last

    def _run(
        self,
        run_id: int,
        job: _Trained,
        sinks: list[MetricSink],
        progress: Progress | None,
        resumed: TrainingRun | None,
    ) -> TrainingRun:
        started = time.monotonic()
        earlier_wall = resumed.wall_s or 0.0 if resumed else 0.0
        try:
            callback = recorder(self.ws.engine, run_id, sinks, progress)
            trainer = build_trainer(
                job.kind, job.model, job.tokenizer, job.rows, job.options, job.out, [callback]
            )
            trainer.train(resume_from_checkpoint=last_checkpoint(job.out) if resumed else None)
            final = final_metrics(trainer, job.rows)
            saved = save(trainer, job.tokenizer, job.out, run_id, job.kind, job.base)
        except BaseException as exc:
            status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            error = f"{type(exc).__name__}: {exc}"[:4000]
            wall = earlier_wall + time.monotonic() - started
            runs.close_run(
                self.ws.engine, run_id, self.ws.actor, status=status, error=error, wall_s=wall
            )
            finish_tracking(sinks, status, {}, None)
            if isinstance(exc, (MentorError, KeyboardInterrupt)) or not isinstance(exc, Exception):
                raise
            raise TrainingFailed(
                f"training run {run_id} failed ({error}); it is recorded as failed. "
                f"Fix the cause and rerun with --resume to continue from the last checkpoint"
            ) from exc
        wall = earlier_wall + time.monotonic() - started
        mlflow = finish_tracking(sinks, "succeeded", final, str(saved))
        runs.close_run(
            self.ws.engine,
            run_id,
            self.ws.actor,
            status="succeeded",
            error=None,
            final_metrics=final,
            weights_sha256=weights_sha256(saved),
            wall_s=wall,
            mlflow=mlflow,
        )
        return self.get(run_id)


@dataclass(frozen=True)
class _Trained:
    """What one run trains: the trainer kind, the loaded base, the rows and the options."""

    kind: str
    model: Any
    tokenizer: Any
    rows: TrainingRows
    base: BaseModel
    options: TrainOptions
    out: Path


def _shaping(params: dict[str, Any]) -> dict[str, Any]:
    """The options a resumed run must keep: all but how long to train."""
    return {k: v for k, v in params.items() if k not in ("max_steps", "epochs")}
