"""Graders that ask a judge model: a rubric judge and a pairwise judge against a reference.

They live with the judges, above ``evals``: the grader registry names them by path
(``mentor.judges.graders:RubricGrader``) as it would a plug-in's, so ``evals`` never imports
``judges``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mentor.evals.cases import Case
from mentor.evals.graders.base import bad_param
from mentor.evals.grades import Grade
from mentor.judges.choice_scoring import (
    SCORINGS,
    TIE_MARGIN,
    ChoicePairwiseJudge,
    ChoiceRubricJudge,
    check_digit_scale,
)
from mentor.judges.pairwise import PairwiseJudge
from mentor.judges.rubric import Criterion, Rubric, RubricJudge
from mentor.providers.base import Completion, Provider, ScoresChoices

_SAYS = {"a": "output wins", "b": "reference wins", "tie": "tie"}
DEFAULT_CRITERIA = (
    Criterion("helpfulness", "answers what was asked, completely and usefully"),
    Criterion("correctness", "states only true, accurate things"),
)


def _criteria(grader: str, raw: Sequence[Any] | None) -> tuple[Criterion, ...]:
    if raw is None:
        return DEFAULT_CRITERIA
    if isinstance(raw, str) or not isinstance(raw, Sequence) or not raw:
        raise bad_param(grader, "criteria", "expected a list of names or {name, description}")
    out = []
    for item in raw:
        if isinstance(item, str):
            out.append(Criterion(item))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            unknown = set(item) - {"name", "description", "weight"}
            if unknown:
                raise bad_param(grader, "criteria", f"unknown key(s) {', '.join(sorted(unknown))}")
            out.append(
                Criterion(
                    item["name"], str(item.get("description", "")), float(item.get("weight", 1))
                )
            )
        else:
            raise bad_param(grader, "criteria", f"expected a name or {{name: ...}}, got {item!r}")
    return tuple(out)


def _needs(grader: str, judge: Provider | None) -> Provider:
    if judge is None:
        raise bad_param(grader, "judge", "this grader needs a judge model (give a judge provider)")
    return judge


def _scorer(grader: str, judge: Provider, scoring: str) -> ScoresChoices | None:
    """The judge as a choice scorer when `scoring` is logprobs, None when it is parse."""
    if scoring not in SCORINGS:
        raise bad_param(grader, "scoring", f"expected parse or logprobs, got {scoring!r}")
    if scoring == "parse":
        return None
    if not isinstance(judge, ScoresChoices):
        raise bad_param(
            grader,
            "scoring",
            f"the judge '{judge.name}:{judge.model}' cannot score choices by log-probabilities; "
            "use a local model (smollm2, hf:PATH) or an OpenAI-compatible endpoint that returns "
            "logprobs, or scoring: parse",
        )
    return judge


class RubricGrader:
    """Scores the output per rubric criterion with a judge model; passes at `threshold`.

    The grade's score is the weighted mean of the criteria, scaled to [0, 1]; its detail has
    the per-criterion scores, the rationale and the judge's reply. An unusable reply gives
    ``state="unparsed"`` and ``passed=None``. With ``scoring: logprobs`` each criterion's score
    is the probability-weighted mean of the scale's digits (detail ``probabilities``) and the
    grade is never unparsed (see :mod:`mentor.judges.choice_scoring`).
    """

    type = "llm-judge"
    version = "1"

    def __init__(
        self,
        name: str | None = None,
        judge: Provider | None = None,
        criteria: Sequence[Any] | None = None,
        scale: Sequence[int] = (1, 5),
        threshold: float = 0.6,
        instructions: str = "",
        scoring: str = "parse",
    ):
        self.name = name or self.type
        if len(scale) != 2 or scale[0] >= scale[1]:
            raise bad_param(
                self.type, "scale", f"expected [low, high] with low < high, got {scale}"
            )
        if not 0.0 <= threshold <= 1.0:
            raise bad_param(self.type, "threshold", f"expected 0..1, got {threshold}")
        rubric = Rubric(_criteria(self.type, criteria), int(scale[0]), int(scale[1]), instructions)
        provider = _needs(self.type, judge)
        scorer = _scorer(self.type, provider, scoring)
        self.judge: RubricJudge | ChoiceRubricJudge = RubricJudge(provider, rubric)
        if scorer is not None:
            try:
                check_digit_scale(rubric.low, rubric.high)
            except ValueError as exc:
                raise bad_param(self.type, "scale", str(exc)) from None
            self.judge = ChoiceRubricJudge(scorer, rubric)
        self.threshold = threshold

    async def grade(self, case: Case, output: Completion) -> Grade:
        """The judge's rubric verdict as a grade."""
        v = await self.judge.judge(case.messages, output.text, case.reference)
        detail: dict[str, Any] = {"scores": v.scores, "rationale": v.rationale, "reply": v.reply}
        if v.probabilities:
            detail["probabilities"] = v.probabilities
        if v.state != "graded" or v.score is None:
            return Grade(self.name, v.state, None, None, v.reason, detail, self.version)
        ok = v.score >= self.threshold
        reason = f"judge score {v.score:.2f} ({'≥' if ok else '<'} {self.threshold:.2f})"
        if v.rationale:
            reason += f": {v.rationale}"
        return Grade(self.name, "graded", ok, v.score, reason, detail, self.version)


