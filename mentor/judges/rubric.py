"""LLM-as-judge with a rubric: a score per criterion and a rationale, as strict JSON.

The judge is any :class:`~mentor.providers.base.Provider`. It sees the conversation, the
answer (and a reference answer when there is one) and the rubric, and must reply with one JSON
object::

    {"scores": {"<criterion>": <integer on the scale>, ...}, "rationale": "<one paragraph>"}

A reply that is not such an object, misses a criterion or scores off the scale is *unparsed*:
the verdict says so and keeps the reply; it is never read as a pass or a fail.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from mentor.judges.parsing import JudgeParseError, extract_json, number, reply_text
from mentor.providers.base import GenerationParams, Provider

VerdictState = Literal["graded", "unparsed", "error"]
JUDGE_PARAMS = GenerationParams(temperature=0.0, max_tokens=384, seed=0)


@dataclass(frozen=True)
class Criterion:
    """One rubric line: a short name the judge scores and what it means."""

    name: str
    description: str = ""
    weight: float = 1.0


@dataclass(frozen=True)
class Rubric:
    """Criteria scored on an integer scale from `low` to `high`."""

    criteria: tuple[Criterion, ...]
    low: int = 1
    high: int = 5
    instructions: str = ""


@dataclass(frozen=True)
class RubricVerdict:
    """Scores per criterion on the rubric's scale; `score` is their weighted mean in [0, 1]."""

    state: VerdictState
    scores: dict[str, float] = field(default_factory=dict)
    score: float | None = None
    rationale: str = ""
    reply: str = ""
    reason: str = ""
    # Scored by log-probabilities: per criterion, P(each score on the scale); scores are then
    # the probability-weighted expected scores (mentor.judges.choice_scoring).
    probabilities: dict[str, dict[str, float]] = field(default_factory=dict)


def transcript(messages: Sequence[Mapping[str, Any]]) -> str:
    """The conversation as plain text, one ``ROLE: content`` block per message."""
    return "\n\n".join(
        f"{str(m.get('role', 'user')).upper()}: {m.get('content') or ''}" for m in messages
    )


def rubric_messages(
    rubric: Rubric, conversation: str, answer: str, reference: str | None
) -> list[dict[str, Any]]:
    """The messages that ask the judge for a strict-JSON verdict."""
    lines = "\n".join(
        f"- {c.name}: {c.description}" if c.description else f"- {c.name}" for c in rubric.criteria
    )
    example = json.dumps(
        {"scores": {c.name: rubric.high for c in rubric.criteria}, "rationale": "..."}
    )
    system = (
        "You are a strict evaluator of AI assistant answers. Score the answer on each criterion "
        f"with an integer from {rubric.low} (worst) to {rubric.high} (best). "
        "Reply with ONE JSON object and nothing else, shaped like: " + example
    )
    parts = [
        rubric.instructions,
        f"Criteria:\n{lines}",
        f"Conversation:\n{conversation}",
        f"Answer to evaluate:\n{answer}",
    ]
    if reference:
        parts.append(f"Reference answer (correct, for comparison):\n{reference}")
    user = "\n\n".join(p for p in parts if p)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def parse_rubric_reply(rubric: Rubric, reply: str) -> RubricVerdict:
    """Read a judge reply into a verdict; anything unusable gives ``state="unparsed"``."""
    try:
        data = extract_json(reply)
        raw = data.get("scores")
        if not isinstance(raw, dict):
            raise JudgeParseError("the reply has no 'scores' object", reply)
        by_name = {str(k).strip().lower(): v for k, v in raw.items()}
        scores: dict[str, float] = {}
        for c in rubric.criteria:
            if c.name.lower() not in by_name:
                raise JudgeParseError(f"the reply gives no score for '{c.name}'", reply)
            scores[c.name] = number(by_name[c.name.lower()], c.name, rubric.low, rubric.high, reply)
    except JudgeParseError as exc:
        return RubricVerdict("unparsed", reply=reply, reason=str(exc))
    span = rubric.high - rubric.low
    weights = sum(c.weight for c in rubric.criteria)
    score = sum(c.weight * (scores[c.name] - rubric.low) / span for c in rubric.criteria) / weights
    rationale = data.get("rationale")
    return RubricVerdict(
        "graded",
        scores=scores,
        score=score,
        rationale=rationale if isinstance(rationale, str) else "",
        reply=reply,
    )


class RubricJudge:
    """Scores answers against a rubric with a judge model."""

    def __init__(self, provider: Provider, rubric: Rubric, params: GenerationParams = JUDGE_PARAMS):
        if not rubric.criteria:
            raise ValueError("a rubric needs at least one criterion")
        if rubric.high <= rubric.low:
            raise ValueError(f"the scale {rubric.low}..{rubric.high} is empty")
        self.provider = provider
        self.rubric = rubric
        self.params = params

    async def judge(
        self, messages: Sequence[Mapping[str, Any]], answer: str, reference: str | None = None
    ) -> RubricVerdict:
        """The judge's verdict on `answer` to the conversation `messages`."""
        prompt = rubric_messages(self.rubric, transcript(messages), answer, reference)
        try:
            completion = await self.provider.complete(prompt, self.params)
        except Exception as exc:  # a judge that fails must not stop the run; it is recorded
            return RubricVerdict("error", reason=f"judge call failed: {type(exc).__name__}: {exc}")
        try:
            reply = reply_text(completion.text)
        except JudgeParseError as exc:
            return RubricVerdict("unparsed", reply=exc.reply, reason=str(exc))
        return parse_rubric_reply(self.rubric, reply)
