"""What a grader says about one output: a score, pass/fail, or that it could not judge.

A grade's `state` keeps "could not judge" apart from "failed": an LLM judge whose reply cannot be
parsed gives ``state="unparsed"`` with ``passed=None`` and is counted and reported as such, never
as a silent pass or fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from mentor.evals.cases import Case
from mentor.providers.base import Completion

GradeState = Literal["graded", "unparsed", "error", "skipped"]


@dataclass(frozen=True)
class Grade:
    """One grader's verdict on one output; `score` is in [0, 1] when the grader scores."""

    grader: str
    state: GradeState
    passed: bool | None
    score: float | None = None
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    version: str = "1"


class Grader(Protocol):
    """Judges one case's output. Deterministic graders ignore `await`; judges call a model."""

    name: str
    version: str

    async def grade(self, case: Case, output: Completion) -> Grade: ...
