"""The ``reward`` grader: a reward model trained by ``mentor train reward`` scores each answer.

A reward model is a learned judge, so the grader lives with the judges: it needs both ``evals``
(cases, grades) and ``train`` (the run, the scorer), two siblings that may not import each other.
The registry names it by path, as it does a plug-in's grader.

``mode: score`` passes an answer whose reward is at least ``threshold``; ``mode: pairwise``
passes it when it out-scores the case's reference, and skips a case without one. The grade's
score is in [0, 1]: the sigmoid of the reward minus the threshold, or of the two rewards'
difference (the Bradley-Terry probability that the answer is preferred).
"""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine

from mentor.errors import MentorError
from mentor.evals.cases import Case
from mentor.evals.graders.base import bad_param
from mentor.evals.grades import Grade
from mentor.providers.base import Completion
from mentor.train.reward import RewardScorer
from mentor.train.runs import get_run

MODES: Final = ("score", "pairwise")


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def reward_model_dir(model: str, engine: Engine | None) -> Path:
    """The folder `model` names: ``train:RUN`` (a succeeded reward run) or a folder path."""
    if not model.startswith("train:"):
        path = Path(model).expanduser()
        if not (path / "config.json").is_file():
            raise bad_param("reward", "model", f"{model}: expected train:RUN or a model folder")
        return path
    run_ref = model.removeprefix("train:")
    if not run_ref.isdigit():
        raise bad_param("reward", "model", f"{model}: expected a run id, e.g. train:3")
    if engine is None:
        raise bad_param("reward", "model", f"{model} needs a workspace to read the run from")
    try:
        with engine.connect() as conn:
            run = get_run(conn, int(run_ref))
    except MentorError as exc:
        raise bad_param("reward", "model", str(exc)) from exc
    if run.kind != "reward":
        raise bad_param(
            "reward",
            "model",
            f"{model} is a {run.kind} model, not a reward model; evaluate it as a provider "
            f"(--provider {model})",
        )
    if run.status != "succeeded":
        raise bad_param("reward", "model", f"{model} is {run.status}: it has no model to use")
    return run.model_dir


class RewardGrader:
    """Scores the answer with a trained reward model: pass at ``threshold`` or above the reference.

    ``model`` is ``train:RUN`` (a succeeded ``mentor train reward`` run) or a reward model
    folder; ``mode`` is ``score`` (reward >= ``threshold``) or ``pairwise`` (reward of the
    answer > reward of the case's reference; skipped without one).
    """

    type = "reward"
    version = "1"

    def __init__(
        self,
        model: str | None = None,
        mode: str = "score",
        threshold: float = 0.0,
        name: str | None = None,
        engine: Engine | None = None,
    ):
        self.name = name or self.type
        if not model:
            raise bad_param(self.type, "model", "give the reward model: train:RUN or a folder")
        if mode not in MODES:
            raise bad_param(self.type, "mode", f"expected score or pairwise, got {mode!r}")
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise bad_param(self.type, "threshold", f"expected a number, got {threshold!r}")
        self.model = model
        self.mode = mode
        self.threshold = float(threshold)
        self.path = reward_model_dir(model, engine)
        self._scorer: RewardScorer | None = None

    def _scores(self, conversations: list[list[dict[str, Any]]]) -> list[float]:
        if self._scorer is None:
            self._scorer = RewardScorer(self.path)
        return self._scorer.scores(conversations)

    async def grade(self, case: Case, output: Completion) -> Grade:
        """The grade of `output` for `case`."""
        if self.mode == "pairwise" and case.reference is None:
            return Grade(
                self.name, "skipped", None, None, "no reference to compare with", {}, self.version
            )
        prompt = [dict(m) for m in case.messages]
        answers = [output.text] + ([case.reference] if self.mode == "pairwise" else [])
        convs = [[*prompt, {"role": "assistant", "content": text}] for text in answers]
        rewards = await asyncio.to_thread(self._scores, convs)
        detail: dict[str, Any] = {"model": self.model, "reward": rewards[0]}
        if self.mode == "score":
            passed = rewards[0] >= self.threshold
            reason = f"reward {rewards[0]:.3f} {'>=' if passed else '<'} {self.threshold:g}"
            score = _sigmoid(rewards[0] - self.threshold)
        else:
            detail["reference_reward"] = rewards[1]
            passed = rewards[0] > rewards[1]
            reason = f"reward {rewards[0]:.3f} vs the reference's {rewards[1]:.3f}"
            score = _sigmoid(rewards[0] - rewards[1])
        return Grade(self.name, "graded", passed, score, reason, detail, self.version)
