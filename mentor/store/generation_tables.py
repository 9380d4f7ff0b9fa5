"""Tables for candidate generation: one row per ``mentor generate`` and the answers it stored.

A generation records what it asked (the prompt version, each provider's spec and fingerprint,
parameters, samples, seed) and how far it got. Answers are stored as they arrive, keyed by
(prompt position, provider, sample), so a stopped generation resumes without asking again; the
dataset version is written only once every answer is there.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from mentor.store.tables import metadata

__all__ = ["generation_answers", "generations", "metadata"]

generations = Table(
    "generations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_version_id", Integer, ForeignKey("versions.id"), nullable=False),
    Column("source_ref", String(220), nullable=False),
    Column("out", String(200), nullable=False),
    # ranking or pairwise: the records the version holds
    Column("shape", String(20), nullable=False),
    # SHA-256 of what was asked: a resume continues the newest unfinished one with this key
    Column("request_key", String(64), nullable=False, index=True),
    # [{spec, provider, model, fingerprint}] in the order responses are kept
    Column("providers", JSON, nullable=False),
    Column("params", JSON, nullable=False),
    Column("samples", Integer, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("options", JSON, nullable=False),
    Column("prompt_count", Integer, nullable=False),
    # running, interrupted, incomplete (some calls failed) or completed
    Column("status", String(20), nullable=False),
    Column("failed", Integer, nullable=False, default=0),
    Column("error", Text, nullable=True),
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=True),
    Column("note", Text, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
)

generation_answers = Table(
    "generation_answers",
    metadata,
    Column("generation_id", Integer, ForeignKey("generations.id"), primary_key=True),
    Column("prompt", Integer, primary_key=True),  # position in the prompt version
    Column("provider", Integer, primary_key=True),  # index in generations.providers
    Column("sample", Integer, primary_key=True),
    Column("record_id", String(500), nullable=False),
    Column("seed", Integer, nullable=True),
    Column("completion", JSON, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("cached", Boolean, nullable=False),
    Column("latency_s", Float, nullable=True),
)
