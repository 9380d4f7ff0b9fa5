"""Calibration records: how far a judge agreed with people, kept per judge fingerprint.

A record holds the judge's name, its fingerprint (provider, model, prompt, parameters, grader
version; or what a verdict file says of it) and that fingerprint's sha256, what it was checked
against, n, every statistic with its interval (:mod:`mentor.judges.calibration_stats`) and the
items where judge and people disagreed. Records are never changed: calibrating again adds one,
so a judge's history shows drift between its versions.

``stats`` always has ``kappa``, ``accuracy`` and ``alpha`` as ``{value, low, high, reason}``
(null where undefined) at its top level: release gates read them without importing judges.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import orjson
from sqlalchemy import Connection, insert, select

from mentor.errors import NotFoundError
from mentor.judges.calibration_stats import (
    LabelAgreement,
    PairVerdict,
    PairwiseBias,
    label_agreement,
    pairwise_bias,
)
from mentor.judges.verdicts import Kind, LabelRow, PairRow, Verdict
from mentor.store.audit import aware, now, record_event
from mentor.store.ids import is_row_id
from mentor.store.judge_tables import judge_calibrations

MAX_DISAGREEMENTS: Final = 200  # kept with a record, to read; the total is in its stats


@dataclass(frozen=True)
class Calibration:
    """One stored calibration of a judge against human labels."""

    id: int
    judge: str
    fingerprint_hash: str
    fingerprint: dict[str, Any]
    kind: Kind
    source: dict[str, Any]
    n: int
    stats: dict[str, Any]
    disagreements: list[dict[str, Any]]
    created_by: str
    created_at: datetime

    @property
    def kappa(self) -> dict[str, Any]:
        """Cohen's kappa (weighted when ordinal): ``{value, low, high, reason}``."""
        return dict(self.stats["kappa"])

    @property
    def bias(self) -> dict[str, Any] | None:
        """A pairwise judge's bias figures (flip rate, first position, ties, length, self)."""
        found = self.stats.get("bias")
        return dict(found) if found else None


@dataclass(frozen=True)
class CalibrationOptions:
    """How the intervals are computed."""

    confidence: float = 0.95
    resamples: int = 2000
    seed: int = 0


@dataclass(frozen=True)
class Measured:
    """A calibration computed and not yet stored."""

    judge: str
    fingerprint: dict[str, Any]
    kind: Kind
    source: dict[str, Any]
    stats: dict[str, Any]
    disagreements: list[dict[str, Any]]

    @property
    def n(self) -> int:
        """Items with a parsed verdict that the statistics rest on."""
        return int(self.stats["agreement"]["n"])


