"""Tables for annotation projects, guidelines, items, assignments, annotations, reviews.

The invariant "at most k distinct annotators per item" rests on two things here: the unique
``(item_id, annotator)`` constraint on ``assignments`` (distinct) and the item row that every
lease, submission and rejection locks before counting (at most k; see ``annotate.queues``).
"""

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

guidelines = Table(
    "guidelines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

guideline_versions = Table(
    "guideline_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("guideline_id", Integer, ForeignKey("guidelines.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("clarifications", JSON, nullable=False),
    Column("note", Text, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("guideline_id", "number", name="uq_guideline_versions_guideline_number"),
)

projects = Table(
    "projects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("task_type", String(50), nullable=False),
    Column("dataset_version_id", Integer, ForeignKey("versions.id"), nullable=False),
    Column("guideline_id", Integer, ForeignKey("guidelines.id"), nullable=False),
    Column("guideline_version_id", Integer, ForeignKey("guideline_versions.id"), nullable=False),
    Column("config", JSON, nullable=False),
    Column("overlap", Integer, nullable=False),
    Column("gold_rate", Float, nullable=False),
    Column("review_rate", Float, nullable=False),
    Column("lease_seconds", Integer, nullable=False),
    Column("prelabel", String(500), nullable=True),
    Column("seed", Integer, nullable=False),
    Column("description", Text, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

project_items = Table(
    "project_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("record_id", String(500), nullable=False),
    Column("record_hash", String(64), ForeignKey("record_blobs.hash"), nullable=False),
    Column("is_gold", Boolean, nullable=False),
    Column("gold_answer", JSON, nullable=True),
    Column("prelabel", JSON, nullable=True),
    Column("status", String(20), nullable=False),
    UniqueConstraint("project_id", "position", name="uq_project_items_project_position"),
    Index("ix_project_items_project_status", "project_id", "is_gold", "status", "position"),
)

assignments = Table(
    "assignments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("project_items.id"), nullable=False),
    Column("annotator", String(200), nullable=False),
    Column("state", String(20), nullable=False),
    Column("shown", JSON, nullable=False),
    Column("leased_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("note", Text, nullable=False),
    UniqueConstraint("item_id", "annotator", name="uq_assignments_item_annotator"),
    Index("ix_assignments_project_annotator", "project_id", "annotator", "state"),
)

annotations = Table(
    "annotations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("project_items.id"), nullable=False),
    Column("assignment_id", Integer, ForeignKey("assignments.id"), nullable=False),
    Column("annotator", String(200), nullable=False),
    Column("client_id", String(200), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("submitted", JSON, nullable=False),
    Column("shown", JSON, nullable=False),
    Column("time_spent_ms", Integer, nullable=False),
    Column("guideline_version", Integer, nullable=False),
    Column("prelabel_agrees", Boolean, nullable=True),
    Column("gold_score", Float, nullable=True),
    Column("review_sampled", Boolean, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("item_id", "annotator", name="uq_annotations_item_annotator"),
    UniqueConstraint("project_id", "client_id", name="uq_annotations_project_client"),
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id"), nullable=False),
    Column("annotation_id", Integer, ForeignKey("annotations.id"), nullable=False, unique=True),
    Column("reviewer", String(200), nullable=False),
    Column("verdict", String(20), nullable=False),
    Column("correction", JSON, nullable=True),
    Column("comment", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

adjudications = Table(
    "adjudications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("project_items.id"), nullable=False, unique=True),
    Column("adjudicator", String(200), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("comment", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

clarifications = Table(
    "clarifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", Integer, ForeignKey("projects.id"), nullable=False, index=True),
    Column("item_id", Integer, ForeignKey("project_items.id"), nullable=True),
    Column("asked_by", String(200), nullable=False),
    Column("question", Text, nullable=False),
    Column("asked_at", DateTime(timezone=True), nullable=False),
    Column("answer", Text, nullable=True),
    Column("answered_by", String(200), nullable=True),
    Column("answered_at", DateTime(timezone=True), nullable=True),
    Column("guideline_version", Integer, nullable=True),
)

# Who may work on a project's queue; a project without rows here is open to every annotator.
project_members = Table(
    "project_members",
    metadata,
    Column("project_id", Integer, ForeignKey("projects.id"), primary_key=True),
    Column("user_name", String(200), primary_key=True),
    Column("added_by", String(200), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
)

__all__ = [
    "adjudications",
    "annotations",
    "assignments",
    "clarifications",
    "guideline_versions",
    "guidelines",
    "metadata",
    "project_items",
    "project_members",
    "projects",
    "reviews",
]
