"""Quality of human labels: agreement over label files and projects, annotator quality, drift,
the trainer KPIs, and the dashboard's charts and reports."""

from typing import TYPE_CHECKING

from mentor import lazy

if TYPE_CHECKING:
    from mentor.quality.agreement_report import AgreementReport, Metric
    from mentor.quality.annotators import AnnotatorQuality, GoldPoint, GoldWatch
    from mentor.quality.consensus import ConsensusAgreement, consensus_agreement
    from mentor.quality.drift import Change, Drift, Round
    from mentor.quality.kpis import Kpi, KpiPart, KpiPoint, KpiReport
    from mentor.quality.label_files import LabelTable, read_label_table
    from mentor.quality.lift import LabelsUsed, LiftRow, TrainingLift
    from mentor.quality.model_kpi_trends import kpi_trend_chart
    from mentor.quality.periods import Period
    from mentor.quality.project_labels import Question
    from mentor.quality.project_quality import ProjectQuality, QualityConfig, TrendPoint
    from mentor.quality.proportions import Difference, Share, two_proportion_test, wilson
    from mentor.quality.questions import Matrix, QuestionQuality
    from mentor.quality.report_html import annotator_body, kpis_body, project_body, write_report
    from mentor.quality.service import Quality

__getattr__, __dir__ = lazy.exports(__name__)

__all__ = [
    "AgreementReport",
    "AnnotatorQuality",
    "Change",
    "ConsensusAgreement",
    "Difference",
    "Drift",
    "GoldPoint",
    "GoldWatch",
    "Kpi",
    "KpiPart",
    "KpiPoint",
    "KpiReport",
    "LabelTable",
    "LabelsUsed",
    "LiftRow",
    "Matrix",
    "Metric",
    "Period",
    "ProjectQuality",
    "Quality",
    "QualityConfig",
    "Question",
    "QuestionQuality",
    "Round",
    "Share",
    "TrainingLift",
    "TrendPoint",
    "annotator_body",
    "consensus_agreement",
    "kpi_trend_chart",
    "kpis_body",
    "project_body",
    "read_label_table",
    "two_proportion_test",
    "wilson",
    "write_report",
]
