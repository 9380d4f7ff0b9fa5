"""Agreement with consensus: each annotator against the label the *other* annotators settle on.

Leaving the annotator out keeps them from voting for themselves (with two annotators per item,
their own vote would otherwise make every tie theirs). The consensus of the others is their
majority label (items where the others tie are skipped) or their Dawid-Skene label, which
weighs each of the others by how reliable EM finds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mentor import agreement
from mentor.agreement import AgreementError
from mentor.annotate.tasks import Label
from mentor.quality.label_files import LabelTable
from mentor.quality.proportions import wilson

Method = Literal["majority", "dawid-skene"]


@dataclass(frozen=True)
class ConsensusAgreement:
    """How often one annotator's label matched the others' consensus, with a Wilson interval;
    `value` is None (and `undefined` says why) when no item had a consensus to compare with."""

    annotator: str
    method: Method
    agreed: int
    compared: int
    value: float | None
    low: float | None
    high: float | None
    undefined: str | None = None


def _consensus(rows: list[list[Label | None]], method: Method) -> list[Label | None]:
    if method == "majority":
        return list(agreement.majority_vote(rows, ties="abstain").labels)
    return list(agreement.dawid_skene(rows).labels)


def consensus_agreement(
    table: LabelTable, annotator: str, method: Method = "majority"
) -> ConsensusAgreement:
    """`annotator`'s labels against the consensus of the other annotators on shared items."""
    j = table.annotators.index(annotator)
    shared = [
        row
        for row in table.rows
        if row[j] is not None and any(v is not None for k, v in enumerate(row) if k != j)
    ]
    if not shared:
        return ConsensusAgreement(
            annotator,
            method,
            0,
            0,
            None,
            None,
            None,
            f"{annotator} shares no item with another annotator",
        )
    others = [[v for k, v in enumerate(row) if k != j] for row in shared]
    try:
        labels = _consensus(others, method)
    except AgreementError as exc:
        return ConsensusAgreement(annotator, method, 0, 0, None, None, None, str(exc))
    pairs = [
        (row[j], label) for row, label in zip(shared, labels, strict=True) if label is not None
    ]
    if not pairs:
        return ConsensusAgreement(
            annotator,
            method,
            0,
            0,
            None,
            None,
            None,
            "the other annotators tie on every shared item",
        )
    agreed = sum(mine == theirs for mine, theirs in pairs)
    share = wilson(agreed, len(pairs))
    return ConsensusAgreement(
        annotator, method, agreed, len(pairs), share.value, share.low, share.high
    )
