"""Graders for structured answers: valid JSON, JSON Schema, a number within a tolerance."""

from __future__ import annotations

import json
import math
import re
from typing import Any, Final

from jsonschema import Draft202012Validator, SchemaError

from mentor.evals.cases import Case
from mentor.evals.graders.base import TextGrader, bad_param, clip
from mentor.evals.grades import Grade

_FENCE: Final = re.compile(r"^\s*```[A-Za-z]*\s*\n(.*?)\n?```\s*$", re.DOTALL)
_NUMBER: Final = re.compile(r"[-+\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+]?\d+)?")


def parse_json(text: str, allow_fence: bool = True) -> Any:
    """The JSON value `text` holds (inside one code fence, if allowed); ValueError otherwise."""
    fenced = _FENCE.match(text) if allow_fence else None
    return json.loads(fenced.group(1) if fenced else text)


class ValidJson(TextGrader):
    """Passes when the whole output is one JSON value (a lone code fence around it is allowed)."""

    type = "json"

    def __init__(self, name: str | None = None, allow_fence: bool = True):
        super().__init__(name)
        self.allow_fence = allow_fence

    def check(self, case: Case, text: str) -> Grade:
        try:
            parse_json(text, self.allow_fence)
        except ValueError as exc:
            return self.verdict(False, f"not valid JSON: {exc}")
        return self.verdict(True, "valid JSON")


class JsonSchema(ValidJson):
    """Passes when the output is JSON that validates against `schema` (JSON Schema 2020-12)."""

    type = "json-schema"

    def __init__(
        self,
        name: str | None = None,
        schema: dict[str, Any] | None = None,
        allow_fence: bool = True,
    ):
        super().__init__(name, allow_fence)
        if not isinstance(schema, dict):
            raise bad_param(self.type, "schema", "a JSON Schema object is required")
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            raise bad_param(self.type, "schema", f"not a valid JSON Schema: {exc.message}") from exc
        self.validator = Draft202012Validator(schema)

    def check(self, case: Case, text: str) -> Grade:
        try:
            value = parse_json(text, self.allow_fence)
        except ValueError as exc:
            return self.verdict(False, f"not valid JSON: {exc}")
        errors = sorted(self.validator.iter_errors(value), key=lambda e: list(e.path))
        if not errors:
            return self.verdict(True, "valid against the schema")
        first = errors[0]
        where = "/".join(str(p) for p in first.path) or "(root)"
        messages = [f"{'/'.join(map(str, e.path)) or '(root)'}: {e.message}" for e in errors]
        return self.verdict(False, f"{where}: {first.message}", errors=messages)


def numbers_in(text: str) -> list[float]:
    """Every number written in `text`, in order (thousands commas and a Unicode minus allowed)."""
    found = []
    for match in _NUMBER.finditer(text):
        token = match.group(0)
        if not any(ch.isdigit() for ch in token):
            continue
        try:
            found.append(float(token.replace(",", "").replace("\u2212", "-")))
        except ValueError:
            continue
    return found


class Numeric(TextGrader):
    """Passes when a number in the output is within tolerance of `value` (default: reference).

    ``pick`` says which number counts: ``last`` (the default: answers end with the result),
    ``first`` or ``any``. Within tolerance means ``|x - value| <= max(abs_tol, rel_tol*|value|)``.
    """

    type = "numeric"

    def __init__(
        self,
        name: str | None = None,
        value: float | str | None = None,
        abs_tol: float = 0.0,
        rel_tol: float = 1e-9,
        pick: str = "last",
    ):
        super().__init__(name)
        if pick not in ("last", "first", "any"):
            raise bad_param(self.type, "pick", f"expected last, first or any, got {pick!r}")
        if abs_tol < 0 or rel_tol < 0:
            raise bad_param(self.type, "abs_tol", "tolerances cannot be negative")
        self.value, self.abs_tol, self.rel_tol, self.pick = value, abs_tol, rel_tol, pick

    def _target(self, case: Case) -> float | None:
        raw = self.value if self.value is not None else case.reference
        if raw is None:
            return None
        if isinstance(raw, int | float):
            return float(raw)
        values = numbers_in(str(raw))
        if len(values) != 1:
            raise bad_param(self.type, "value", f"expected one number, got {clip(str(raw))!r}")
        return values[0]

    def check(self, case: Case, text: str) -> Grade:
        target = self._target(case)
        if target is None:
            return self.skip("no value given and the case has no reference")
        found = numbers_in(text)
        if not found:
            return self.verdict(False, f"no number in the output (expected {target:g})")
        chosen = {"last": found[-1:], "first": found[:1], "any": found}[self.pick]
        tol = max(self.abs_tol, self.rel_tol * abs(target))
        best = min(chosen, key=lambda x: abs(x - target))
        ok = math.isclose(best, target, rel_tol=0.0, abs_tol=tol) or abs(best - target) <= tol
        reason = (
            f"{best:g} is within {tol:g} of {target:g}"
            if ok
            else (f"{best:g} is {abs(best - target):g} from {target:g} (tolerance {tol:g})")
        )
        return self.verdict(ok, reason, found=best, expected=target)
