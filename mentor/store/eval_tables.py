"""Tables for evaluation suites, cases, runs, results, grades and the response cache.

A suite is stored once per (name, content hash); its cases keep their full spec in `body` plus the
columns reports filter on. A run points at the suite version it ran and records the provider
fingerprint, parameters and grader versions; results and grades are keyed by (run, case) so they
can be read back per run and per case without loading the whole run.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from mentor.store.tables import metadata

__all__ = [
    "eval_cache",
    "eval_cases",
    "eval_grades",
    "eval_results",
    "eval_runs",
    "eval_suites",
    "metadata",
]

eval_suites = Table(
    "eval_suites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("description", Text, nullable=False),
    Column("case_count", Integer, nullable=False),
    Column("source", Text, nullable=True),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("name", "content_hash", name="uq_eval_suites_name_hash"),
)

eval_cases = Table(
    "eval_cases",
    metadata,
    Column("suite_id", Integer, ForeignKey("eval_suites.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("case_id", String(500), nullable=False),
    Column("severity", String(20), nullable=False),
    Column("category", String(100), nullable=False),
    Column("intent", String(200), nullable=True),
    Column("should_refuse", Boolean, nullable=True),
    Column("tags", JSON, nullable=False),
    Column("body", JSON, nullable=False),
    Index("uq_eval_cases_suite_case", "suite_id", "case_id", unique=True),
)

eval_runs = Table(
    "eval_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("suite_id", Integer, ForeignKey("eval_suites.id"), nullable=False, index=True),
    Column("suite_name", String(200), nullable=False),
    Column("suite_hash", String(64), nullable=False),
    Column("provider", String(50), nullable=False),
    Column("model", String(300), nullable=False),
    Column("provider_spec", JSON, nullable=False),
    Column("fingerprint", JSON, nullable=False),
    Column("params", JSON, nullable=False),
    Column("options", JSON, nullable=False),
    Column("graders", JSON, nullable=False),
    Column("judge", JSON, nullable=True),
    Column("status", String(20), nullable=False),
    Column("case_count", Integer, nullable=False),
    Column("counts", JSON, nullable=False),
    Column("note", Text, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
)

eval_results = Table(
    "eval_results",
    metadata,
    Column("run_id", Integer, ForeignKey("eval_runs.id"), primary_key=True),
    Column("case_id", String(500), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("state", String(20), nullable=False),
    Column("output", Text, nullable=True),
    Column("raw", JSON, nullable=False),
    Column("error", Text, nullable=True),
    Column("score", Float, nullable=True),
    Column("latency_s", Float, nullable=True),
    Column("prompt_tokens", Integer, nullable=True),
    Column("completion_tokens", Integer, nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("cached", Boolean, nullable=False),
    Column("input_hash", String(64), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Index("ix_eval_results_run_state", "run_id", "state"),
)

eval_grades = Table(
    "eval_grades",
    metadata,
    Column("run_id", Integer, ForeignKey("eval_runs.id"), primary_key=True),
    Column("case_id", String(500), primary_key=True),
    Column("grader", String(200), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("state", String(20), nullable=False),
    Column("passed", Boolean, nullable=True),
    Column("score", Float, nullable=True),
    Column("reason", Text, nullable=False),
    Column("detail", JSON, nullable=False),
    Column("version", String(50), nullable=False),
)

eval_cache = Table(
    "eval_cache",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("provider", String(50), nullable=False),
    Column("model", String(300), nullable=False),
    Column("completion", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
