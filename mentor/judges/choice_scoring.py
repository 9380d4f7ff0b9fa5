"""Judges that read their verdict from the probabilities of the choice tokens.

A parsing judge asks for JSON and gives ``unparsed`` when the reply is unusable, which is what a
small model's replies mostly are. A judge scored by log-probabilities instead asks for one token
(a letter or a digit) and reads, from one forward pass, how likely each allowed token is
(:class:`~mentor.providers.base.ScoresChoices`). It always answers, and a weak judge answers
weakly: probabilities near even, not a confident wrong verdict.

- Pairwise: P(A wins) is asked with A shown first and again with B shown first; the mean of the
  two cancels the judge's preference for a position. A wins when the mean is at least
  ``0.5 + tie_margin``, B when at most ``0.5 - tie_margin``, otherwise it is a tie (each order's
  own verdict follows the same rule). The grade's score is that mean.
- Rubric: each criterion is asked on its own; its score is the probability-weighted mean of the
  scale's digits (so the scale must lie within 0..9), and the verdict's score is the weighted
  mean over criteria scaled to [0, 1], as for the parsing judge.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from mentor.judges.pairwise import IMPARTIAL, PairwiseVerdict, Winner
from mentor.judges.rubric import Criterion, Rubric, RubricVerdict, transcript
from mentor.providers.base import GenerationParams, ScoresChoices

Scoring = Literal["parse", "logprobs"]
SCORINGS: tuple[Scoring, ...] = ("parse", "logprobs")
PAIR_CHOICES = ("A", "B")
TIE_MARGIN = 0.05
CHOICE_PARAMS = GenerationParams(temperature=0.0, max_tokens=1, seed=0)


def verdict_of(p_a: float, margin: float = TIE_MARGIN) -> Winner:
    """ "a" when P(A wins) is at least 0.5 + `margin`, "b" when at most 0.5 - `margin`, else tie."""
    if p_a >= 0.5 + margin:
        return "a"
    if p_a <= 0.5 - margin:
        return "b"
    return "tie"


def pairwise_choice_messages(
    conversation: str, first: str, second: str, criteria: str
) -> list[dict[str, Any]]:
    """The messages asking which of two answers is better, answered with one letter."""
    system = IMPARTIAL + "Reply with one letter: A if Answer A is better, B if Answer B is better."
    user = (
        f"Judge by: {criteria}\n\nConversation:\n{conversation}\n\n"
        f"Answer A:\n{first}\n\nAnswer B:\n{second}\n\n"
        "Which answer is better, A or B? Reply with the letter only."
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def rubric_choice_messages(
    rubric: Rubric, criterion: Criterion, conversation: str, answer: str, reference: str | None
) -> list[dict[str, Any]]:
    """The messages asking for one criterion's score, answered with one digit."""
    what = f"{criterion.name}: {criterion.description}" if criterion.description else criterion.name
    system = (
        "You are a strict evaluator of AI assistant answers. Score the answer on one criterion "
        f"with a whole number from {rubric.low} (worst) to {rubric.high} (best). "
        "Reply with the number only."
    )
    parts = [
        rubric.instructions,
        f"Criterion: {what}",
        f"Conversation:\n{conversation}",
        f"Answer to evaluate:\n{answer}",
    ]
    if reference:
        parts.append(f"Reference answer (correct, for comparison):\n{reference}")
    parts.append(f"Score for {criterion.name} ({rubric.low}-{rubric.high}):")
    user = "\n\n".join(p for p in parts if p)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def expected_score(probabilities: Mapping[str, float]) -> float:
    """The probability-weighted mean of scores given as digit strings."""
    total = sum(probabilities.values())
    return sum(int(k) * p for k, p in probabilities.items()) / total


def check_digit_scale(low: int, high: int) -> None:
    """ValueError unless every score from `low` to `high` is a single digit."""
    if not 0 <= low < high <= 9:
        raise ValueError(
            f"scoring by log-probabilities needs a scale within 0..9, got {low}..{high}"
        )


