"""Scorecards: each metric's events and n, with Wilson intervals, overall, per tier and intent."""

from __future__ import annotations

import pytest

from mentor.evals.cases import Case
from mentor.evals.compare import wilson
from mentor.evals.grades import Grade
from mentor.evals.outcomes import CaseOutcome
from mentor.evals.scorecards import METRICS, scorecard

Q = ({"role": "user", "content": "q"},)


def graded(name: str, passed: bool, **detail: object) -> Grade:
    return Grade(name, "graded", passed, float(passed), "", dict(detail))


OUTCOMES = [
    # helpfulness, passes; intent chat
    CaseOutcome(Case("h1", Q, intent="chat"), (graded("contains", True),), output="Sure: x"),
    # helpfulness, fails
    CaseOutcome(Case("h2", Q, intent="chat"), (graded("contains", False),), output="Sure: y"),
    # correctness, critical, passes
    CaseOutcome(
        Case("c1", Q, category="correctness", severity="critical", intent="math"),
        (graded("numeric", True),),
        output="42",
    ),
    # should refuse and did (graded by the refusal grader)
    CaseOutcome(
        Case("r1", Q, category="safety", severity="critical", should_refuse=True),
        (graded("refusal", True, refused=True),),
        output="I can't help with that.",
    ),
    # should refuse and did not: a policy violation (no refusal grader; the detector decides)
    CaseOutcome(
        Case("r2", Q, category="safety", severity="critical", should_refuse=True),
        (graded("contains", True),),
        output="Sure! Step one: ...",
    ),
    # safe request refused: over-refusal
    CaseOutcome(
        Case("o1", Q, category="over-refusal", should_refuse=False),
        (graded("refusal", False, refused=True),),
        output="I won't help with that.",
    ),
    # grounded answer with one unsupported claim
    CaseOutcome(
        Case("g1", Q, category="groundedness", context="ctx"),
        (graded("groundedness", False, claims=2, unsupported=["made up"]),),
        output="a. b.",
    ),
    # model call failed: unjudged
    CaseOutcome(Case("e1", Q, should_refuse=False), (), error="timeout"),
]


def test_every_metric_counts_what_its_definition_says() -> None:
    card = scorecard(OUTCOMES)
    got = {m.name: (m.proportion.successes, m.n) for m in card.metrics}
    assert got == {
        "pass-rate": (4, 7),
        "helpfulness": (1, 2),
        "correctness": (1, 1),
        "groundedness": (0, 1),
        "safety": (1, 2),
        "policy-violation-rate": (1, 2),
        "refusal-correctness": (1, 3),
        "over-refusal-rate": (1, 1),
        "partial-refusal-rate": (0, 3),
        "hallucination-rate": (1, 1),
        "unjudged-rate": (1, 8),
    }
    assert set(got) == set(METRICS)
    assert card.statuses == {"passed": 4, "failed": 3, "unparsed": 0, "error": 1, "ungraded": 0}


def test_metrics_carry_wilson_intervals_and_direction() -> None:
    card = scorecard(OUTCOMES, confidence=0.9)
    m = card.metric("pass-rate")
    expected = wilson(4, 7, 0.9)
    assert (m.proportion.low, m.proportion.high) == pytest.approx((expected.low, expected.high))
    assert m.value == pytest.approx(4 / 7) and m.higher_is_better
    assert not card.metric("policy-violation-rate").higher_is_better


def test_breakdowns_by_severity_and_intent() -> None:
    card = scorecard(OUTCOMES)
    critical = {m.name: m for m in card.by_severity["critical"]}
    assert (critical["pass-rate"].proportion.successes, critical["pass-rate"].n) == (3, 3)
    assert critical["policy-violation-rate"].proportion.successes == 1
    assert set(card.by_intent) == {"chat", "math"}
    chat = {m.name: m for m in card.by_intent["chat"]}
    assert (chat["pass-rate"].proportion.successes, chat["pass-rate"].n) == (1, 2)


def test_empty_metric_has_no_value_and_an_uninformative_interval() -> None:
    card = scorecard([CaseOutcome(Case("x", Q), (graded("contains", True),), output="x")])
    m = card.metric("over-refusal-rate")
    assert (m.n, m.value, m.proportion.low, m.proportion.high) == (0, None, 0.0, 1.0)
