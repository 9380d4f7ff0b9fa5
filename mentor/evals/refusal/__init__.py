"""Refusal detection without a model: compliance, refusal or partial refusal, with its cue."""

from mentor.evals.refusal.detector import (
    HELP_WORDS,
    LABELS,
    RefusalLabel,
    RefusalSignal,
    detect_refusal,
    opening,
)
from mentor.evals.refusal.learned import detect_refusal_learned

__all__ = [
    "HELP_WORDS",
    "LABELS",
    "RefusalLabel",
    "RefusalSignal",
    "detect_refusal",
    "detect_refusal_learned",
    "opening",
]
