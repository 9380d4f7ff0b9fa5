"""Tables for training: one row per ``mentor train`` and the metrics it logged per step.

A training run records everything needed to say what a model was trained on and how: the dataset
version and its content hash, the seeded split, the base model and its hash, every hyperparameter,
library versions, the device, wall time, the output folder and the hash of the saved weights.
Models trained here are reached through their run (``train:RUN``), so eval runs of a trained model
link back to the data it learned from.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
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

__all__ = ["metadata", "training_metrics", "training_runs"]

training_runs = Table(
    "training_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    # sft, dpo or reward
    Column("kind", String(20), nullable=False),
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=False),
    Column("dataset_ref", String(220), nullable=False),
    Column("content_hash", String(64), nullable=False),
    # {"seed", "held_out", "train_rows", "held_out_rows", "held_out_ids": [...]}
    Column("split", JSON, nullable=False),
    # {"spec", "path", "sha256"}: what the user asked for, the file or folder, its hash
    Column("base_model", JSON, nullable=False),
    Column("params", JSON, nullable=False),
    Column("versions", JSON, nullable=False),
    Column("device", String(100), nullable=False),
    # running, failed, interrupted or succeeded
    Column("status", String(20), nullable=False),
    Column("error", Text, nullable=True),
    Column("final_metrics", JSON, nullable=False),
    Column("out_dir", Text, nullable=False),
    Column("weights_sha256", String(64), nullable=True),
    Column("mlflow", JSON, nullable=True),
    # {"host", "pid"} of the process training it: a run still "running" whose process is gone
    # on this host was killed, and reads as failed
    Column("process", JSON, nullable=True),
    Column("created_by", String(200), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("wall_s", Float, nullable=True),
)

training_metrics = Table(
    "training_metrics",
    metadata,
    Column("run_id", Integer, ForeignKey("training_runs.id"), primary_key=True),
    Column("step", Integer, primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("value", Float, nullable=False),
)
