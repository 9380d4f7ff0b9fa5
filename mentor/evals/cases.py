"""Evaluation cases and suites: what a model is asked, and how its answer is judged.

A :class:`Case` holds OpenAI-style input messages (already rendered from any prompt template), an
optional reference, its intent, severity tier and category, whether the model should refuse, tags
and the graders that judge the output. A :class:`Suite` is a named, versioned list of cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

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


@dataclass(frozen=True)
class GraderSpec:
    """A grader by name with its parameters, as written in a suite (``{"type": "regex", ...}``)."""

    type: str
    params: dict[str, Any] = field(default_factory=dict)
    name: str | None = None  # how results label it; defaults to `type`

    @property
    def label(self) -> str:
        return self.name or self.type


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
