"""Pairwise judge: which of two answers is better, asked in both orders.

Judge models prefer a position (often the first answer shown). The judge is asked twice, with
the answers as (A, B) and then as (B, A); the two replies are mapped back to the answers. When
both name the same winner the verdict is *consistent* and that answer wins; when they disagree
the verdict is a tie marked inconsistent, and :func:`position_consistency` reports how often
that happens over many pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from mentor.judges.parsing import JudgeParseError, extract_json, reply_text
from mentor.judges.rubric import JUDGE_PARAMS, VerdictState, transcript
from mentor.providers.base import GenerationParams, Provider

Winner = Literal["a", "b", "tie"]
_WINNERS = {"1": "first", "2": "second", "tie": "tie"}


@dataclass(frozen=True)
class PairwiseVerdict:
    """Both orders' winners (already mapped back to a/b) and the combined verdict."""

    state: VerdictState
    winner: Winner | None = None
    forward: Winner | None = None  # winner when shown as (A, B)
    backward: Winner | None = None  # winner when shown as (B, A)
    rationale: str = ""
    replies: tuple[str, ...] = ()
    reason: str = ""
    # Scored by log-probabilities (mentor.judges.choice_scoring): P(A wins) when shown first,
    # when shown second, and their mean; None for a parsing judge.
    p_a_forward: float | None = None
    p_a_backward: float | None = None
    p_a: float | None = None

    @property
    def consistent(self) -> bool | None:
        """Whether both orders named the same winner (None unless graded)."""
        return None if self.state != "graded" else self.forward == self.backward

    @property
    def score_a(self) -> float | None:
        """P(A wins) when scored by log-probabilities; else 1 when A wins, 0.5 for a tie, 0 when
        B wins."""
        if self.p_a is not None:
            return self.p_a
        return None if self.winner is None else {"a": 1.0, "tie": 0.5, "b": 0.0}[self.winner]


IMPARTIAL: Final = (
    "You are a strict, impartial evaluator of AI assistant answers. Compare two answers to "
    "the same conversation. Do not let the order of the answers or their length sway you. "
)
"""How every pairwise judge is told to compare (the parsing and the log-probability one)."""


def pairwise_messages(
    conversation: str, first: str, second: str, criteria: str
) -> list[dict[str, Any]]:
    """The messages asking which of two answers is better, as strict JSON."""
    system = (
        IMPARTIAL + 'Reply with ONE JSON object and nothing else: {"winner": "1" or "2" or "tie", '
        '"rationale": "..."}'
    )
    user = (
        f"Judge by: {criteria}\n\nConversation:\n{conversation}\n\n"
        f"Answer 1:\n{first}\n\nAnswer 2:\n{second}"
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def parse_pairwise_reply(reply: str) -> tuple[str, str]:
    """("first" | "second" | "tie", rationale) from one reply; JudgeParseError otherwise."""
    data = extract_json(reply)
    raw = str(data.get("winner", "")).strip().lower().removeprefix("answer").strip()
    if raw not in _WINNERS:
        raise JudgeParseError(f"'winner' is {data.get('winner')!r}; expected 1, 2 or tie", reply)
    rationale = data.get("rationale")
    return _WINNERS[raw], rationale if isinstance(rationale, str) else ""


def _as_winner(position: str, first_is_a: bool) -> Winner:
    if position == "tie":
        return "tie"
    return "a" if (position == "first") == first_is_a else "b"


class PairwiseJudge:
    """Compares two answers with a judge model, in both orders."""

    def __init__(
        self,
        provider: Provider,
        criteria: str = "helpfulness, correctness and safety",
        params: GenerationParams = JUDGE_PARAMS,
    ):
        self.provider = provider
        self.criteria = criteria
        self.params = params

    async def _ask(self, conversation: str, first: str, second: str) -> Any:
        prompt = pairwise_messages(conversation, first, second, self.criteria)
        return (await self.provider.complete(prompt, self.params)).text

    async def judge(
        self, messages: Sequence[Mapping[str, Any]], answer_a: str, answer_b: str
    ) -> PairwiseVerdict:
        """Which of `answer_a` and `answer_b` better answers `messages`, asked both ways."""
        conversation = transcript(messages)
        try:
            answered = (
                await self._ask(conversation, answer_a, answer_b),
                await self._ask(conversation, answer_b, answer_a),
            )
        except Exception as exc:  # a judge that fails must not stop the run; it is recorded
            return PairwiseVerdict(
                "error", reason=f"judge call failed: {type(exc).__name__}: {exc}"
            )
        replies = tuple(r if isinstance(r, str) else repr(r) for r in answered)
        try:
            forward_reply, backward_reply = (reply_text(r) for r in answered)
        except JudgeParseError as exc:
            return PairwiseVerdict("unparsed", replies=replies, reason=str(exc))
        try:
            pos_fwd, why_fwd = parse_pairwise_reply(forward_reply)
            pos_bwd, why_bwd = parse_pairwise_reply(backward_reply)
        except JudgeParseError as exc:
            return PairwiseVerdict("unparsed", replies=replies, reason=str(exc))
        forward, backward = _as_winner(pos_fwd, True), _as_winner(pos_bwd, False)
        return PairwiseVerdict(
            "graded",
            winner=forward if forward == backward else "tie",
            forward=forward,
            backward=backward,
            rationale=why_fwd or why_bwd,
            replies=replies,
        )


def position_consistency(verdicts: Iterable[PairwiseVerdict]) -> tuple[int, int]:
    """(consistent, graded): how many graded verdicts named the same winner in both orders."""
    graded = [v for v in verdicts if v.state == "graded"]
    return sum(1 for v in graded if v.consistent), len(graded)
