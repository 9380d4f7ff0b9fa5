"""Plug-in points: named factories, built in or declared by installed packages as entry points.

Built-ins are :class:`EntryPoint` objects exactly like third-party ones, so both are found,
listed and loaded the same way; a plug-in that cannot be imported breaks only what names it.
A package plugs in by declaring entry points in one of the :data:`GROUPS`::

    [project.entry-points."mentor.graders"]
    toxicity = "my_package.graders:ToxicityGrader"

Tests and notebooks register a factory in this process with :func:`register` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Final

from mentor.errors import InputError


@dataclass(frozen=True)
class Group:
    """An entry-point group: what its plug-ins add, and what each entry point must name."""

    plugs_in: str
    factory: str


GROUPS: Final[Mapping[str, Group]] = {
    "mentor.checks": Group(
        "QA checks a scan runs (`mentor qa scan --check NAME`)",
        "a Check class or factory: keyword options -> object with `name`, `prepare(batch)`, "
        "`absorb(prepared) -> findings` and `finish() -> findings` (mentor.qa.checks.base)",
    ),
    "mentor.graders": Group(
        "graders a suite names (`graders: [{type: NAME, ...}]`)",
        "a Grader class or factory: the suite's params as keywords (plus `name`, `judge` when "
        "it takes them) -> object with `name`, `version`, `async grade(case, output) -> Grade`",
    ),
    "mentor.providers": Group(
        "model providers a spec names (`NAME:ARG`, or `{type: NAME, ...}`)",
        "`factory(arg: str | None, options: dict, engine: Engine | None) -> Provider` "
        "(`name`, `model`, `fingerprint()`, `async complete(messages, params)`, `async aclose()`)",
    ),
    "mentor.prelabelers": Group(
        "pre-labelers a project names (`--prelabel NAME[:ARG]`; CLI and SDK only)",
        "`factory(arg: str) -> PreLabeler` "
        "(`name`, `async suggest(task, record, view, config) -> payload | None`)",
    ),
    "mentor.task_types": Group(
        "annotation task types a project names (`--task NAME`)",
        "a TaskType class, called with no arguments (see mentor.annotate.tasks)",
    ),
    "mentor.judges": Group(
        "LLM judges (declared for the judges issue; nothing loads it yet)",
        "`factory(provider: Provider, **options) -> Judge` "
        "(`async judge(messages, output, reference) -> verdict`)",
    ),
    "mentor.trainers": Group(
        "training back-ends for `mentor train` (declared; nothing loads it yet)",
        "`factory(**options) -> Trainer` (SFT, DPO or reward-model training on a dataset version)",
    ),
    "mentor.report_sections": Group(
        "sections of stakeholder reports (declared; nothing loads it yet)",
        "`factory(**options) -> ReportSection` (a title and a template context from the store)",
    ),
}
"""Every plug-in group Mentor reads, by entry-point group name."""

_IN_PROCESS: dict[str, dict[str, EntryPoint]] = {}


class _Registered(EntryPoint):
    """An entry point registered in this process: loading it returns the factory it was given."""

    def __init__(self, name: str, group: str, factory: Callable[..., Any]):
        # A callable object (a functools.partial, say) has no __qualname__ of its own.
        label = getattr(factory, "__qualname__", type(factory).__qualname__)
        super().__init__(name, f"{factory.__module__}:{label}", group)
        vars(self)["factory"] = factory

    def load(self) -> Any:
        return vars(self)["factory"]


def _known(group: str) -> str:
    if group not in GROUPS:
        raise ValueError(f"'{group}' is not a plug-in group; add it to mentor.plugins.GROUPS")
    return group


def register(group: str, name: str, factory: Callable[..., Any]) -> None:
    """Make `name` in `group` load `factory` in this process (overrides a built-in or an
    installed plug-in of that name); for tests and notebooks."""
    _IN_PROCESS.setdefault(_known(group), {})[name] = _Registered(name, group, factory)


def registered(group: str, builtin: Iterable[EntryPoint]) -> dict[str, EntryPoint]:
    """Every plug-in of `group` by name: the built-ins, then those installed packages declare,
    with those registered in this process taking precedence."""
    found = {ep.name: ep for ep in builtin}
    for ep in entry_points(group=_known(group)):
        found.setdefault(ep.name, ep)
    found.update(_IN_PROCESS.get(group, {}))
    return found


def load(
    kind: str,
    name: str,
    found: Mapping[str, EntryPoint],
    *,
    hint: str = "",
    where: str | None = None,
    field: str | None = None,
) -> Callable[..., Any]:
    """The factory registered as `name`; an unknown, broken or non-callable one is an
    :class:`InputError` naming the `kind` (``check``, ``grader``) and the place."""
    if name not in found:
        raise InputError(
            f"unknown {kind} '{name}'; expected one of {', '.join(sorted(found))}{hint}",
            where=where,
            field=field,
        )
    try:
        factory = found[name].load()
    except (ImportError, AttributeError) as exc:
        raise InputError(
            f"{kind} '{name}' ({found[name].value}) cannot be loaded: {exc}",
            where=where,
            field=field,
        ) from exc
    if not callable(factory):
        raise InputError(
            f"{kind} '{name}' ({found[name].value}) is not callable", where=where, field=field
        )
    return factory  # type: ignore[no-any-return]
