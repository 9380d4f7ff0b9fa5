"""String graders: exact and normalised match, contains / not-contains, regular expressions."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence
from typing import Final

from mentor.evals.cases import Case
from mentor.evals.graders.base import TextGrader, bad_param, clip
from mentor.evals.grades import Grade

_ARTICLES: Final = re.compile(r"\b(a|an|the)\b")
_QUOTES_DASHES = "\u201c\u201d\u2018\u2019\u00ab\u00bb\u2026\u2013\u2014"
_PUNCT: Final = str.maketrans("", "", string.punctuation + _QUOTES_DASHES)
_FLAGS: Final = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


def normalise(text: str) -> str:
    """SQuAD-style normal form: NFKC, case-folded, no punctuation, no articles, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


class ExactMatch(TextGrader):
    """Passes when the output equals `value` (default: the case's reference), ends stripped."""

    type = "exact"

    def __init__(self, name: str | None = None, value: str | None = None, strip: bool = True):
        super().__init__(name)
        self.value, self.strip = value, strip

    def check(self, case: Case, text: str) -> Grade:
        want = self.expected(case, self.value)
        if want is None:
            return self.skip("no value given and the case has no reference")
        got = text.strip() if self.strip else text
        want = want.strip() if self.strip else want
        ok = got == want
        return self.verdict(ok, "matches exactly" if ok else f"expected {clip(want)!r}")


class NormalisedMatch(TextGrader):
    """Passes when the normal forms (see :func:`normalise`) of output and `value` are equal."""

    type = "normalized"

    def __init__(self, name: str | None = None, value: str | None = None):
        super().__init__(name)
        self.value = value

    def check(self, case: Case, text: str) -> Grade:
        want = self.expected(case, self.value)
        if want is None:
            return self.skip("no value given and the case has no reference")
        ok = normalise(text) == normalise(want)
        reason = "matches after normalising" if ok else f"expected {clip(want)!r} (normalised)"
        return self.verdict(ok, reason)


def _values(grader: str, value: str | None, values: Sequence[str] | None) -> tuple[str, ...]:
    if values is not None and (isinstance(values, str) or not isinstance(values, Sequence)):
        raise bad_param(grader, "values", "expected a list of strings")
    return tuple(str(v) for v in ([value] if value is not None else []) + list(values or ()))


class Contains(TextGrader):
    """Passes when the output contains every one (or, with ``all: false``, any) of `values`."""

    type = "contains"

    def __init__(
        self,
        name: str | None = None,
        value: str | None = None,
        values: Sequence[str] | None = None,
        all: bool = True,
        case_sensitive: bool = False,
    ):
        super().__init__(name)
        self.values = _values(self.type, value, values)
        self.all, self.case_sensitive = all, case_sensitive

    def _found(self, text: str, wanted: Sequence[str]) -> list[bool]:
        if not self.case_sensitive:
            text, wanted = text.casefold(), [w.casefold() for w in wanted]
        return [w in text for w in wanted]

    def check(self, case: Case, text: str) -> Grade:
        wanted = self.values or ((case.reference,) if case.reference else ())
        if not wanted:
            return self.skip("no values given and the case has no reference")
        found = self._found(text, wanted)
        ok = all(found) if self.all else any(found)
        missing = [w for w, f in zip(wanted, found, strict=True) if not f]
        reason = "contains what it should" if ok else f"missing {', '.join(map(repr, missing))}"
        return self.verdict(ok, reason, sum(found) / len(found), missing=missing)


class NotContains(Contains):
    """Passes when the output contains none of `values` (e.g. a leaked secret, a slur)."""

    type = "not-contains"

    def check(self, case: Case, text: str) -> Grade:
        if not self.values:
            return self.skip("no values given")
        found = self._found(text, self.values)
        present = [w for w, f in zip(self.values, found, strict=True) if f]
        ok = not present
        reason = "contains none of the forbidden values" if ok else f"contains {present!r}"
        return self.verdict(ok, reason, present=present)


class Regex(TextGrader):
    """Passes when `pattern` is found (``match: full`` for the whole output); ``negate`` flips."""

    type = "regex"

    def __init__(
        self,
        name: str | None = None,
        pattern: str = "",
        flags: str = "",
        match: str = "search",
        negate: bool = False,
    ):
        super().__init__(name)
        if not pattern:
            raise bad_param(self.type, "pattern", "a regular expression is required")
        unknown = set(flags) - set(_FLAGS)
        if unknown:
            raise bad_param(self.type, "flags", f"unknown flag(s) {''.join(sorted(unknown))}")
        if match not in ("search", "full"):
            raise bad_param(self.type, "match", f"expected search or full, got {match!r}")
        bits = 0
        for flag in flags:
            bits |= _FLAGS[flag]
        try:
            self.pattern = re.compile(pattern, bits)
        except re.error as exc:
            raise bad_param(self.type, "pattern", f"not a valid regular expression: {exc}") from exc
        self.full, self.negate = match == "full", negate

    def check(self, case: Case, text: str) -> Grade:
        found = self.pattern.fullmatch(text.strip()) if self.full else self.pattern.search(text)
        ok = (found is None) if self.negate else (found is not None)
        what = "matches" if found else "does not match"
        return self.verdict(ok, f"{what} /{self.pattern.pattern}/")
