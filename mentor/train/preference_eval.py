"""How often a reward model prefers the answer people preferred, on records it did not train on.

Each preference row (``{"prompt", "chosen", "rejected"}``, as ``trl-dpo`` exports them) is scored
twice, ``prompt + chosen`` and ``prompt + rejected``; the row is correct when the chosen answer
scores strictly higher (as TRL's reward accuracy counts it: a tie is not correct, and is counted
apart). The accuracy has a Wilson 95% interval. Evaluating a run on the version it trained on
uses only the records it held out; on any other version, records whose content the run trained
on are left out, and the evaluation says how many.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, Final, Protocol

from sqlalchemy import Engine, select

from mentor.datasets import trl_format
from mentor.datasets.chat_rows import Unexportable
from mentor.datasets.versions import VersionInfo, iter_records
from mentor.errors import InputError
from mentor.store.tables import version_records
from mentor.train.runs import TrainingRun

CONFIDENCE: Final = 0.95
CHUNK: Final = 256  # rows scored per call, so a large version is never held in memory at once


class Scorer(Protocol):
    """Anything that scores conversations (a :class:`mentor.train.reward.RewardScorer`)."""

    def scores(
        self, conversations: Sequence[list[dict[str, Any]]], tools: Sequence[Any] | None = None
    ) -> list[float]: ...


@dataclass(frozen=True)
class PreferenceAccuracy:
    """`correct` of `n` pairs scored the chosen answer higher; Wilson 95% interval."""

    n: int
    correct: int
    accuracy: float | None
    ci_low: float | None
    ci_high: float | None
    ties: int
    mean_margin: float | None  # mean of r(chosen) - r(rejected)


@dataclass(frozen=True)
class RunEvaluation:
    """A reward run's preference accuracy on a dataset version, and what was held out."""

    run_id: int
    dataset_ref: str
    scope: str  # "held-out" (the run's own version) or "all"
    records: int  # records evaluated
    trained_on: int  # records of the version left out because the run trained on them
    skipped: int  # records holding no preference (ties, unranked, other kinds)
    accuracy: PreferenceAccuracy

    @property
    def note(self) -> str:
        """One line saying what was evaluated."""
        if self.scope == "held-out":
            return (
                f"{self.dataset_ref} is the version run {self.run_id} trained on: "
                f"only its {self.records} held-out records were evaluated"
            )
        if self.trained_on:
            return (
                f"{self.trained_on} records of {self.dataset_ref} were in run {self.run_id}'s "
                f"training split and were left out; {self.records} evaluated"
            )
        return f"{self.records} records of {self.dataset_ref}, none seen in training"


def wilson(hits: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval of `hits` out of `n` (n > 0)."""
    # evals.compare and quality.proportions have the same interval; train may import neither.
    p = hits / n
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _chunks(rows: Iterable[Mapping[str, Any]]) -> Iterator[list[Mapping[str, Any]]]:
    chunk: list[Mapping[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _margins(scorer: Scorer, rows: list[Mapping[str, Any]]) -> list[float]:
    for row in rows:
        if not all(isinstance(row.get(k), list) for k in ("prompt", "chosen", "rejected")):
            raise InputError(
                "a preference row needs prompt, chosen and rejected as lists of messages "
                "(conversational rows, as `--format trl-dpo` exports them)"
            )
    convs = [[*r["prompt"], *r["chosen"]] for r in rows] + [
        [*r["prompt"], *r["rejected"]] for r in rows
    ]
    tools = [r.get("tools") for r in rows] * 2
    scores = scorer.scores(convs, tools)
    return [scores[i] - scores[i + len(rows)] for i in range(len(rows))]


def preference_accuracy(scorer: Scorer, rows: Iterable[Mapping[str, Any]]) -> PreferenceAccuracy:
    """How often `scorer` ranks the chosen answer above the rejected one."""
    n = correct = ties = 0
    total = 0.0
    for chunk in _chunks(rows):
        for margin in _margins(scorer, chunk):
            n += 1
            correct += margin > 0
            ties += margin == 0
            total += margin
    if n == 0:
        return PreferenceAccuracy(0, 0, None, None, None, 0, None)
    low, high = wilson(correct, n)
    return PreferenceAccuracy(n, correct, correct / n, low, high, ties, total / n)


def _hashes(engine: Engine, version_id: int) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(version_records.c.record_id, version_records.c.record_hash).where(
                version_records.c.version_id == version_id
            )
        ).all()
    return {str(r.record_id): str(r.record_hash) for r in rows}


def _trained_hashes(engine: Engine, run: TrainingRun) -> set[str]:
    held = set(map(str, run.split.get("held_out_ids") or ()))
    return {h for rid, h in _hashes(engine, run.version_id).items() if rid not in held}


def evaluate_run(
    engine: Engine, run: TrainingRun, version: VersionInfo, scorer: Scorer | None = None
) -> RunEvaluation:
    """Preference accuracy of reward run `run` on `version`, held-out records only.

    `scorer` defaults to the run's model (:class:`mentor.train.reward.RewardScorer`).
    """
    if run.kind != "reward":
        raise InputError(
            f"training run {run.id} trained a {run.kind} model; preference accuracy is measured "
            f"on reward models (a {run.kind} model is evaluated as a provider: "
            f"`mentor eval run SUITE --provider train:{run.id}`)",
            where=f"run {run.id}",
        )
    if run.status != "succeeded":
        raise InputError(
            f"training run {run.id} is {run.status}, so it has no model to evaluate",
            where=f"run {run.id}",
        )
    if scorer is None:
        from mentor.train.reward import RewardScorer

        scorer = RewardScorer(run.model_dir)
    own = version.id == run.version_id
    held = set(map(str, run.split.get("held_out_ids") or ()))
    trained = set() if own else _trained_hashes(engine, run)
    hashes = {} if own else _hashes(engine, version.id)
    counts = {"records": 0, "trained_on": 0, "skipped": 0}

    def rows() -> Iterator[dict[str, Any]]:
        for rec in iter_records(engine, version.id):
            rid = str(rec.get("id"))
            if (own and rid not in held) or (not own and hashes.get(rid) in trained):
                counts["trained_on"] += 1
                continue
            try:
                made = list(trl_format.dpo(rec))
            except Unexportable:
                counts["skipped"] += 1
                continue
            counts["records"] += 1
            yield from made

    accuracy = preference_accuracy(scorer, rows())
    if accuracy.n == 0:
        raise InputError(
            f"no preference pairs to evaluate in {version.ref} ({counts['trained_on']} records "
            f"the run trained on, {counts['skipped']} without a preference)",
            where="--on",
        )
    return RunEvaluation(
        run.id,
        version.ref,
        "held-out" if own else "all",
        counts["records"],
        counts["trained_on"],
        counts["skipped"],
        accuracy,
    )
