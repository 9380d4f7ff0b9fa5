"""Training with TRL on dataset versions: SFT, DPO and reward models, each run a record."""

from mentor.train.options import KINDS, TrainOptions
from mentor.train.preference_eval import PreferenceAccuracy, RunEvaluation
from mentor.train.reward import RewardScorer
from mentor.train.runs import TrainingRun
from mentor.train.service import Training, TrainingFailed

__all__ = [
    "KINDS",
    "PreferenceAccuracy",
    "RewardScorer",
    "RunEvaluation",
    "TrainOptions",
    "Training",
    "TrainingFailed",
    "TrainingRun",
]
