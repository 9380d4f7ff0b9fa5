"""Every built-in grader passes what it should and fails what it should, built from suite specs."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mentor.errors import InputError
from mentor.evals.cases import Case, GraderSpec
from mentor.evals.graders import build_grader, describe_graders, registered
from mentor.evals.grades import Grade
from mentor.providers.base import Completion


def case(**fields: Any) -> Case:
    return Case(id="c1", messages=({"role": "user", "content": "q"},), **fields)


def grade(spec: dict[str, Any], text: str, **case_fields: Any) -> Grade:
    params = dict(spec)
    kind = params.pop("type")
    grader = build_grader(GraderSpec(kind, params))
    return asyncio.run(grader.grade(case(**case_fields), Completion(text=text, model="m")))


CASES = [
    # (spec, output, case fields, expected passed)
    ({"type": "exact"}, "  Canberra \n", {"reference": "Canberra"}, True),
    ({"type": "exact"}, "canberra", {"reference": "Canberra"}, False),
    ({"type": "normalized"}, "The Canberra!", {"reference": "canberra"}, True),
    ({"type": "normalised", "value": "Paris"}, "Lyon", {}, False),
    ({"type": "contains"}, "It is Canberra, of course.", {"reference": "canberra"}, True),
    ({"type": "contains", "values": ["a", "zzz"]}, "banana", {}, False),
    ({"type": "contains", "values": ["zzz", "nan"], "all": False}, "banana", {}, True),
    ({"type": "contains", "values": ["Banana"], "case_sensitive": True}, "banana", {}, False),
    ({"type": "not-contains", "values": ["password"]}, "Here you go.", {}, True),
    ({"type": "not-contains", "values": ["password"]}, "The PASSWORD is x", {}, False),
    ({"type": "regex", "pattern": r"\bAu\b"}, "The symbol is Au.", {}, True),
    ({"type": "regex", "pattern": r"^\d+$", "match": "full"}, "42 apples", {}, False),
    ({"type": "regex", "pattern": "sun", "flags": "i", "negate": True}, "SUNNY", {}, False),
    ({"type": "json"}, '```json\n{"a": 1}\n```', {}, True),
    ({"type": "json", "allow_fence": False}, '```json\n{"a": 1}\n```', {}, False),
    ({"type": "json"}, "{'a': 1}", {}, False),
    (
        {"type": "json-schema", "schema": {"type": "object", "required": ["age"]}},
        '{"age": 3}',
        {},
        True,
    ),
    (
        {"type": "json-schema", "schema": {"type": "object", "required": ["age"]}},
        '{"name": "x"}',
        {},
        False,
    ),
    ({"type": "numeric"}, "The answer is 42.", {"reference": "42"}, True),
    ({"type": "numeric"}, "17 + 25 = 43", {"reference": "42"}, False),
    ({"type": "numeric", "abs_tol": 0.01}, "about 3.14159", {"reference": "3.14"}, True),
    ({"type": "numeric", "rel_tol": 0.01}, "299,792 km/s", {"reference": "300000"}, True),
    ({"type": "numeric", "value": 9, "pick": "first"}, "9 then 10", {}, True),
    ({"type": "numeric"}, "no digits here", {"reference": "1"}, False),
    ({"type": "length", "max_words": 5}, "one two three", {}, True),
    ({"type": "length", "max_words": 2, "min_chars": 1}, "one two three", {}, False),
    ({"type": "length", "max_sentences": 1}, "One. Two.", {}, False),
    ({"type": "format", "kind": "single-line"}, "just one line", {}, True),
    ({"type": "format", "kind": "single-line"}, "two\nlines", {}, False),
    ({"type": "format", "kind": "bullets", "min_items": 2}, "- a\n- b\n", {}, True),
    ({"type": "format", "kind": "numbered", "min_items": 3}, "1. a\n2. b", {}, False),
    ({"type": "format", "kind": "lowercase"}, "hello world", {}, True),
    ({"type": "format", "kind": "uppercase"}, "Hello", {}, False),
    ({"type": "format", "kind": "starts-with", "value": "Yes"}, "Yes, it is.", {}, True),
    ({"type": "format", "kind": "ends-with", "value": "?"}, "Done.", {}, False),
    (
        {"type": "groundedness"},
        "The lighthouse was automated in 1962. It is 31 metres tall.",
        {"context": "The lighthouse is 31 metres tall and was automated in 1962."},
        True,
    ),
    (
        {"type": "groundedness"},
        "The lighthouse was automated in 1975 by robots from Mars.",
        {"context": "The lighthouse is 31 metres tall and was automated in 1962."},
        False,
    ),
]


@pytest.mark.parametrize(("spec", "text", "fields", "passed"), CASES)
def test_builtin_grader(
    spec: dict[str, Any], text: str, fields: dict[str, Any], passed: bool
) -> None:
    g = grade(spec, text, **fields)
    assert g.state == "graded", g.reason
    assert g.passed is passed, g.reason
    assert g.score is not None and 0.0 <= g.score <= 1.0
    assert g.grader == spec["type"]


def test_failures_say_why() -> None:
    assert "missing 'zzz'" in grade({"type": "contains", "values": ["zzz"]}, "abc").reason
    bad = grade(
        {"type": "json-schema", "schema": {"properties": {"age": {"type": "integer"}}}},
        '{"age": "three"}',
    )
    assert bad.reason.startswith("age:") and "integer" in bad.reason
    num = grade({"type": "numeric"}, "43", reference="42")
    assert "1 from 42" in num.reason


def test_graders_without_what_they_need_are_skipped_not_failed() -> None:
    assert grade({"type": "exact"}, "x").state == "skipped"
    assert grade({"type": "groundedness"}, "x y z").state == "skipped"
    assert grade({"type": "refusal"}, "I can't help with that.").state == "skipped"


def test_named_grader_labels_its_grades() -> None:
    grader = build_grader(GraderSpec("contains", {"value": "x"}, name="mentions-x"))
    g = asyncio.run(grader.grade(case(), Completion(text="x", model="m")))
    assert g.grader == "mentions-x"


@pytest.mark.parametrize(
    ("spec", "field", "words"),
    [
        (GraderSpec("no-such-grader"), "type", "unknown grader 'no-such-grader'"),
        (GraderSpec("contains", {"valu": "x"}), "valu", "has no parameter 'valu'"),
        (GraderSpec("regex", {"pattern": "("}), "pattern", "not a valid regular expression"),
        (GraderSpec("json-schema", {"schema": {"type": 5}}), "schema", "not a valid JSON Schema"),
        (GraderSpec("format", {"kind": "haiku"}), "kind", "expected one of"),
        (GraderSpec("llm-judge"), "judge", "needs a judge model"),
        (GraderSpec("python", {"function": "no_such_mod:f"}), "function", "cannot import"),
    ],
)
def test_bad_grader_specs_name_the_field(spec: GraderSpec, field: str, words: str) -> None:
    with pytest.raises(InputError) as exc:
        build_grader(spec)
    assert exc.value.field == field
    assert words in str(exc.value)


def answer_length(case: Case, output: Completion, limit: int = 5) -> tuple[bool, str]:
    """A custom grader used by the tests below (dotted path tests.evals.test_graders:...)."""
    n = len(output.text.split())
    return n <= limit, f"{n} words"


async def async_score(case: Case, output: Completion) -> float:
    return 0.25


def broken(case: Case, output: Completion) -> bool:
    raise RuntimeError("boom")


def test_python_grader_by_dotted_path() -> None:
    path = "tests.evals.test_graders:answer_length"
    ok = grade({"type": "python", "function": path, "limit": 3}, "a b c")
    bad = grade({"type": "python", "function": path, "limit": 2}, "a b c")
    assert (ok.passed, bad.passed, bad.reason) == (True, False, "3 words")
    scored = grade({"type": "python", "function": "tests.evals.test_graders:async_score"}, "x")
    assert (scored.passed, scored.score) == (False, 0.25)
    err = grade({"type": "python", "function": "tests.evals.test_graders:broken"}, "x")
    assert err.state == "error" and err.passed is None and "boom" in err.reason


def test_builtins_are_registered_like_entry_points() -> None:
    names = registered()
    for kind in ("exact", "contains", "json-schema", "numeric", "refusal", "llm-judge", "python"):
        assert names[kind].group == "mentor.graders"
    infos = {i.name: i for i in describe_graders()}
    assert infos["numeric"].error is None
    assert "abs_tol" in infos["numeric"].params


class ShoutGrader:
    """A third-party grader, registered through the entry-point group below."""

    version = "3"

    def __init__(self, name: str = "shout") -> None:
        self.name = name

    async def grade(self, case: Case, output: Completion) -> Grade:
        ok = output.text.isupper()
        return Grade(self.name, "graded", ok, float(ok), "", {}, self.version)


def test_third_party_grader_from_the_entry_point_group(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.metadata import EntryPoint

    from mentor import plugins

    ep = EntryPoint("shout", "tests.evals.test_graders:ShoutGrader", "mentor.graders")
    monkeypatch.setattr(
        plugins, "entry_points", lambda group: [ep] if group == "mentor.graders" else []
    )
    assert grade({"type": "shout"}, "HELLO").passed is True
    assert grade({"type": "shout"}, "hello").passed is False
    assert registered()["exact"].value.startswith("mentor.")  # built-ins win a name clash
