"""Stakeholder reports computed from the store: the Model Quality Update and the release
readiness note, as Markdown, one self-contained HTML file, and the web app's pages."""

from typing import TYPE_CHECKING

from mentor import lazy

if TYPE_CHECKING:
    from mentor.reports.changes import GroupMove, MetricChange
    from mentor.reports.quality_update import QualityUpdate, SuiteUpdate
    from mentor.reports.release_note import ReleaseNote
    from mentor.reports.service import Reports, known_gate
    from mentor.reports.stamp import Since
    from mentor.reports.top_errors import Example, TopError
    from mentor.reports.trained_on import LineageStep, TrainedOn
    from mentor.reports.trust import JudgeCaveat

__getattr__, __dir__ = lazy.exports(__name__)

__all__ = [
    "Example",
    "GroupMove",
    "JudgeCaveat",
    "LineageStep",
    "MetricChange",
    "QualityUpdate",
    "ReleaseNote",
    "Reports",
    "Since",
    "SuiteUpdate",
    "TopError",
    "TrainedOn",
    "known_gate",
]
