"""The result every agreement coefficient returns."""

from __future__ import annotations

from dataclasses import dataclass

from mentor.agreement.bootstrap import Interval


@dataclass(frozen=True)
class Agreement:
    """An agreement coefficient: its value, the items it used and a bootstrap interval.

    `method` names the statistic and its options (e.g. ``"krippendorff_alpha[ordinal]"``).
    `n_items` counts the items that entered the statistic (for alpha and percent agreement,
    items with at least two labels; for Cohen's kappa, items both annotators labelled).
    `ci` is None when the caller asked for ``n_boot=0`` or no resample was defined.
    """

    method: str
    value: float
    n_items: int
    ci: Interval | None
