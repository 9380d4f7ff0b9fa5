"""Judges scored by the probabilities of the choice tokens: the real bundled SmolLM2 in-process
and over real HTTP (`mentor eval serve-model`), and a stub endpoint for the faults."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import mentor
from mentor.errors import ConfigError, InputError
from mentor.evals import RunOptions, make_case, make_suite
from mentor.evals.cases import Case, GraderSpec
from mentor.evals.graders import build_grader
from mentor.evals.grades import Grade
from mentor.providers.base import Completion, GenerationParams, ScoresChoices
from mentor.providers.errors import ProviderError
from mentor.providers.local import SmolLM2Provider
from mentor.providers.openai_compat import OpenAIProvider
from tests.servers import Reply, Stub, completion_body

PARAMS = GenerationParams(max_tokens=1)
CASE = Case(
    "capital",
    ({"role": "user", "content": "What is the capital of France?"},),
    reference="The capital of France is Paris.",
)
ASK_B = [{"role": "user", "content": "Reply with the letter B and nothing else."}]


@pytest.fixture(scope="module")
def smollm2() -> Iterator[SmolLM2Provider]:
    """The bundled model in this process (loaded once per process by `load_model`)."""
    yield SmolLM2Provider()


async def agrade(kind: str, judge: Any, text: str, **params: Any) -> Grade:
    grader = build_grader(GraderSpec(kind, params), judge_provider=judge)
    return await grader.grade(CASE, Completion(text=text, model="candidate"))


def grade(kind: str, judge: Any, text: str, **params: Any) -> Grade:
    """A grade from a fresh event loop; an HTTP judge is closed in the same loop."""

    async def run() -> Grade:
        try:
            return await agrade(kind, judge, text, **params)
        finally:
            await judge.aclose()

    return asyncio.run(run())


def test_local_choice_probabilities_are_normalised_and_match_what_the_model_says(
    smollm2: SmolLM2Provider,
) -> None:
    ask = [{"role": "user", "content": "What is 2+2? Reply with one digit."}]
    digits = [str(d) for d in range(1, 10)]

    async def both() -> tuple[dict[str, float], str]:
        probs = await smollm2.choice_probabilities(ask, digits, PARAMS)
        return probs, (await smollm2.complete(ask, PARAMS)).text

    probs, said = asyncio.run(both())
    assert list(probs) == digits and math.isclose(sum(probs.values()), 1.0, abs_tol=1e-9)
    assert all(0.0 < p < 1.0 for p in probs.values())
    # The greedy reply's first token is the most probable choice (SmolLM2 says "2", not "4").
    assert max(probs, key=probs.__getitem__) == said.strip()
    with pytest.raises(ConfigError, match="distinct tokens"):
        asyncio.run(smollm2.choice_probabilities(ask, ["1", "10"], PARAMS))


def test_parse_judge_stays_unparsed_where_logprob_judge_answers(
    sqlite_ws: mentor.Workspace, stub: Stub, smollm2: SmolLM2Provider
) -> None:
    """One suite, two pairwise graders on the same SmolLM2 judge: parsing and log-probs."""
    stub.reset(lambda _p, _n: Reply(body=completion_body("Paris is the capital of France.")))
    graders = [
        {"type": "pairwise", "name": "parsed", "scoring": "parse"},
        {"type": "pairwise", "name": "by-logprobs", "scoring": "logprobs"},
    ]
    suite = make_suite(
        "logprob-judge",
        [
            make_case(
                "capital", CASE.messages[0]["content"], reference=CASE.reference, graders=graders
            )
        ],
    )
    options = RunOptions(concurrency=1, timeout_s=600)
    run = sqlite_ws.evals.run(
        suite, f"openai:stub-model@{stub.url}", judge=smollm2, options=options
    )
    (result,) = sqlite_ws.evals.results(run.id)
    by_name = {g.grader: g for g in result.grades}
    parsed, scored = by_name["parsed"], by_name["by-logprobs"]
    assert parsed.state == "unparsed" and parsed.passed is None  # its own state, not a fail
    assert scored.state == "graded", scored.reason
    assert scored.detail["winner"] in ("a", "b", "tie")
    p_fwd, p_bwd = scored.detail["p_a_forward"], scored.detail["p_a_backward"]
    assert 0.0 < p_fwd < 1.0 and 0.0 < p_bwd < 1.0
    assert scored.score == pytest.approx((p_fwd + p_bwd) / 2)


def test_rubric_by_logprobs_gives_expected_scores_on_the_scale(smollm2: SmolLM2Provider) -> None:
    g = grade("llm-judge", smollm2, "Paris.", criteria=["correctness"], scoring="logprobs")
    assert g.state == "graded", g.reason
    probs = g.detail["probabilities"]["correctness"]
    assert set(probs) == {"1", "2", "3", "4", "5"}
    assert math.isclose(sum(probs.values()), 1.0, abs_tol=1e-9)
    expected = sum(int(k) * p for k, p in probs.items())
    assert g.detail["scores"]["correctness"] == pytest.approx(expected)
    assert g.score == pytest.approx((expected - 1) / 4)
    assert g.passed is ((expected - 1) / 4 >= 0.6)


def test_over_http_the_server_returns_first_token_logprobs(
    model_server: str, smollm2: SmolLM2Provider
) -> None:
    body = {"messages": ASK_B, "max_tokens": 1}
    plain = httpx.post(f"{model_server}/chat/completions", json=body, timeout=120).json()
    assert "logprobs" not in plain["choices"][0]  # unchanged when not asked
    asked = httpx.post(
        f"{model_server}/chat/completions",
        json={**body, "logprobs": True, "top_logprobs": 5},
        timeout=120,
    ).json()
    (first,) = asked["choices"][0]["logprobs"]["content"]
    top = first["top_logprobs"]
    assert len(top) == 5 and [t["logprob"] for t in top] == sorted(
        (t["logprob"] for t in top), reverse=True
    )
    assert first["token"] == asked["choices"][0]["message"]["content"]  # greedy: the top one
    assert first["token"] == top[0]["token"]

    async def both() -> tuple[dict[str, float], dict[str, float]]:
        remote = OpenAIProvider("smollm2", model_server)
        try:
            over_http = await remote.choice_probabilities(ASK_B, ["A", "B"], PARAMS)
        finally:
            await remote.aclose()
        return over_http, await smollm2.choice_probabilities(ASK_B, ["A", "B"], PARAMS)

    over_http, in_process = asyncio.run(both())
    assert math.isclose(sum(over_http.values()), 1.0, abs_tol=1e-9)
    assert over_http["B"] == pytest.approx(in_process["B"], abs=0.02)  # same model, same answer


def test_pairwise_by_logprobs_over_http_is_graded(model_server: str) -> None:
    g = grade("pairwise", OpenAIProvider("smollm2", model_server), "Lyon.", scoring="logprobs")
    assert g.state == "graded", g.reason
    assert g.score == pytest.approx((g.detail["p_a_forward"] + g.detail["p_a_backward"]) / 2)


def _top(*pairs: tuple[str, float]) -> dict[str, Any]:
    body = completion_body(pairs[0][0] if pairs else "")
    entries = [{"token": t, "logprob": math.log(p), "bytes": []} for t, p in pairs]
    body["choices"][0]["logprobs"] = {"content": [{**entries[0], "top_logprobs": entries}]}
    return body


def test_endpoint_logprobs_are_matched_and_renormalised(stub: Stub) -> None:
    stub.reset(lambda _p, _n: Reply(body=_top(("A", 0.3), (" a", 0.1), ("B", 0.2), ("C", 0.4))))

    async def ask() -> dict[str, float]:
        judge = OpenAIProvider("stub-model", stub.url)
        try:
            return await judge.choice_probabilities(ASK_B, ["A", "B"], PARAMS)
        finally:
            await judge.aclose()

    probs = asyncio.run(ask())
    assert probs == pytest.approx({"A": 0.4 / 0.6, "B": 0.2 / 0.6})
    sent = stub.seen[0].body
    assert (sent["max_tokens"], sent["logprobs"], sent["top_logprobs"]) == (1, True, 20)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (completion_body("A"), "returned no log-probabilities"),
        (_top(("Sure", 0.6), ("I", 0.3)), "none of the choices A, B"),
    ],
)
def test_endpoint_without_usable_logprobs_is_a_clear_error(
    stub: Stub, body: dict[str, Any], why: str
) -> None:
    stub.reset(lambda _p, _n: Reply(body=body))

    async def ask() -> Grade:
        judge = OpenAIProvider("stub-model", stub.url)
        try:
            with pytest.raises(ProviderError, match=why):
                await judge.choice_probabilities(ASK_B, ["A", "B"], PARAMS)
            return await agrade("pairwise", judge, "Lyon.", scoring="logprobs")
        finally:
            await judge.aclose()

    g = asyncio.run(ask())
    assert (g.state, g.passed, g.score) == ("error", None, None)  # no made-up verdict
    assert why in g.reason


class TextOnly:
    """A provider that can only complete text (like a command or a replay)."""

    name = "text-only"
    model = "m"

    def fingerprint(self) -> dict[str, Any]:
        return {"provider": self.name}

    async def complete(
        self, messages: list[dict[str, Any]], params: GenerationParams
    ) -> Completion:
        return Completion(text="{}", model=self.model)

    async def aclose(self) -> None:
        return None


def test_bad_scoring_parameters_are_input_errors(stub: Stub) -> None:
    assert not isinstance(TextOnly(), ScoresChoices)
    with pytest.raises(InputError, match="cannot score choices by log-probabilities"):
        build_grader(GraderSpec("pairwise", {"scoring": "logprobs"}), judge_provider=TextOnly())
    judge = OpenAIProvider("stub-model", stub.url)
    with pytest.raises(InputError, match="expected parse or logprobs"):
        build_grader(GraderSpec("llm-judge", {"scoring": "probs"}), judge_provider=judge)
    with pytest.raises(InputError, match=r"within 0\.\.9"):
        build_grader(
            GraderSpec("llm-judge", {"scoring": "logprobs", "scale": [1, 10]}), judge_provider=judge
        )
    with pytest.raises(InputError, match="tie_margin"):
        build_grader(
            GraderSpec("pairwise", {"scoring": "logprobs", "tie_margin": 0.5}), judge_provider=judge
        )
