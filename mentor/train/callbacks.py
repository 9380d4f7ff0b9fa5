"""What the run keeps while TRL trains: every logged metric per step, and a progress bar."""

from __future__ import annotations

import math
from typing import Any, Protocol

from sqlalchemy import Engine

from mentor.progress import Progress
from mentor.train.runs import log_metrics


class MetricSink(Protocol):
    """Somewhere else metrics go as they are logged (MLflow)."""

    def log_metrics(self, step: int, metrics: dict[str, float]) -> None: ...


def numeric(logs: dict[str, Any]) -> dict[str, float]:
    """The finite numbers in a TRL log entry (TRL also logs strings and totals)."""
    return {
        str(k)[:100]: float(v)
        for k, v in logs.items()
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    }


def recorder(
    engine: Engine, run_id: int, sinks: list[MetricSink], progress: Progress | None
) -> Any:
    """A ``transformers.TrainerCallback`` that stores each log entry and moves the bar."""
    from transformers import TrainerCallback

    class Recorder(TrainerCallback):
        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kw: Any) -> None:
            metrics = numeric(logs or {})
            metrics.pop("epoch", None)
            if not metrics:
                return
            log_metrics(engine, run_id, int(state.global_step), metrics)
            for sink in sinks:
                sink.log_metrics(int(state.global_step), metrics)

        def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            if progress is not None and state.max_steps:
                progress(int(state.global_step), int(state.max_steps))

    return Recorder()