def fingerprint_hash(fingerprint: Mapping[str, Any]) -> str:
    """The sha256 of a fingerprint's canonical JSON."""
    body = orjson.dumps(fingerprint, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(body).hexdigest()


def _summary(agreement: LabelAgreement, options: CalibrationOptions) -> dict[str, Any]:
    return {
        "kappa": agreement.kappa.to_dict(),
        "accuracy": agreement.accuracy.to_dict(),
        "alpha": agreement.alpha.to_dict(),
        "confidence": options.confidence,
        "agreement": agreement.to_dict(),
        "bias": None,
    }


def measure_labels(
    judge: str,
    rows: Sequence[LabelRow],
    *,
    ordinal: bool,
    fingerprint: dict[str, Any],
    source: dict[str, Any],
    options: CalibrationOptions,
) -> Measured:
    """Agreement of a judge's labels with people's."""
    agreement = label_agreement(
        [r.human for r in rows],
        [r.judge for r in rows],
        ordinal=ordinal,
        confidence=options.confidence,
        resamples=options.resamples,
        seed=options.seed,
    )
    wrong = [
        {"item": r.item, "line": r.line, "human": r.human, "judge": r.judge}
        for r in rows
        if r.judge is not None and r.judge != r.human
    ]
    stats = {**_summary(agreement, options), "disagreements_total": len(wrong)}
    kind: Kind = "ordinal" if ordinal else "label"
    return Measured(judge, fingerprint, kind, source, stats, wrong[:MAX_DISAGREEMENTS])


def settled(forward: Verdict | None, backward: Verdict | None) -> Verdict | None:
    """The verdict of both orders, as :func:`pairwise_bias` reads it: the winner both named, a
    tie when they differ, the one order's verdict when the other is unparsed, else None."""
    if forward is None or backward is None:
        return forward or backward
    return forward if forward == backward else "tie"


def _bias_dict(bias: PairwiseBias) -> dict[str, Any]:
    found = bias.to_dict()
    found.pop("agreement", None)
    return found


def measure_pairs(
    judge: str,
    rows: Sequence[PairRow],
    *,
    fingerprint: dict[str, Any],
    source: dict[str, Any],
    options: CalibrationOptions,
) -> Measured:
    """Agreement and position, length and self-preference biases of a pairwise judge."""
    bias = pairwise_bias(
        [
            PairVerdict(
                human=r.human,
                forward=r.forward,
                backward=r.backward,
                len_a=r.len_a,
                len_b=r.len_b,
                family_a=r.family_a,
                family_b=r.family_b,
                judge_family=r.judge_family,
            )
            for r in rows
        ],
        confidence=options.confidence,
        resamples=options.resamples,
        seed=options.seed,
    )
    wrong = []
    for r in rows:
        verdict = settled(r.forward, r.backward)
        if verdict is not None and verdict != r.human:
            shown = {"item": r.item, "line": r.line, "human": r.human, "judge": verdict}
            wrong.append(
                {**shown, "forward": r.forward, "backward": r.backward, "a": r.a, "b": r.b}
            )
    stats = {
        **_summary(bias.agreement, options),
        "bias": _bias_dict(bias),
        "disagreements_total": len(wrong),
    }
    return Measured(judge, fingerprint, "pairwise", source, stats, wrong[:MAX_DISAGREEMENTS])


def store(conn: Connection, measured: Measured, actor: str) -> int:
    """Insert a calibration record (and its audit event) in the caller's transaction."""
    digest = fingerprint_hash(measured.fingerprint)
    values = {
        "judge": measured.judge,
        "fingerprint_hash": digest,
        "fingerprint": measured.fingerprint,
        "kind": measured.kind,
        "source": measured.source,
        "n": measured.n,
        "stats": measured.stats,
        "disagreements": measured.disagreements,
        "created_by": actor,
        "created_at": now(),
    }
    key = conn.execute(insert(judge_calibrations).values(**values)).inserted_primary_key
    assert key is not None
    new_id = int(key[0])
    record_event(
        conn,
        actor=actor,
        action="judge.calibrate",
        object_type="judge_calibration",
        object_id=str(new_id),
        detail={
            "judge": measured.judge,
            "fingerprint": digest,
            "kind": measured.kind,
            "n": measured.n,
            "kappa": measured.stats["kappa"],
            "source": measured.source,
        },
    )
    return new_id


def _record(row: Any) -> Calibration:
    found = dict(row._mapping)
    found["created_at"] = aware(row.created_at)
    return Calibration(**found)


def get_calibration(conn: Connection, calibration_id: int) -> Calibration:
    """One record; NotFoundError when there is none."""
    missing = NotFoundError(
        f"no judge calibration {calibration_id}; `mentor judges list` lists them"
    )
    if not is_row_id(calibration_id):
        raise missing
    row = conn.execute(
        select(judge_calibrations).where(judge_calibrations.c.id == calibration_id)
    ).first()
    if row is None:
        raise missing
    return _record(row)


def list_calibrations(
    conn: Connection, *, judge: str | None = None, limit: int = 100, oldest_first: bool = False
) -> list[Calibration]:
    """Records, newest first (or oldest first), optionally of one judge."""
    order = judge_calibrations.c.id.asc() if oldest_first else judge_calibrations.c.id.desc()
    query = select(judge_calibrations).order_by(order).limit(limit)
    if judge is not None:
        query = query.where(judge_calibrations.c.judge == judge)
    return [_record(row) for row in conn.execute(query)]