class PairwiseGrader:
    """Compares the output with the case's reference (or `answer`), in both orders.

    Passes when the output wins or ties; score 1 / 0.5 / 0. The detail has both orders'
    winners and ``consistent`` (whether they agreed), which scorecards aggregate into the
    judge's position consistency. With ``scoring: logprobs`` the score is P(output wins),
    averaged over both orders, the detail has each order's probability, and a tie is a mean
    within `tie_margin` of 0.5 (see :mod:`mentor.judges.choice_scoring`).
    """

    type = "pairwise"
    version = "1"

    def __init__(
        self,
        name: str | None = None,
        judge: Provider | None = None,
        answer: str | None = None,
        criteria: str = "helpfulness, correctness and safety",
        scoring: str = "parse",
        tie_margin: float = TIE_MARGIN,
    ):
        self.name = name or self.type
        provider = _needs(self.type, judge)
        scorer = _scorer(self.type, provider, scoring)
        if not 0.0 <= tie_margin < 0.5:
            raise bad_param(
                self.type, "tie_margin", f"expected 0 <= tie_margin < 0.5, got {tie_margin}"
            )
        self.judge: PairwiseJudge | ChoicePairwiseJudge = PairwiseJudge(provider, criteria)
        if scorer is not None:
            self.judge = ChoicePairwiseJudge(scorer, criteria, tie_margin=tie_margin)
        self.answer = answer

    async def grade(self, case: Case, output: Completion) -> Grade:
        """The pairwise verdict of output (A) against the reference (B) as a grade."""
        other = self.answer if self.answer is not None else case.reference
        if other is None:
            return Grade(self.name, "skipped", None, None, "no reference answer to compare with")
        v = await self.judge.judge(case.messages, output.text, other)
        detail: dict[str, Any] = {
            "winner": v.winner,
            "forward": v.forward,
            "backward": v.backward,
            "consistent": v.consistent,
            "rationale": v.rationale,
            "replies": list(v.replies),
        }
        if v.p_a is not None:
            detail.update(p_a=v.p_a, p_a_forward=v.p_a_forward, p_a_backward=v.p_a_backward)
        if v.state != "graded" or v.score_a is None:
            return Grade(self.name, v.state, None, None, v.reason, detail, self.version)
        order = "consistent" if v.consistent else "inconsistent across orders"
        reason = f"{_SAYS[v.winner or 'tie']} ({order})"
        if v.p_a is not None:
            reason = f"{_SAYS[v.winner or 'tie']}: P(output better) {v.p_a:.2f} ({v.rationale})"
        return Grade(self.name, "graded", v.winner != "b", v.score_a, reason, detail, self.version)