class ChoicePairwiseJudge:
    """Compares two answers by P("A") and P("B"), in both orders (see the module docstring)."""

    def __init__(
        self,
        provider: ScoresChoices,
        criteria: str = "helpfulness, correctness and safety",
        params: GenerationParams = CHOICE_PARAMS,
        tie_margin: float = TIE_MARGIN,
    ):
        if not 0.0 <= tie_margin < 0.5:
            raise ValueError(f"tie_margin must be in [0, 0.5), got {tie_margin}")
        self.provider = provider
        self.criteria = criteria
        self.params = params
        self.tie_margin = tie_margin

    async def _p_first(self, conversation: str, first: str, second: str) -> float:
        prompt = pairwise_choice_messages(conversation, first, second, self.criteria)
        probs = await self.provider.choice_probabilities(prompt, PAIR_CHOICES, self.params)
        return probs["A"]

    async def judge(
        self, messages: Sequence[Mapping[str, Any]], answer_a: str, answer_b: str
    ) -> PairwiseVerdict:
        """P(`answer_a` is better) in both orders, their mean, and the verdicts they give."""
        conversation = transcript(messages)
        try:
            fwd, first_b = await asyncio.gather(
                self._p_first(conversation, answer_a, answer_b),
                self._p_first(conversation, answer_b, answer_a),
            )
        except Exception as exc:  # a judge that fails must not stop the run; it is recorded
            return PairwiseVerdict(
                "error", reason=f"judge call failed: {type(exc).__name__}: {exc}"
            )
        bwd = 1.0 - first_b
        mean = (fwd + bwd) / 2
        return PairwiseVerdict(
            "graded",
            winner=verdict_of(mean, self.tie_margin),
            forward=verdict_of(fwd, self.tie_margin),
            backward=verdict_of(bwd, self.tie_margin),
            rationale=f"P(a better) {fwd:.2f} with a shown first, {bwd:.2f} with a shown second",
            p_a_forward=fwd,
            p_a_backward=bwd,
            p_a=mean,
        )


class ChoiceRubricJudge:
    """Scores each rubric criterion as the probability-weighted mean of the scale's digits."""

    def __init__(
        self, provider: ScoresChoices, rubric: Rubric, params: GenerationParams = CHOICE_PARAMS
    ):
        if not rubric.criteria:
            raise ValueError("a rubric needs at least one criterion")
        check_digit_scale(rubric.low, rubric.high)
        self.provider = provider
        self.rubric = rubric
        self.params = params
        self.choices = tuple(str(d) for d in range(rubric.low, rubric.high + 1))

    async def _criterion(
        self, criterion: Criterion, conversation: str, answer: str, reference: str | None
    ) -> dict[str, float]:
        prompt = rubric_choice_messages(self.rubric, criterion, conversation, answer, reference)
        return await self.provider.choice_probabilities(prompt, self.choices, self.params)

    async def judge(
        self, messages: Sequence[Mapping[str, Any]], answer: str, reference: str | None = None
    ) -> RubricVerdict:
        """Expected scores per criterion and their weighted mean in [0, 1]."""
        conversation = transcript(messages)
        criteria = self.rubric.criteria
        try:
            found = await asyncio.gather(
                *(self._criterion(c, conversation, answer, reference) for c in criteria)
            )
        except Exception as exc:  # a judge that fails must not stop the run; it is recorded
            return RubricVerdict("error", reason=f"judge call failed: {type(exc).__name__}: {exc}")
        probabilities = {c.name: p for c, p in zip(criteria, found, strict=True)}
        scores = {name: expected_score(p) for name, p in probabilities.items()}
        low, span = self.rubric.low, self.rubric.high - self.rubric.low
        weights = sum(c.weight for c in criteria)
        score = sum(c.weight * (scores[c.name] - low) / span for c in criteria) / weights
        return RubricVerdict(
            "graded",
            scores=scores,
            score=score,
            rationale="expected scores from the probabilities of the score tokens",
            probabilities=probabilities,
        )
