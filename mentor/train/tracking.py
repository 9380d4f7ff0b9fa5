"""Logging a training run to MLflow: its parameters, metrics per step, dataset and model.

MLflow is optional (``pip install 'mentor[track]'``) and imported only when a run is tracked.
Everything goes through an ``MlflowClient`` bound to the URI given, so tracking one run never
changes MLflow's global tracking URI or active run for the rest of the process.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import httpx

from mentor.errors import ConfigError

if TYPE_CHECKING:
    from mlflow import MlflowClient

__all__ = ["MlflowTracker", "TrackedDataset", "uri_from"]

log = logging.getLogger(__name__)

INSTALL_HINT: Final = "pip install 'mentor[track]'"
MANIFEST: Final = "mentor-train.json"
"""The small file in a model folder that says which run and data made it (logged as artifact)."""
STATUSES: Final[dict[str, str]] = {
    "succeeded": "FINISHED",
    "failed": "FAILED",
    "interrupted": "KILLED",
}
_MAX_PARAM_VALUE: Final = 6000
_MAX_KEY: Final = 250
_PER_BATCH: Final = 100
_PROBE_TIMEOUT_S: Final = 5.0
_BAD_KEY_CHARS: Final = re.compile(r"[^\w./\- :]")


@dataclass(frozen=True)
class TrackedDataset:
    """The dataset version a run trains on, as MLflow records it."""

    ref: str  # "name@v3"
    content_hash: str
    records: int
    kind: str  # "sft", "preference", ...


def uri_from(flag: str | None) -> str | None:
    """The tracking URI to use: ``--mlflow`` when given, else ``MLFLOW_TRACKING_URI``, else None."""
    return flag or os.environ.get("MLFLOW_TRACKING_URI") or None


class MlflowTracker:
    """One MLflow run that mirrors one Mentor training run; made by `MlflowTracker.start`."""

    def __init__(self, client: MlflowClient, uri: str, experiment_id: str, run_id: str):
        self._client = client
        self.uri = uri
        self.experiment_id = experiment_id
        self.run_id = run_id
        self._last_step = 0
        self._warned = False

    @classmethod
    def start(
        cls,
        uri: str,
        *,
        experiment: str,
        run_name: str,
        params: Mapping[str, Any],
        tags: Mapping[str, str],
        dataset: TrackedDataset,
    ) -> MlflowTracker:
        """Open a run in `experiment` (made when missing) and log its params, tags and dataset.

        Fails fast with a `ConfigError` naming ``--mlflow`` when MLflow is not installed or the
        store cannot be reached, so training does not start untracked.
        """
        client = _client(uri)
        try:
            found = client.get_experiment_by_name(experiment)
            exp_id = found.experiment_id if found else client.create_experiment(experiment)
            all_tags = {
                "mentor.dataset_ref": dataset.ref,
                "mentor.content_hash": dataset.content_hash,
                **tags,
            }
            run = client.create_run(exp_id, tags=all_tags, run_name=run_name)
            tracker = cls(client, uri, exp_id, run.info.run_id)
            tracker._log_params(params)
            tracker._log_dataset(dataset)
        except Exception as exc:
            raise _unusable(uri, exc) from exc
        return tracker

    @property
    def info(self) -> dict[str, str]:
        """Where the run lives: ``{"tracking_uri", "experiment_id", "run_id"}``."""
        return {
            "tracking_uri": self.uri,
            "experiment_id": self.experiment_id,
            "run_id": self.run_id,
        }

    def log_metrics(self, step: int, metrics: Mapping[str, float]) -> None:
        """Log the metrics of one step; a store that stops answering only warns, once."""
        self._last_step = max(self._last_step, step)
        try:
            self._log_metrics(step, metrics, prefix="")
        except Exception as exc:
            if not self._warned:
                log.warning(
                    "MLflow stopped taking metrics at step %d (%s); training goes on", step, exc
                )
                self._warned = True

    def finish(
        self, *, status: str, final_metrics: Mapping[str, float], model_path: str | None
    ) -> dict[str, str]:
        """Log the final metrics and model, close the run with `status`; return `info`.

        `status` is Mentor's: succeeded, failed or interrupted. The training is over by now, so
        a store that fails here only warns: the Mentor run is still recorded.
        """
        if status not in STATUSES:
            raise ValueError(f"unknown run status {status!r}; expected one of {list(STATUSES)}")
        try:
            self._log_metrics(self._last_step, final_metrics, prefix="final/")
            if model_path is not None:
                self._log_model(Path(model_path))
        except Exception as exc:
            log.warning(
                "MLflow did not take the final metrics or model of %s (%s)", self.run_id, exc
            )
        try:
            self._client.set_terminated(self.run_id, STATUSES[status])
        except Exception as exc:
            log.warning("MLflow run %s could not be closed as %s (%s)", self.run_id, status, exc)
        return self.info

    def _log_params(self, params: Mapping[str, Any]) -> None:
        from mlflow.entities import Param

        flat = [Param(k, v) for k, v in _flatten(params)]
        for i in range(0, len(flat), _PER_BATCH):
            self._client.log_batch(self.run_id, params=flat[i : i + _PER_BATCH])

    def _log_metrics(self, step: int, metrics: Mapping[str, float], *, prefix: str) -> None:
        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        batch = [Metric(_key(prefix + k), float(v), now, step) for k, v in metrics.items()]
        if batch:
            self._client.log_batch(self.run_id, metrics=batch)

    def _log_dataset(self, dataset: TrackedDataset) -> None:
        from mlflow.entities import Dataset, DatasetInput, InputTag

        source = {"ref": dataset.ref, "content_hash": dataset.content_hash}
        profile = {"num_rows": dataset.records, "kind": dataset.kind}
        entity = Dataset(
            name=dataset.ref,
            # MLflow keeps at most 36 characters of a digest; the full hash is in the source.
            digest=dataset.content_hash[:32],
            source_type="mentor",
            source=json.dumps(source),
            profile=json.dumps(profile),
        )
        tags = [InputTag("mlflow.data.context", "training")]
        self._client.log_inputs(self.run_id, datasets=[DatasetInput(entity, tags)])

    def _log_model(self, path: Path) -> None:
        self._client.set_tag(self.run_id, "mentor.model_path", str(path.resolve()))
        if (path / MANIFEST).is_file():
            self._client.log_artifact(self.run_id, str(path / MANIFEST), "model")


def _client(uri: str) -> MlflowClient:
    try:
        from mlflow import MlflowClient
    except ImportError as exc:
        raise ConfigError(f"--mlflow needs MLflow, which is not installed: {INSTALL_HINT}") from exc
    if uri.startswith(("http://", "https://")):
        _probe(uri)
    try:
        return MlflowClient(tracking_uri=uri)
    except Exception as exc:
        raise _unusable(uri, exc) from exc


def _probe(uri: str) -> None:
    """Reach an MLflow server quickly: its client retries for minutes before it gives up."""
    try:
        # Only reachability is checked (no credentials are sent); MLflow's client verifies TLS.
        httpx.get(uri.rstrip("/") + "/health", timeout=_PROBE_TIMEOUT_S, verify=False)
    except httpx.HTTPError as exc:
        raise _unusable(uri, exc) from exc


def _unusable(uri: str, exc: BaseException) -> ConfigError:
    text = str(exc).strip()
    reason = text.splitlines()[0].rstrip(".") if text else type(exc).__name__
    return ConfigError(
        f"--mlflow: cannot log to MLflow at '{uri}': {reason}. "
        "Check the tracking URI (--mlflow or MLFLOW_TRACKING_URI) and that the server is up."
    )


def _flatten(params: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Nested dicts become dotted keys; other values are strings MLflow accepts."""
    for name, value in params.items():
        key = _key(f"{prefix}{name}")
        if isinstance(value, Mapping) and value:
            yield from _flatten(value, key + ".")
        elif isinstance(value, (list, tuple, Mapping)):
            yield key, json.dumps(value, default=str)[:_MAX_PARAM_VALUE]
        else:
            yield key, str(value)[:_MAX_PARAM_VALUE]


def _key(name: str) -> str:
    return _BAD_KEY_CHARS.sub("_", name)[:_MAX_KEY]
