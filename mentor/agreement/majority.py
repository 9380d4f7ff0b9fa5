"""Majority vote over annotators, with an explicit rule for ties."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
from numpy.typing import NDArray

from mentor.agreement.bootstrap import Seed
from mentor.agreement.errors import AgreementError
from mentor.agreement.table import Label, ReliabilityTable, code_table

TiePolicy: TypeAlias = Literal["abstain", "random", "first"]
"""What a tie for the most votes gives: None, a seeded random pick, or the first category."""


@dataclass(frozen=True, eq=False)
class MajorityVote:
    """The most frequent label of each item.

    ``labels[i]`` is None when item i has no label, or when its top labels tie under
    ``ties="abstain"``. ``votes`` counts labels per item and category (in `categories` order);
    ``tied`` marks items whose top count was shared, whichever policy settled them.
    """

    labels: tuple[Label | None, ...]
    categories: tuple[Label, ...]
    votes: NDArray[np.int64]
    tied: NDArray[np.bool_]


def majority_vote(
    table: ReliabilityTable,
    *,
    ties: TiePolicy = "abstain",
    categories: Sequence[Label] | None = None,
    rng: Seed = 0,
) -> MajorityVote:
    """The label most annotators gave each item.

    Ties: "abstain" returns None for the item; "random" picks uniformly among the tied labels
    with the seeded `rng`; "first" takes the tied label that comes first in `categories` (by
    default the sorted labels).
    """
    if ties not in ("abstain", "random", "first"):
        raise AgreementError(f"ties is {ties!r}; expected 'abstain', 'random' or 'first'")
    coded = code_table(table, categories)
    votes = coded.counts()
    top = votes.max(axis=1, keepdims=True)
    is_top = (votes == top) & (top > 0)
    n_top = is_top.sum(axis=1)
    if ties == "random":
        keys = np.random.default_rng(rng).random(votes.shape)
        winner = np.argmax(np.where(is_top, keys, -1.0), axis=1)
    else:
        winner = np.argmax(is_top, axis=1)
    tied = n_top > 1
    if ties == "abstain":
        winner[tied] = -1
    winner[n_top == 0] = -1
    labels = tuple(None if w < 0 else coded.categories[w] for w in winner.tolist())
    return MajorityVote(labels, coded.categories, votes.astype(np.int64), tied)
