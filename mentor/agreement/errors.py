"""The error the agreement statistics raise, worded for the person reading it."""

from __future__ import annotations


class AgreementError(ValueError):
    """The labels, comparisons or options cannot give a meaningful statistic.

    The message says what was wrong and what input is expected instead.
    """
