"""LLM judges: strict-JSON verdicts, unparsed replies kept apart, pairwise order consistency.

A scripted provider is used only to inject faults (malformed replies, a position-biased judge,
a failing endpoint); one test runs the rubric judge against the real bundled model over HTTP.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from mentor.evals.cases import Case, GraderSpec
from mentor.evals.graders import build_grader
from mentor.evals.grades import Grade
from mentor.evals.outcomes import CaseOutcome
from mentor.evals.scorecards import scorecard
from mentor.judges import extract_json
from mentor.providers.base import Completion, GenerationParams

CASE = Case(
    "q1",
    ({"role": "user", "content": "What is the capital of France?"},),
    reference="Paris is the capital of France.",
)


class ScriptedJudge:
    """A provider whose reply is `script(prompt_text)`; it records what it was asked."""

    name = "scripted"
    model = "scripted-judge"

    def __init__(self, script: Callable[[str], str]):
        self.script = script
        self.prompts: list[str] = []

    def fingerprint(self) -> dict[str, Any]:
        return {"provider": self.name}

    async def complete(
        self, messages: list[dict[str, Any]], params: GenerationParams
    ) -> Completion:
        text = "\n".join(str(m["content"]) for m in messages)
        self.prompts.append(text)
        return Completion(text=self.script(text), model=self.model)

    async def aclose(self) -> None:
        return None


class FailingJudge(ScriptedJudge):
    async def complete(
        self, messages: list[dict[str, Any]], params: GenerationParams
    ) -> Completion:
        raise ConnectionError("judge endpoint refused the connection")


def judge_grade(kind: str, judge: Any, text: str = "Paris.", **params: Any) -> Grade:
    grader = build_grader(GraderSpec(kind, params), judge_provider=judge)
    return asyncio.run(grader.grade(CASE, Completion(text=text, model="candidate")))


RUBRIC = {"criteria": ["accuracy", {"name": "clarity", "description": "easy to read"}]}


def test_rubric_judge_scores_each_criterion() -> None:
    judge = ScriptedJudge(
        lambda _: (
            'Here is my verdict:\n```json\n{"scores": {"accuracy": 5, "clarity": 3}, '
            '"rationale": "Correct but terse."}\n```'
        )
    )
    g = judge_grade("llm-judge", judge, **RUBRIC)
    assert g.state == "graded" and g.passed is True
    assert g.detail["scores"] == {"accuracy": 5.0, "clarity": 3.0}
    assert g.score == pytest.approx((1.0 + 0.5) / 2)
    assert "Correct but terse." in g.reason
    assert "clarity: easy to read" in judge.prompts[0]
    assert "Paris is the capital of France." in judge.prompts[0]  # the reference is shown


def test_low_scores_fail() -> None:
    judge = ScriptedJudge(lambda _: '{"scores": {"accuracy": 1, "clarity": 2}, "rationale": "x"}')
    g = judge_grade("llm-judge", judge, **RUBRIC)
    assert (g.state, g.passed) == ("graded", False)


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ("The answer looks great, 5/5!", "no JSON object"),
        ('{"scores": {"accuracy": 5}}', "no score for 'clarity'"),
        ('{"scores": {"accuracy": 9, "clarity": 3}}', "outside 1..5"),
        ('{"scores": {"accuracy": "excellent", "clarity": 3}}', "not a number"),
        ('{"verdict": "pass"}', "no 'scores' object"),
        ('{"scores": {"accuracy": 5, "clarity": 4}', "no JSON object"),  # truncated
    ],
)
def test_unusable_replies_are_unparsed_never_pass_or_fail(reply: str, why: str) -> None:
    g = judge_grade("llm-judge", ScriptedJudge(lambda _: reply), **RUBRIC)
    assert g.state == "unparsed"
    assert g.passed is None and g.score is None
    assert why in g.reason
    assert g.detail["reply"] == reply  # kept for the record


def test_unparsed_grades_are_counted_apart_from_failures() -> None:
    unparsed = judge_grade("llm-judge", ScriptedJudge(lambda _: "nope"), **RUBRIC)
    passed = Grade("contains", "graded", True, 1.0)
    outcome = CaseOutcome(CASE, (passed, unparsed), output="Paris.")
    assert outcome.status == "unparsed" and outcome.passed is None
    card = scorecard([outcome])
    assert card.statuses["unparsed"] == 1
    assert card.metric("pass-rate").n == 0
    assert card.metric("unjudged-rate").proportion.successes == 1


def test_a_failing_judge_is_an_error_not_a_verdict() -> None:
    g = judge_grade("llm-judge", FailingJudge(lambda _: ""), **RUBRIC)
    assert (g.state, g.passed) == ("error", None)
    assert "refused the connection" in g.reason


def _winner_by_position(position: str) -> Callable[[str], str]:
    return lambda _: f'{{"winner": "{position}", "rationale": "the {position} one"}}'


def _winner_by_content(best: str) -> Callable[[str], str]:
    def script(prompt: str) -> str:
        first = prompt.index("Answer 1:")
        second = prompt.index("Answer 2:")
        where = prompt.index(best, first)
        return '{"winner": "1"}' if where < second else '{"winner": "2"}'

    return script


def test_pairwise_judge_asks_both_orders_and_reports_consistency() -> None:
    judge = ScriptedJudge(_winner_by_content("Paris."))
    g = judge_grade("pairwise", judge, text="Paris.", answer="Lyon.")
    assert len(judge.prompts) == 2
    assert judge.prompts[0].index("Paris.") < judge.prompts[0].index("Lyon.")
    assert judge.prompts[1].index("Lyon.") < judge.prompts[1].index("Paris.")
    assert g.detail["consistent"] is True and g.detail["winner"] == "a"
    assert (g.passed, g.score) == (True, 1.0)


def test_position_biased_judge_is_reported_inconsistent() -> None:
    biased = ScriptedJudge(_winner_by_position("1"))  # always prefers whatever is shown first
    g = judge_grade("pairwise", biased, text="Lyon.")
    assert g.detail["forward"] == "a" and g.detail["backward"] == "b"
    assert g.detail["consistent"] is False
    assert g.detail["winner"] == "tie" and g.score == 0.5
    assert "inconsistent" in g.reason
    consistent = judge_grade(
        "pairwise", ScriptedJudge(_winner_by_content("Paris is")), text="Lyon."
    )
    card = scorecard(
        [
            CaseOutcome(CASE, (g,), output="Lyon."),
            CaseOutcome(Case("q2", CASE.messages), (consistent,), output="Lyon."),
        ]
    )
    assert card.judge_consistency is not None
    assert (card.judge_consistency.successes, card.judge_consistency.n) == (1, 2)


def test_pairwise_unparsed_when_either_order_is_unusable() -> None:
    replies = iter(['{"winner": "1"}', "I think answer one"])
    g = judge_grade("pairwise", ScriptedJudge(lambda _: next(replies)))
    assert (g.state, g.passed) == ("unparsed", None)
    assert len(g.detail["replies"]) == 2


def test_extract_json_ignores_braces_in_strings() -> None:
    assert extract_json('x {"a": "}{", "b": 1} y') == {"a": "}{", "b": 1}


def test_rubric_judge_on_the_bundled_model(model_server: str) -> None:
    """The real SmolLM2 judging over HTTP: a verdict or an unparsed reply, never a silent one."""
    from mentor.providers.openai_compat import OpenAIProvider

    judge = OpenAIProvider("smollm2", model_server)
    grader = build_grader(
        GraderSpec("llm-judge", {"criteria": ["correctness"]}), judge_provider=judge
    )

    async def run() -> Grade:
        try:
            return await grader.grade(CASE, Completion(text="Paris.", model="candidate"))
        finally:
            await judge.aclose()

    g = asyncio.run(run())
    assert g.state in ("graded", "unparsed"), g.reason
    assert g.detail["reply"].strip()  # the model answered and the reply was kept
    if g.state == "graded":
        assert g.passed is not None and 1.0 <= g.detail["scores"]["correctness"] <= 5.0
    else:
        assert g.passed is None and g.score is None and g.reason
