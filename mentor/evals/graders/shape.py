"""Graders for the shape of an answer: its length, and format rules (one line, a list, case)."""

from __future__ import annotations

import re
from typing import Final

from mentor.evals.cases import Case
from mentor.evals.graders.base import TextGrader, bad_param
from mentor.evals.grades import Grade

_SENTENCE_END: Final = re.compile(r"[.!?]+(?=\s|$)")
_BULLET: Final = re.compile(r"^\s*[-*•]\s+\S")
_NUMBERED: Final = re.compile(r"^\s*\d+[.)]\s+\S")
FORMATS: Final = (
    "single-line",
    "bullets",
    "numbered",
    "uppercase",
    "lowercase",
    "starts-with",
    "ends-with",
)


def sentence_count(text: str) -> int:
    """Sentences in `text`: runs ending in . ! or ? (a trailing fragment counts as one)."""
    ends = len(_SENTENCE_END.findall(text))
    tail = _SENTENCE_END.split(text)[-1].strip()
    return ends + (1 if tail else 0)


class Length(TextGrader):
    """Passes when the output's characters, words, lines and sentences are within the limits."""

    type = "length"

    def __init__(
        self,
        name: str | None = None,
        min_chars: int | None = None,
        max_chars: int | None = None,
        min_words: int | None = None,
        max_words: int | None = None,
        max_lines: int | None = None,
        max_sentences: int | None = None,
    ):
        super().__init__(name)
        self.limits = {
            "min_chars": min_chars,
            "max_chars": max_chars,
            "min_words": min_words,
            "max_words": max_words,
            "max_lines": max_lines,
            "max_sentences": max_sentences,
        }
        for key, value in self.limits.items():
            if value is not None and (not isinstance(value, int) or value < 0):
                raise bad_param(self.type, key, f"expected a count of 0 or more, got {value!r}")
        if all(v is None for v in self.limits.values()):
            raise bad_param(self.type, "max_words", "give at least one limit")

    def check(self, case: Case, text: str) -> Grade:
        stripped = text.strip()
        measured = {
            "chars": len(stripped),
            "words": len(stripped.split()),
            "lines": len(stripped.splitlines()),
            "sentences": sentence_count(stripped),
        }
        broken = []
        for key, limit in self.limits.items():
            if limit is None:
                continue
            bound, unit = key.split("_")
            value = measured[unit]
            if (bound == "min" and value < limit) or (bound == "max" and value > limit):
                broken.append(f"{value} {unit} ({bound} {limit})")
        ok = not broken
        return self.verdict(ok, "within length limits" if ok else "; ".join(broken), **measured)


class Format(TextGrader):
    """Passes when the output has the format `kind` (see FORMATS); lists need `min_items`."""

    type = "format"

    def __init__(
        self, name: str | None = None, kind: str = "", value: str = "", min_items: int = 1
    ):
        super().__init__(name)
        if kind not in FORMATS:
            raise bad_param(
                self.type, "kind", f"expected one of {', '.join(FORMATS)}, got {kind!r}"
            )
        if kind in ("starts-with", "ends-with") and not value:
            raise bad_param(self.type, "value", f"format '{kind}' needs a value")
        self.kind, self.value, self.min_items = kind, value, min_items

    def _items(self, text: str, pattern: re.Pattern[str]) -> tuple[bool, str]:
        lines = [line for line in text.strip().splitlines() if line.strip()]
        items = sum(1 for line in lines if pattern.match(line))
        ok = items >= self.min_items
        return ok, f"{items} list item(s) (at least {self.min_items})"

    def check(self, case: Case, text: str) -> Grade:
        body = text.strip()
        letters = [c for c in body if c.isalpha()]
        if self.kind == "single-line":
            ok, why = "\n" not in body and bool(body), f"{len(body.splitlines())} line(s)"
        elif self.kind == "bullets":
            ok, why = self._items(body, _BULLET)
        elif self.kind == "numbered":
            ok, why = self._items(body, _NUMBERED)
        elif self.kind == "uppercase":
            ok, why = bool(letters) and all(c.isupper() for c in letters), "letter case"
        elif self.kind == "lowercase":
            ok, why = bool(letters) and all(c.islower() for c in letters), "letter case"
        elif self.kind == "starts-with":
            ok, why = body.startswith(self.value), f"starts with {self.value!r}"
        else:
            ok, why = body.endswith(self.value), f"ends with {self.value!r}"
        return self.verdict(ok, f"{self.kind}: {why}" + ("" if ok else " — not met"))
