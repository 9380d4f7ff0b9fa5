"""Tables for error analysis: each suite's error taxonomy (versioned) and the tags on results.

A taxonomy version keeps its full list of categories and the change that made it (a new set, a
merge, a split), so the issue tracker can map a tag made under an old version to today's names.
A tag names the result (run, case), the category, the taxonomy version it was made under, and
whether a person (with a free-text note) or a rule (which one) made it.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from mentor.store.tables import metadata

__all__ = ["analysis_tags", "analysis_taxonomies", "metadata"]

analysis_taxonomies = Table(
    "analysis_taxonomies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("suite", String(200), nullable=False),
    Column("number", Integer, nullable=False),
    # [{"name", "definition", "examples": [...], "counterexamples": [...], "rules": [...]}]
    Column("categories", JSON, nullable=False),
    # {"op": "set"} | {"op": "merge", "from": [...], "into": C} | {"op": "split", ...}
    Column("change", JSON, nullable=False),
    Column("note", Text, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("suite", "number", name="uq_analysis_taxonomies_suite_number"),
)

analysis_tags = Table(
    "analysis_tags",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("eval_runs.id"), nullable=False),
    Column("case_id", String(500), nullable=False),
    # None for an open-coding note that names no category yet
    Column("category", String(200), nullable=True),
    Column("taxonomy_id", Integer, ForeignKey("analysis_taxonomies.id"), nullable=True),
    # person or rule
    Column("source", String(20), nullable=False),
    Column("rule", String(300), nullable=True),
    Column("note", Text, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_analysis_tags_run_case", "run_id", "case_id"),
)
