"""Fixtures the quality tests share: the tiny base model of tests/train and one training world
per backend (a release, a DPO run on it and eval runs), built once per session."""

from tests.quality.training_world import training_world
from tests.train.conftest import smol_tokenizer, tiny_base

__all__ = ["smol_tokenizer", "tiny_base", "training_world"]
