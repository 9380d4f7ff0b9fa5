"""Training with TRL on dataset versions: SFT, DPO and reward models, each run a record."""

from mentor.train.options import KINDS, TrainOptions
from mentor.train.runs import TrainingRun
from mentor.train.service import Training, TrainingFailed

__all__ = ["KINDS", "TrainOptions", "Training", "TrainingFailed", "TrainingRun"]
