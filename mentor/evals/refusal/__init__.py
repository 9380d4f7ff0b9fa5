"""Refusal detection without a model: compliance, refusal or partial refusal, with its cue."""

from mentor.evals.refusal.detector import (
    HELP_WORDS,
    LABELS,
    RefusalLabel,
    RefusalSignal,
    detect_refusal,
    opening,
)

__all__ = [
    "HELP_WORDS",
    "LABELS",
    "RefusalLabel",
    "RefusalSignal",
    "detect_refusal",
    "opening",
]
