"""judges: human grades attached to eval results, and judge calibration records

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "eval_human_grades",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=500), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("label", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("attached_by", sa.String(length=200), nullable=False),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_eval_human_grades_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["eval_runs.id"], name=op.f("fk_eval_human_grades_run_id_eval_runs")
        ),
        sa.PrimaryKeyConstraint(
            "run_id", "case_id", "project_id", name=op.f("pk_eval_human_grades")
        ),
    )
    op.create_table(
        "judge_calibrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("judge", sa.String(length=200), nullable=False),
        sa.Column("fingerprint_hash", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.Column("disagreements", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judge_calibrations")),
    )
    with op.batch_alter_table("judge_calibrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_judge_calibrations_judge"), ["judge"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_judge_calibrations_fingerprint_hash"), ["fingerprint_hash"], unique=False
        )
        batch_op.create_index(
            "ix_judge_calibrations_judge_created", ["judge", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("judge_calibrations", schema=None) as batch_op:
        batch_op.drop_index("ix_judge_calibrations_judge_created")
        batch_op.drop_index(batch_op.f("ix_judge_calibrations_fingerprint_hash"))
        batch_op.drop_index(batch_op.f("ix_judge_calibrations_judge"))
    op.drop_table("judge_calibrations")
    op.drop_table("eval_human_grades")
