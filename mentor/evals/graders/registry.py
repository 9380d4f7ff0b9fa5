"""Grader names and how to build them from a suite's ``{type: ..., ...params}``.

Built-in graders are entry points exactly like third-party ones, which a package declares in
the ``mentor.graders`` group::

    [project.entry-points."mentor.graders"]
    toxicity = "my_package.graders:ToxicityGrader"

The entry point is a callable taking the suite's parameters as keywords (and ``name``,
``judge`` — the judge provider — and ``engine`` — the workspace store — when it has
parameters of those names) that returns a grader:
an object with ``name``, ``version`` and ``async grade(case, output) -> Grade``. A grader is
loaded only when a suite names it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import EntryPoint
from typing import TYPE_CHECKING, Any, Final

from mentor import plugins
from mentor.errors import InputError, MentorError
from mentor.evals.cases import GraderSpec
from mentor.evals.grades import Grader
from mentor.providers.base import Provider

if TYPE_CHECKING:
    from sqlalchemy import Engine

GROUP: Final = "mentor.graders"
BUILTIN: Final = tuple(
    EntryPoint(name, value, GROUP)
    for name, value in (
        ("exact", "mentor.evals.graders.text:ExactMatch"),
        ("normalized", "mentor.evals.graders.text:NormalisedMatch"),
        ("normalised", "mentor.evals.graders.text:NormalisedMatch"),
        ("contains", "mentor.evals.graders.text:Contains"),
        ("not-contains", "mentor.evals.graders.text:NotContains"),
        ("regex", "mentor.evals.graders.text:Regex"),
        ("json", "mentor.evals.graders.structured:ValidJson"),
        ("json-schema", "mentor.evals.graders.structured:JsonSchema"),
        ("numeric", "mentor.evals.graders.structured:Numeric"),
        ("length", "mentor.evals.graders.shape:Length"),
        ("format", "mentor.evals.graders.shape:Format"),
        ("refusal", "mentor.evals.graders.refusal:Refusal"),
        ("groundedness", "mentor.evals.graders.groundedness:Groundedness"),
        # Judges sit above evals: their graders are named by path, as a plug-in's are.
        ("llm-judge", "mentor.judges.graders:RubricGrader"),
        ("pairwise", "mentor.judges.graders:PairwiseGrader"),
        ("python", "mentor.evals.graders.custom:PythonGrader"),
        # A trained reward model: it needs both evals and train, so it lives above them.
        ("reward", "mentor.judges.reward_grader:RewardGrader"),
    )
)
GraderFactory = Callable[..., Any]
INJECTED: Final = ("name", "judge", "engine")  # given by the runner, never by a suite


@dataclass(frozen=True)
class GraderInfo:
    """A registered grader: where it comes from, what it does and its parameters."""

    name: str
    target: str
    summary: str
    params: dict[str, Any]
    error: str | None = None


def registered() -> dict[str, EntryPoint]:
    """Every grader by name: the built-ins, then those installed packages declare."""
    return plugins.registered(GROUP, BUILTIN)


def load_grader(name: str) -> GraderFactory:
    """The factory registered as `name`."""
    hint = ", or 'python' with function: module:function"
    return plugins.load("grader", name, registered(), hint=hint, field="type")


def params_of(factory: GraderFactory) -> dict[str, Any]:
    """The parameters a grader takes, with their defaults (those the runner gives left out)."""
    try:
        sig = inspect.signature(factory)
    except (TypeError, ValueError):
        return {}
    return {
        p.name: None if p.default is inspect.Parameter.empty else p.default
        for p in sig.parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in INJECTED
    }


def build_grader(
    spec: GraderSpec, *, judge_provider: Provider | None = None, engine: Engine | None = None
) -> Grader:
    """A new grader for `spec`; the judge provider goes to graders that take ``judge``, the
    store to those that take ``engine`` (a grader naming a trained model, ``train:RUN``)."""
    factory = load_grader(spec.type)
    try:
        sig: inspect.Signature | None = inspect.signature(factory)
    except (TypeError, ValueError):
        sig = None
    accepted = sig.parameters if sig is not None else {}
    open_ended = sig is None or any(p.kind is p.VAR_KEYWORD for p in accepted.values())
    unknown = sorted(k for k in spec.params if k not in accepted and k not in INJECTED)
    if unknown and not open_ended:
        known = ", ".join(sorted(params_of(factory))) or "none"
        raise InputError(
            f"grader '{spec.type}' has no parameter {', '.join(map(repr, unknown))}; "
            f"its parameters: {known}",
            field=unknown[0],
        )
    extra: dict[str, Any] = {}
    if "name" in accepted:
        extra["name"] = spec.label
    if "judge" in accepted:
        extra["judge"] = judge_provider
    if "engine" in accepted:
        extra["engine"] = engine
    try:
        grader = factory(**spec.params, **extra)
    except MentorError:
        raise
    except (TypeError, ValueError) as exc:
        raise InputError(f"grader '{spec.type}': {exc}", field="type") from exc
    if not callable(getattr(grader, "grade", None)) or not hasattr(grader, "name"):
        raise InputError(f"'{spec.type}' did not make a grader (name, version, grade)")
    return grader  # type: ignore[no-any-return]


def describe_graders() -> list[GraderInfo]:
    """Every registered grader with its parameters (and why it cannot be loaded, if not)."""
    infos = []
    for name, ep in registered().items():
        try:
            factory = load_grader(name)
        except InputError as exc:
            infos.append(GraderInfo(name, ep.value, "", {}, exc.reason))
            continue
        doc = (inspect.getdoc(factory) or "").strip().splitlines()
        infos.append(GraderInfo(name, ep.value, doc[0] if doc else "", params_of(factory)))
    return infos
