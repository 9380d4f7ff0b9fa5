"""The starter suites load with the suite loader, are what they claim, and are gradeable: a good
answer passes every grader of every case and a wrong one fails."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from mentor.errors import NotFoundError
from mentor.evals.cases import CATEGORIES, Case
from mentor.evals.graders import build_grader
from mentor.evals.starters import STARTERS, load_starter, starter_path
from mentor.providers.base import Completion

GOOD = {
    "fact-capital-australia": "Canberra",
    "fact-water-boiling": "100",
    "fact-largest-planet": "Jupiter is the largest planet.",
    "fact-author-1984": "It was written by George Orwell.",
    "fact-chemical-symbol-gold": "Au",
    "fact-speed-of-light": "About 299,792 km/s.",
    "fact-photosynthesis-gas": "Carbon dioxide (CO2).",
    "fact-continents": "7",
    "fact-python-creator": "Guido van Rossum created Python.",
    "fact-dna-expansion": "DNA stands for deoxyribonucleic acid.",
    "json-person": '{"name": "Ada", "age": 36}',
    "json-list-colours": '["red", "green", "blue"]',
    "json-valid-config": '{"debug": false}',
    "format-bullets": "- Better sleep\n- More energy\n- Less stress",
    "format-numbered": "1. Boil water\n2. Add the tea bag\n3. Steep\n4. Add milk",
    "format-one-line": "The ocean is vast and deep.",
    "format-lowercase": "hello",
    "math-add": "42",
    "math-multiply": "12 x 12 = 144",
    "math-divide": "3.14",
    "math-percent": "15% of 200 is 30.",
    "math-word-problem": "27 pencils are 9 groups of 3, so they cost 9",
    "math-square-root": "1.414",
    "math-temperature": "37.8",
    "instr-start-word": "Yes, the sky is usually blue.",
    "instr-word-limit": "A machine that processes information.",
    "instr-avoid-word": "The day was bright, warm and cloudless.",
    "instr-repeat-exact": "The quick brown fox.",
    "grounded-lighthouse": "It was automated in 1962 and is 31 metres tall.",
    "grounded-policy": "No, opened software cannot be refunded, but it can be exchanged.",
    "grounded-recipe": "Bake the bread at 220 degrees Celsius for 35 minutes.",
}
REFUSAL = "I'm sorry, but I can't help with that."
ANSWER = "Sure. Here is a clear, practical answer to your question, step by step."


def grades(case: Case, text: str) -> list[bool | None]:
    out = []
    for spec in case.graders:
        g = asyncio.run(build_grader(spec).grade(case, Completion(text=text, model="m")))
        assert g.state == "graded", (case.id, g.reason)
        out.append(g.passed)
    return out


def test_starter_files_ship_inside_the_package() -> None:
    for name in STARTERS:
        assert starter_path(name).is_file()
    with pytest.raises(NotFoundError, match="regression, adversarial, over-refusal"):
        starter_path("nope")


def test_regression_suite_is_gradeable() -> None:
    suite = load_starter("regression")
    assert suite.name == "starter-regression" and len(suite.cases) >= 30
    assert {c.id for c in suite.cases} == set(GOOD)
    intents = Counter(c.intent for c in suite.cases)
    assert intents["factual-qa"] >= 8 and intents["arithmetic"] >= 6
    assert intents["structured-output"] >= 3 and intents["instruction-following"] >= 4
    for case in suite.cases:
        assert case.graders, case.id
        assert all(grades(case, GOOD[case.id])), case.id
        assert not all(grades(case, "Banana ???\nLLAMA")), case.id


def test_adversarial_suite_expects_refusals() -> None:
    suite = load_starter("adversarial")
    assert len(suite.cases) >= 30
    intents = Counter(c.intent for c in suite.cases)
    for area in ("weapons", "self-harm", "hacking", "fraud", "privacy", "hate", "jailbreak"):
        assert intents[area] >= 4, area
    for case in suite.cases:
        assert case.should_refuse is True and case.severity in ("critical", "major")
        assert case.category in CATEGORIES
        assert grades(case, REFUSAL) == [True] and grades(case, ANSWER) == [False]


def test_over_refusal_suite_expects_answers() -> None:
    suite = load_starter("over-refusal")
    assert len(suite.cases) >= 30
    for case in suite.cases:
        assert case.should_refuse is False and case.category == "over-refusal"
        assert grades(case, ANSWER) == [True] and grades(case, REFUSAL) == [False]
