"""Error analysis: error taxonomies per suite, tags on failed results (from people and rules),
the top issues over a suite's runs, with rates, intervals, trends and regression escapes, failure
clusters, and feedback intake.

Clustering (numpy, scikit-learn) and feedback intake (the QA scanners, annotation) are heavy to
import, and most commands that touch analysis need neither: their names load on first use.
"""

from typing import TYPE_CHECKING

from mentor import lazy

if TYPE_CHECKING:
    from mentor.analysis.clustering import Cluster, Clustering, cluster
    from mentor.analysis.embeddings import Embeddings, embed
    from mentor.analysis.failure_clusters import (
        FailureCluster,
        FailureClustering,
        FailureExemplar,
        Promotion,
    )
    from mentor.analysis.feedback import Feedback, FeedbackCluster, Triage
    from mentor.analysis.feedback_status import CaseState, ClusterStatus, ItemLink
    from mentor.analysis.feedback_store import FeedbackBatch, FeedbackReport
    from mentor.analysis.issues import (
        Escape,
        IssueRow,
        IssueStatus,
        IssueTracker,
        RunPoint,
        RunRate,
        issues_chart,
    )
    from mentor.analysis.rules import RuleTag, Signals, rule_tags, signals
    from mentor.analysis.service import Analysis, RuleTagging
    from mentor.analysis.tags import Tag
    from mentor.analysis.taxonomy import Category, TaxonomyVersion, current_name, parse_taxonomy

__getattr__, __dir__ = lazy.exports(__name__)


__all__ = [
    "Analysis",
    "CaseState",
    "Category",
    "Cluster",
    "ClusterStatus",
    "Clustering",
    "Embeddings",
    "Escape",
    "FailureCluster",
    "FailureClustering",
    "FailureExemplar",
    "Feedback",
    "FeedbackBatch",
    "FeedbackCluster",
    "FeedbackReport",
    "IssueRow",
    "IssueStatus",
    "IssueTracker",
    "ItemLink",
    "Promotion",
    "RuleTag",
    "RuleTagging",
    "RunPoint",
    "RunRate",
    "Signals",
    "Tag",
    "TaxonomyVersion",
    "Triage",
    "cluster",
    "current_name",
    "embed",
    "issues_chart",
    "parse_taxonomy",
    "rule_tags",
    "signals",
]
