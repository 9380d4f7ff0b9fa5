"""Tables for feedback intake: imported batches of user reports, their clusters, and the links
from each report to the eval cases and annotation items it was triaged into.

A report keeps only its scrubbed text and conversation (PII replaced by typed placeholders) and
how many pieces of PII of each kind were scrubbed; a near-duplicate names the report it was
folded into, so a fix counted for the kept report counts for its duplicates too.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
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
    "feedback_batches",
    "feedback_clusters",
    "feedback_links",
    "feedback_reports",
    "metadata",
]

feedback_batches = Table(
    "feedback_batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(200), nullable=False),
    Column("file_name", String(500), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("reports", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    # {"email": 3, "phone": 2}: pieces of PII scrubbed, per kind
    Column("pii", JSON, nullable=False),
    Column("embedder", String(300), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

feedback_clusters = Table(
    "feedback_clusters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("feedback_batches.id"), nullable=False),
    # 1, 2, ... within the batch; 0 holds the reports no cluster took (noise)
    Column("number", Integer, nullable=False),
    Column("terms", JSON, nullable=False),
    # report ids, most typical first
    Column("exemplars", JSON, nullable=False),
    UniqueConstraint("batch_id", "number", name="uq_feedback_clusters_batch_number"),
)

feedback_reports = Table(
    "feedback_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("feedback_batches.id"), nullable=False),
    Column("line", Integer, nullable=False),
    Column("source_id", String(500), nullable=False),
    Column("channel", String(200), nullable=True),
    Column("rating", String(50), nullable=True),
    Column("reported_at", String(100), nullable=True),
    Column("text", Text, nullable=False),
    Column("messages", JSON, nullable=True),
    Column("pii", JSON, nullable=False),
    Column("duplicate_of", Integer, ForeignKey("feedback_reports.id"), nullable=True),
    Column("similarity", Float, nullable=True),
    Column("cluster_id", Integer, ForeignKey("feedback_clusters.id"), nullable=True),
    Index("ix_feedback_reports_batch_cluster", "batch_id", "cluster_id"),
)

feedback_links = Table(
    "feedback_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("feedback_reports.id"), nullable=False),
    # "case": target is a suite name, ref a case id; "item": a project name and an item id
    Column("kind", String(10), nullable=False),
    Column("target", String(200), nullable=False),
    Column("ref", String(500), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_feedback_links_report", "report_id"),
    Index("ix_feedback_links_target", "kind", "target", "ref"),
)
