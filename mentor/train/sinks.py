"""Where else a run's metrics go while it trains: MLflow, when a tracking URI is given."""

from __future__ import annotations

from typing import Any

from mentor.datasets.versions import VersionInfo
from mentor.train.callbacks import MetricSink
from mentor.train.models import BaseModel
from mentor.train.options import TrainOptions
from mentor.train.rows import TrainingRows


def start_tracking(
    options: TrainOptions, kind: str, ver: VersionInfo, rows: TrainingRows, base: BaseModel
) -> Any:
    from mentor.train import tracking

    uri = tracking.uri_from(options.mlflow)
    if uri is None:
        return None
    params = {**options.recorded(kind), "kind": kind, "base_model": base.spec}
    params.update(
        {
            f"split.{k}": v
            for k, v in rows.split_record(options.seed, options.held_out).items()
            if k != "held_out_ids"
        }
    )
    return tracking.MlflowTracker.start(
        uri,
        experiment="mentor",
        run_name=f"{kind} on {ver.ref}",
        params=params,
        tags={"mentor.base_sha256": base.sha256, "mentor.trainer": kind},
        dataset=tracking.TrackedDataset(
            ref=ver.ref,
            content_hash=ver.content_hash,
            records=ver.record_count,
            kind=",".join(sorted(ver.kind_counts)),
        ),
    )


def finish_tracking(
    sinks: list[MetricSink], status: str, final: dict[str, float], model: str | None
) -> dict[str, str] | None:
    for sink in sinks:
        finish = getattr(sink, "finish", None)
        if finish is not None:
            found: dict[str, str] = finish(status=status, final_metrics=final, model_path=model)
            return found
    return None
