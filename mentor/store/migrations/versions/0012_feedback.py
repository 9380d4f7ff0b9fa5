"""feedback: imported user reports, their clusters and their links to eval cases and items

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("pii", sa.JSON(), nullable=False),
        sa.Column("embedder", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_batches")),
    )
    op.create_table(
        "feedback_clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("exemplars", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["feedback_batches.id"],
            name=op.f("fk_feedback_clusters_batch_id_feedback_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_clusters")),
        sa.UniqueConstraint("batch_id", "number", name="uq_feedback_clusters_batch_number"),
    )
    op.create_table(
        "feedback_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=500), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=True),
        sa.Column("rating", sa.String(length=50), nullable=True),
        sa.Column("reported_at", sa.String(length=100), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=True),
        sa.Column("pii", sa.JSON(), nullable=False),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column("similarity", sa.Float(), nullable=True),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["feedback_batches.id"],
            name=op.f("fk_feedback_reports_batch_id_feedback_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["feedback_clusters.id"],
            name=op.f("fk_feedback_reports_cluster_id_feedback_clusters"),
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of"],
            ["feedback_reports.id"],
            name=op.f("fk_feedback_reports_duplicate_of_feedback_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_reports")),
    )
    op.create_index(
        "ix_feedback_reports_batch_cluster",
        "feedback_reports",
        ["batch_id", "cluster_id"],
        unique=False,
    )
    op.create_table(
        "feedback_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("ref", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["feedback_reports.id"],
            name=op.f("fk_feedback_links_report_id_feedback_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_links")),
    )
    op.create_index("ix_feedback_links_report", "feedback_links", ["report_id"], unique=False)
    op.create_index(
        "ix_feedback_links_target", "feedback_links", ["kind", "target", "ref"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_feedback_links_target", table_name="feedback_links")
    op.drop_index("ix_feedback_links_report", table_name="feedback_links")
    op.drop_table("feedback_links")
    op.drop_index("ix_feedback_reports_batch_cluster", table_name="feedback_reports")
    op.drop_table("feedback_reports")
    op.drop_table("feedback_clusters")
    op.drop_table("feedback_batches")
