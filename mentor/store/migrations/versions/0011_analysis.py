"""analysis: error taxonomies per suite and the tags on eval results

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analysis_taxonomies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("suite", sa.String(length=200), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("change", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_taxonomies")),
        sa.UniqueConstraint("suite", "number", name="uq_analysis_taxonomies_suite_number"),
    )
    op.create_table(
        "analysis_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=True),
        sa.Column("taxonomy_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("rule", sa.String(length=300), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["eval_runs.id"], name=op.f("fk_analysis_tags_run_id_eval_runs")
        ),
        sa.ForeignKeyConstraint(
            ["taxonomy_id"],
            ["analysis_taxonomies.id"],
            name=op.f("fk_analysis_tags_taxonomy_id_analysis_taxonomies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_tags")),
    )
    op.create_index(
        "ix_analysis_tags_run_case", "analysis_tags", ["run_id", "case_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_analysis_tags_run_case", table_name="analysis_tags")
    op.drop_table("analysis_tags")
    op.drop_table("analysis_taxonomies")
