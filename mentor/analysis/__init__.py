"""Error analysis: error taxonomies per suite, tags on failed results (from people and rules),
and the top issues over a suite's runs, with rates, intervals, trends and regression escapes."""

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

__all__ = [
    "Analysis",
    "Category",
    "Escape",
    "IssueRow",
    "IssueStatus",
    "IssueTracker",
    "RuleTag",
    "RuleTagging",
    "RunPoint",
    "RunRate",
    "Signals",
    "Tag",
    "TaxonomyVersion",
    "current_name",
    "issues_chart",
    "parse_taxonomy",
    "rule_tags",
    "signals",
]
