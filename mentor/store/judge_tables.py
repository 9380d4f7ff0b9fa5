"""Tables for what people say about eval outputs and how far a judge agrees with them.

``eval_human_grades`` holds the released labels of a human-review project attached to the run
whose outputs people graded, with their provenance. ``judge_calibrations`` holds one record per
calibration of a judge (any grader) against human labels, keyed by the judge's fingerprint so the
history shows drift between judge versions.
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
)

from mentor.store.tables import metadata

__all__ = ["eval_human_grades", "judge_calibrations", "metadata"]

eval_human_grades = Table(
    "eval_human_grades",
    metadata,
    Column("run_id", Integer, ForeignKey("eval_runs.id"), primary_key=True),
    Column("case_id", String(500), primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id"), primary_key=True),
    # pass-fail, rubric, spans or pairwise: how to read `label`
    Column("kind", String(20), nullable=False),
    Column("passed", Boolean, nullable=True),
    Column("score", Float, nullable=True),
    Column("label", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    # who labelled, guideline version, adjudicated or not, the pairwise order shown, baseline run
    Column("provenance", JSON, nullable=False),
    Column("attached_by", String(200), nullable=False),
    Column("attached_at", DateTime(timezone=True), nullable=False),
)

judge_calibrations = Table(
    "judge_calibrations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("judge", String(200), nullable=False, index=True),
    Column("fingerprint_hash", String(64), nullable=False, index=True),
    # provider, model, prompt, parameters, grader type and version
    Column("fingerprint", JSON, nullable=False),
    # label, ordinal or pairwise
    Column("kind", String(20), nullable=False),
    # what it was checked against: a project name or a verdict file (path and sha256)
    Column("source", JSON, nullable=False),
    Column("n", Integer, nullable=False),
    # every statistic with its interval (accuracy, kappa, alpha, confusion, bias figures)
    Column("stats", JSON, nullable=False),
    Column("disagreements", JSON, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_judge_calibrations_judge_created", "judge", "created_at"),
)
