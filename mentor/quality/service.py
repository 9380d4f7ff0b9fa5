"""The label-quality facade a Workspace hands out as ``ws.quality``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mentor.quality.kpis import KpiReport, workspace_kpis
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
        """Every KPI of the workspace, from its projects, releases, QA scans and datasheets;
        `priorities` is a YAML file of the intents coverage is measured against."""
        return workspace_kpis(self.ws, priorities=Path(priorities) if priorities else None)

    def open_project(self, name: str, annotator: str) -> ProjectInfo:
        """Project `name` if its queue is open to `annotator`; otherwise the same NotFoundError
        as for a project that does not exist (an annotator cannot learn which projects exist)."""
        return open_project(self.ws, name, annotator)
