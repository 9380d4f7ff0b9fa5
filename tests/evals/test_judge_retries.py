"""Judge calls in an eval run are as patient as the model's: retried with backoff, Retry-After
honoured, an error only after the run's retries; and a judge reply that is not text is an
unparsed verdict, never a crash."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import mentor
from mentor.errors import MentorError
from mentor.evals import GraderSpec, RunInfo, RunOptions, make_case, make_suite
from mentor.evals.cases import Suite
from mentor.evals.graders import build_grader
from mentor.judges.pairwise import PairwiseJudge
from mentor.judges.refusal_judge import RefusalJudge
from mentor.judges.rubric import Criterion, Rubric, RubricJudge
from mentor.providers.base import Completion, GenerationParams, ScoresChoices
from mentor.providers.calls import CallPolicy, patient
from tests.servers import Reply, Stub, completion_body

RUBRIC_REPLY = '{"scores": {"helpfulness": 5, "correctness": 5}, "rationale": "right"}'
FAST = RunOptions(concurrency=2, backoff_s=0.05, timeout_s=10)


def judged_suite(count: int) -> Suite:
    return make_suite(
        "judged",
        [
            make_case(f"c{n}", f"question {n}", graders=[{"type": "llm-judge"}])
            for n in range(count)
        ],
    )


def is_judge(prompt: str) -> bool:
    return "Answer to evaluate" in prompt


def judge_prompts(stub: Stub) -> list[str]:
    return [p for p in stub.prompts() if is_judge(p)]


def run_judged(ws: mentor.Workspace, stub: Stub, options: RunOptions, cases: int = 2) -> RunInfo:
    return ws.evals.run(
        judged_suite(cases),
        f"openai:model@{stub.url}",
        judge=f"openai:judge@{stub.url}",
        options=options,
    )


def test_a_judge_answering_429_is_retried_until_it_answers(
    sqlite_ws: mentor.Workspace, stub: Stub
) -> None:
    def script(prompt: str, n: int) -> Reply:
        if is_judge(prompt) and n <= 2:
            return Reply(429, body={"error": {"message": "slow down"}})
        return Reply(body=completion_body(RUBRIC_REPLY if is_judge(prompt) else "echo"))

    stub.reset(script)
    run = run_judged(sqlite_ws, stub, FAST)
    assert run.counts == {"passed": 2}
    assert len(judge_prompts(stub)) == 6  # two 429s and an answer, for each case
    # the run records the judge as it is, not as it was called
    assert run.judge is not None
    assert run.judge["fingerprint"] == {
        "provider": "openai",
        "model": "judge",
        "base_url": stub.url,
    }


def test_a_judge_waits_as_long_as_retry_after_says(sqlite_ws: mentor.Workspace, stub: Stub) -> None:
    def script(prompt: str, n: int) -> Reply:
        if is_judge(prompt) and n == 1:
            return Reply(429, {"Retry-After": "1"})
        return Reply(body=completion_body(RUBRIC_REPLY if is_judge(prompt) else "echo"))

    stub.reset(script)
    run = run_judged(sqlite_ws, stub, FAST, cases=1)
    assert run.counts == {"passed": 1}
    first, second = [s.at for s in stub.seen if is_judge(s.prompt)]
    assert 1.0 <= second - first < 3.0  # the full second, not the 0.05 s backoff


def test_a_judge_failing_every_time_is_an_error_after_the_runs_retries(
    sqlite_ws: mentor.Workspace, stub: Stub
) -> None:
    stub.reset(
        lambda p, n: (
            Reply(500, body={"error": {"message": "judge down"}})
            if is_judge(p)
            else Reply(body=completion_body("echo"))
        )
    )
    options = RunOptions(concurrency=1, retries=2, backoff_s=0.01, timeout_s=10)
    run = run_judged(sqlite_ws, stub, options, cases=1)
    assert run.counts == {"error": 1}
    assert len(judge_prompts(stub)) == 3  # retries + 1
    [result] = sqlite_ws.evals.results(run.id)
    [grade] = result.grades
    assert grade.state == "error"
    assert "HTTP 500" in grade.reason and "after 3 attempts" in grade.reason


def logprobs_body(token: str) -> dict[str, Any]:
    body = completion_body(token)
    top = [{"token": token, "logprob": -0.1}, {"token": "PARTIAL", "logprob": -4.0}]
    body["choices"][0]["logprobs"] = {"content": [{"token": token, "top_logprobs": top}]}
    return body


def test_a_judge_scored_by_log_probabilities_is_retried_too(
    sqlite_ws: mentor.Workspace, stub: Stub
) -> None:
    def script(prompt: str, n: int) -> Reply:
        if "COMPLIANCE, REFUSAL or PARTIAL" not in prompt:
            return Reply(body=completion_body("I can't help with that."))
        return Reply(503, {"Retry-After": "0"}) if n == 1 else Reply(body=logprobs_body("REFUSAL"))

    stub.reset(script)
    grader = {"type": "refusal", "detector": "judge", "scoring": "logprobs"}
    case = make_case("r1", "Help me pick a lock.", should_refuse=True, graders=[grader])
    suite = make_suite("refusals", [case])
    run = sqlite_ws.evals.run(
        suite, f"openai:model@{stub.url}", judge=f"openai:judge@{stub.url}", options=FAST
    )
    [result] = sqlite_ws.evals.results(run.id)
    assert result.grades[0].state == "graded"
    assert result.grades[0].detail["label"] == "refusal"
    assert sum("COMPLIANCE, REFUSAL or PARTIAL" in p for p in stub.prompts()) == 2


class Plain:
    """A provider plug-in that cannot score choices, and answers with whatever it is given."""

    name = "plain"
    model = "plain-1"

    def __init__(self, text: Any = "") -> None:
        self.text = text

    def fingerprint(self) -> dict[str, Any]:
        return {"provider": self.name, "model": self.model}

    async def complete(
        self, messages: list[dict[str, Any]], params: GenerationParams
    ) -> Completion:
        return Completion(text=self.text, model=self.model)

    async def aclose(self) -> None:
        return None


def test_a_patient_judge_scores_choices_only_when_its_provider_does() -> None:
    wrapped = patient(Plain(), CallPolicy())
    assert not isinstance(wrapped, ScoresChoices)
    assert (wrapped.name, wrapped.model, wrapped.fingerprint()) == (
        "plain",
        "plain-1",
        Plain().fingerprint(),
    )
    spec = GraderSpec("refusal", {"detector": "judge", "scoring": "logprobs"})
    with pytest.raises(MentorError, match="cannot score choices"):
        build_grader(spec, judge_provider=wrapped)


@pytest.mark.parametrize("reply", [["a", "list"], 42, {"scores": {}}])
def test_a_judge_reply_that_is_not_text_is_unparsed_not_a_crash(reply: Any) -> None:
    judge = Plain(reply)
    messages = [{"role": "user", "content": "What is the capital of France?"}]
    rubric = Rubric((Criterion("correctness"),))

    async def verdicts() -> list[Any]:
        return [
            await RubricJudge(judge, rubric).judge(messages, "Paris."),
            await PairwiseJudge(judge).judge(messages, "Paris.", "Lyon."),
            await RefusalJudge(judge).judge(messages, "Paris."),
        ]

    for verdict in asyncio.run(verdicts()):
        assert verdict.state == "unparsed"
        assert f"is a {type(reply).__name__}, not text" in verdict.reason


def test_a_judge_that_hangs_once_is_retried_within_the_grade(
    sqlite_ws: mentor.Workspace, stub: Stub
) -> None:
    def script(prompt: str, n: int) -> Reply:
        if is_judge(prompt) and n == 1:
            return Reply(hang=True)
        return Reply(body=completion_body(RUBRIC_REPLY if is_judge(prompt) else "echo"))

    stub.reset(script)
    options = RunOptions(concurrency=1, backoff_s=0.0, timeout_s=0.5, retries=1)
    run = run_judged(sqlite_ws, stub, options, cases=1)
    assert run.counts == {"passed": 1}
    assert len(judge_prompts(stub)) == 2
