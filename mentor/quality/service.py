"""The label-quality facade a Workspace hands out as ``ws.quality``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mentor.datasets.lineage import Lineage
from mentor.quality.kpis import KpiReport, workspace_kpis
from mentor.quality.lift import TrainingLift, training_lift
from mentor.quality.lineage_graph import extended_lineage
from mentor.quality.model_kpis import model_kpis
from mentor.quality.project_quality import (
    ProjectQuality,
    QualityConfig,
    open_project,
    project_quality,
)

if TYPE_CHECKING:
    from mentor.annotate.projects import ProjectInfo
    from mentor.workspace import Workspace


class Quality:
    """Quality figures computed from the store: per project, per annotator, and the KPIs."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    def project(self, name: str, config: QualityConfig | None = None) -> ProjectQuality:
        """Progress, agreement, gold accuracy, annotators, review and drift of project `name`."""
        return project_quality(self.ws, name, config)

    def kpis(self, *, priorities: str | Path | None = None) -> KpiReport:
        """Every KPI of the workspace: the data side from its projects, releases, QA scans and
        datasheets (`priorities` is a YAML file of the intents coverage is measured against);
        the model side (`model_kpis`) from its eval runs and training runs."""
        report = workspace_kpis(self.ws, priorities=Path(priorities) if priorities else None)
        suites, found = model_kpis(self.ws)
        return replace(report, model_kpis=found, suites=suites)

    def open_project(self, name: str, annotator: str) -> ProjectInfo:
        """Project `name` if its queue is open to `annotator`; otherwise the same NotFoundError
        as for a project that does not exist (an annotator cannot learn which projects exist)."""
        return open_project(self.ws, name, annotator)

    def lineage(self, ref: str) -> Lineage:
        """The lineage of a dataset version (``NAME@vN``) or a training run (``train:N``):
        annotation projects and source files behind it, and forward the training runs on the
        version, their models and the eval runs of those models."""
        with self.ws.engine.connect() as conn:
            return extended_lineage(conn, ref)

    def training_lift(self, run_id: int) -> TrainingLift:
        """Each eval run of training run `run_id`'s model against the base model's run of the
        same suite: the paired change in pass rate with its 95% interval, the labels behind
        the training data and the lift per 1,000 labels."""
        return training_lift(self.ws, run_id)
