"""``train:RUN``: the policy a ``mentor train sft|dpo`` run saved, as a local model.

The run is read straight from the store's ``training_runs`` table (providers sit below
``mentor.train``). Only a succeeded sft or dpo run is a model that answers; a reward model
scores answers instead, so it is a grader (``type: reward``), not a provider. Its fingerprint
names the run and the hash of its weights, so an eval run records which training it measured.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from mentor.errors import ConfigError
from mentor.providers.local import LocalHFProvider
from mentor.store.train_tables import training_runs


def _run_id(arg: str) -> int:
    text = arg.strip()
    if not text.isdigit():
        raise ConfigError(f"train:{arg}: expected a training run id, e.g. train:3")
    return int(text)


def trained_run(engine: Engine, arg: str) -> Any:
    """The ``training_runs`` row `arg` (a run id) names; ConfigError when there is none."""
    run_id = _run_id(arg)
    with engine.connect() as conn:
        row = conn.execute(select(training_runs).where(training_runs.c.id == run_id)).first()
    if row is None:
        raise ConfigError(
            f"train:{run_id}: no training run {run_id}; `mentor train runs` lists them"
        )
    return row


class TrainedModelProvider(LocalHFProvider):
    """A model trained by ``mentor train`` (``train:RUN``), on the CPU."""

    name = "train"

    def __init__(self, run_id: int, out_dir: str, weights_sha256: str | None):
        super().__init__(Path(out_dir) / "model", model=f"train:{run_id}")
        self.run_id = run_id
        self.weights_sha256 = weights_sha256

    def fingerprint(self) -> dict[str, Any]:
        """Provider, run id, the folder and the hash of the weights the run saved."""
        if not self.path.is_dir():
            raise ConfigError(
                f"train:{self.run_id}: its model folder {self.path} is gone; "
                "train again or restore the folder"
            )
        return {
            "provider": self.name,
            "model": self.model,
            "run": self.run_id,
            "path": str(self.path.resolve()),
            "weights_sha256": self.weights_sha256,
        }


def trained_model(engine: Engine | None, arg: str | None) -> TrainedModelProvider:
    """The provider for ``train:RUN``: a succeeded sft or dpo run's model."""
    if not arg:
        raise ConfigError("provider 'train' needs a run id, e.g. train:3")
    if engine is None:
        raise ConfigError(f"train:{arg} needs a workspace to read training run {arg} from")
    row = trained_run(engine, arg)
    if row.kind == "reward":
        raise ConfigError(
            f"train:{row.id} is a reward model: it scores answers rather than writing them; "
            f"use it as a grader, e.g. {{type: reward, model: 'train:{row.id}'}}"
        )
    if row.status != "succeeded":
        why = f": {row.error}" if row.error else ""
        raise ConfigError(
            f"train:{row.id} is {row.status}{why}; only a succeeded run has a model to evaluate "
            "(`mentor train runs` lists them)"
        )
    return TrainedModelProvider(int(row.id), str(row.out_dir), row.weights_sha256)
