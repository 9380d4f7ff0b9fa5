"""Evaluation cases and suites: what a model is asked, and how its answer is judged.

A :class:`Case` holds OpenAI-style input messages (already rendered from any prompt template), an
optional reference, its intent, severity tier and category, whether the model should refuse, tags
and the graders that judge the output. A :class:`Suite` is a named, versioned list of cases held
in memory; a :class:`CaseSource` is anything that hands out a suite's cases one at a time (a
suite file, a stored suite), so that a run of many cases never holds them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Protocol

import orjson

Severity = Literal["critical", "major", "minor"]
SEVERITIES: Final = ("critical", "major", "minor")
CATEGORIES: Final = (
    "helpfulness",
    "correctness",
    "groundedness",
    "safety",
    "format",
    "refusal",
    "over-refusal",
)
# Ids and labels are stored in their own columns (PostgreSQL text holds no NUL and refuses a
# value longer than its column, which SQLite would keep) and shown in report tables: one line
# of text, no longer than its column in mentor/store/eval_tables.py.
LABEL_LENGTHS: Final = {"id": 500, "category": 100, "intent": 200, "grader": 200, "suite": 200}
_CONTROL: Final = re.compile(r"[\x00-\x1f]")


@dataclass(frozen=True)
class GraderSpec:
    """A grader by name with its parameters, as written in a suite (``{"type": "regex", ...}``)."""

    type: str
    params: dict[str, Any] = field(default_factory=dict)
    name: str | None = None  # how results label it; defaults to `type`

    @property
    def label(self) -> str:
        return self.name or self.type

    @property
    def key(self) -> bytes:
        """The spec's canonical bytes: equal for equal specs (a spec itself is unhashable)."""
        return orjson.dumps([self.type, self.params, self.name], option=orjson.OPT_SORT_KEYS)


@dataclass(frozen=True)
class Case:
    """One evaluation case; `messages` are the model's input, already rendered."""

    id: str
    messages: tuple[dict[str, Any], ...]
    reference: str | None = None
    context: str | None = None  # for groundedness graders
    intent: str | None = None
    severity: Severity = "major"
    category: str = "helpfulness"
    should_refuse: bool | None = None
    tags: tuple[str, ...] = ()
    graders: tuple[GraderSpec, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Suite:
    """A named list of cases; `content_hash` identifies its exact content (the suite version)."""

    name: str
    cases: tuple[Case, ...]
    description: str = ""
    content_hash: str = ""

    @property
    def case_count(self) -> int:
        """How many cases the suite has."""
        return len(self.cases)

    def iter_cases(self) -> Iterator[Case]:
        """The cases in order."""
        return iter(self.cases)

    def grader_uses(self) -> Iterator[tuple[GraderSpec, str]]:
        """Each distinct grader spec with the id of the first case that uses it."""
        return distinct_graders(self.cases)


class CaseSource(Protocol):
    """A suite version whose cases can be read in order, as often as needed, one at a time."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def content_hash(self) -> str: ...

    @property
    def case_count(self) -> int: ...

    def iter_cases(self) -> Iterator[Case]:
        """The cases in order (a fresh pass each call)."""
        ...

    def grader_uses(self) -> Iterator[tuple[GraderSpec, str]]:
        """Each distinct grader spec with the id of the first case that uses it."""
        ...


def distinct_graders(cases: Iterable[Case]) -> Iterator[tuple[GraderSpec, str]]:
    """Each distinct grader spec in `cases` with the id of the first case that uses it."""
    seen: set[bytes] = set()
    for case in cases:
        for spec in case.graders:
            if spec.key not in seen:
                seen.add(spec.key)
                yield spec, case.id


def label_problem(value: str, most: int | None = None) -> str | None:
    """Why `value` cannot be an id or label (a control character, over `most` characters)."""
    bad = _CONTROL.search(value)
    if bad is not None:
        return (
            f"contains a control character (U+{ord(bad.group()):04X}) at character "
            f"{bad.start() + 1}; ids and labels are one line of plain text: remove it"
        )
    if most is not None and len(value) > most:
        return f"is {len(value)} characters long; at most {most} fit: shorten it"
    return None


def case_label_problem(case: Case) -> tuple[tuple[str | int, ...], str] | None:
    """The first id or label of `case` that cannot be stored as one: its field path and why."""
    labels: list[tuple[tuple[str | int, ...], str | None, int | None]] = [
        (("id",), case.id, LABEL_LENGTHS["id"]),
        (("category",), case.category, LABEL_LENGTHS["category"]),
        (("intent",), case.intent, LABEL_LENGTHS["intent"]),
        *((("tags", i), tag, None) for i, tag in enumerate(case.tags)),
        *(
            (("graders", i, "name" if spec.name else "type"), spec.label, LABEL_LENGTHS["grader"])
            for i, spec in enumerate(case.graders)
        ),
    ]
    for place, value, most in labels:
        problem = label_problem(value, most) if value is not None else None
        if problem is not None:
            return place, problem
    return None
