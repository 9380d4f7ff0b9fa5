"""Custom graders in Python: a function named ``module:function`` in a suite.

The function is called as ``function(case, output, **params)`` with the case, the model's
:class:`~mentor.providers.base.Completion` and the suite's other parameters. It may be
async. It returns a :class:`~mentor.evals.grades.Grade`, a bool (passed), a float in [0, 1]
(a score, passed at ``threshold``) or a ``(passed, reason)`` pair.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

from mentor.evals.cases import Case
from mentor.evals.graders.base import bad_param
from mentor.evals.grades import Grade
from mentor.providers.base import Completion


def load_callable(path: str, grader: str = "python") -> Callable[..., Any]:
    """The object at ``module:attribute`` (dots allowed in both), or an InputError saying why."""
    module_name, sep, attr = path.partition(":")
    if not sep or not module_name or not attr:
        raise bad_param(grader, "function", f"expected 'module:function', got {path!r}")
    try:
        target: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise bad_param(grader, "function", f"cannot import {module_name!r}: {exc}") from exc
    for part in attr.split("."):
        if not hasattr(target, part):
            raise bad_param(grader, "function", f"{module_name!r} has no attribute {attr!r}")
        target = getattr(target, part)
    if not callable(target):
        raise bad_param(grader, "function", f"{path!r} is not callable")
    return target  # type: ignore[no-any-return]


class PythonGrader:
    """Runs a Python function as a grader (see the module docstring for its contract)."""

    type = "python"

    def __init__(
        self,
        name: str | None = None,
        function: str = "",
        threshold: float = 0.5,
        version: str = "1",
        **params: Any,
    ):
        self.function = load_callable(function, self.type)
        self.name = name or function.rpartition(":")[2] or self.type
        self.threshold, self.version, self.params = threshold, str(version), params

    async def grade(self, case: Case, output: Completion) -> Grade:
        """Call the function and read what it returned as a grade."""
        try:
            result = self.function(case, output, **self.params)
            if inspect.isawaitable(result):
                result = await result
        except Exception as exc:  # a broken custom grader must not stop the run; it is recorded
            return Grade(self.name, "error", None, None, f"{type(exc).__name__}: {exc}")
        return self._as_grade(result)

    def _as_grade(self, result: Any) -> Grade:
        if isinstance(result, Grade):
            return result
        if isinstance(result, bool):
            return Grade(self.name, "graded", result, float(result), "", {}, self.version)
        if isinstance(result, int | float) and 0.0 <= result <= 1.0:
            ok = result >= self.threshold
            return Grade(self.name, "graded", ok, float(result), "", {}, self.version)
        if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], bool):
            passed, reason = result
            return Grade(self.name, "graded", passed, float(passed), str(reason), {}, self.version)
        return Grade(
            self.name,
            "error",
            None,
            None,
            f"returned {result!r}; expected a Grade, a bool, a score in [0, 1] or (passed, reason)",
        )
