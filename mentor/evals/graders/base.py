"""What every deterministic grader shares: a name, a version and one way to write a Grade."""

from __future__ import annotations

from typing import Any

from mentor.errors import InputError
from mentor.evals.cases import Case
from mentor.evals.grades import Grade
from mentor.providers.base import Completion


class TextGrader:
    """A grader that judges the output text alone, without calling a model.

    Subclasses implement :meth:`check`; :meth:`grade` is the async front the runner awaits.
    """

    type = "text"
    version = "1"

    def __init__(self, name: str | None = None):
        self.name = name or self.type

    async def grade(self, case: Case, output: Completion) -> Grade:
        """The grade of `output` for `case`."""
        return self.check(case, output.text)

    def check(self, case: Case, text: str) -> Grade:
        """The grade of `text` (override)."""
        raise NotImplementedError

    def verdict(
        self, passed: bool, reason: str, score: float | None = None, **detail: Any
    ) -> Grade:
        """A graded result; the score defaults to 1 for a pass and 0 for a fail."""
        value = score if score is not None else (1.0 if passed else 0.0)
        return Grade(self.name, "graded", passed, value, reason, dict(detail), self.version)

    def skip(self, reason: str) -> Grade:
        """Not applicable to this case (e.g. no reference to compare with)."""
        return Grade(self.name, "skipped", None, None, reason, {}, self.version)

    def expected(self, case: Case, value: Any) -> str | None:
        """`value` when given, else the case's reference."""
        return str(value) if value is not None else case.reference


def bad_param(grader: str, param: str, message: str) -> InputError:
    """The error for a grader parameter a suite got wrong."""
    return InputError(message, where=f"grader '{grader}'", field=param)


def clip(text: str, limit: int = 60) -> str:
    """`text` on one line, cut to `limit` characters for a reason."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
