"""Quality of human labels: agreement reports over label files, later over the store."""

from mentor.quality.agreement_report import AgreementReport, Metric, agreement_report
from mentor.quality.label_files import LabelTable, read_label_table

__all__ = ["AgreementReport", "LabelTable", "Metric", "agreement_report", "read_label_table"]
