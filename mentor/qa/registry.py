"""Check names and how to build them, with their options.

Built-in checks are declared as entry points, exactly as a third-party package declares its
own in the ``mentor.checks`` group::

    [project.entry-points."mentor.checks"]
    toxicity = "my_package.checks:ToxicityCheck"

A check is loaded only when a scan asks for it, so a check that cannot be imported breaks only
the scans that name it, with a message saying why. Options are the constructor's keyword
parameters; the values a scan supplies itself (such as the evaluation sets of ``--against``)
are passed to the constructors that take a parameter of that name. An option annotated as a
number or a bool gets a value of that kind, or an error naming ``--option CHECK.OPTION``.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from importlib.metadata import EntryPoint
from typing import Any, Final

import yaml

from mentor import plugins, yamlfile
from mentor.errors import InputError, MentorError
from mentor.qa.checks.base import Check

GROUP: Final = "mentor.checks"
BUILTIN: Final = tuple(
    EntryPoint(name, value, GROUP)
    for name, value in (
        ("lint", "mentor.qa.checks.lint:LintCheck"),
        ("exact-dup", "mentor.qa.checks.exact_dup:ExactDupCheck"),
        ("near-dup", "mentor.qa.checks.near_dup:NearDupCheck"),
        ("pii", "mentor.qa.checks.pii:PiiCheck"),
        ("contamination", "mentor.qa.checks.contamination:ContaminationCheck"),
        ("coverage", "mentor.qa.checks.coverage:CoverageCheck"),
    )
)
# Supplied by the scan, not by the user: a check asks for one by naming a parameter so.
#   evals: {label: [(item id, prompt text), ...]} for each --against target (contamination);
#   references, against: {label: records} for each --against target (duplicates across
#   datasets).
CONTEXT: Final = frozenset({"evals", "references", "against"})
# Checks that only make sense with something to compare against.
NEEDS_AGAINST: Final = frozenset({"contamination"})

CheckFactory = Callable[..., Check]


@dataclass(frozen=True)
class CheckInfo:
    """A registered check: where it comes from, what it does and the options it takes."""

    name: str
    target: str
    summary: str
    options: dict[str, Any]
    error: str | None = None


def registered() -> dict[str, EntryPoint]:
    """Every check by name: the built-ins, then those installed packages declare."""
    return plugins.registered(GROUP, BUILTIN)


def _unknown(name: str, known: Iterable[str], where: str) -> InputError:
    return InputError(
        f"unknown check '{name}'; expected one of {', '.join(sorted(known))}", where=where
    )


def load(name: str, where: str = "--checks") -> CheckFactory:
    """The constructor registered as `name`."""
    return plugins.load("check", name, registered(), where=where)


def _signature(factory: CheckFactory) -> inspect.Signature | None:
    try:
        return inspect.signature(factory)
    except (TypeError, ValueError):
        return None


def _config_default(sig: inspect.Signature | None) -> Any:
    """The default of a ``config`` parameter when it is a dataclass (its fields are options)."""
    param = sig.parameters.get("config") if sig else None
    default = param.default if param is not None else None
    return default if is_dataclass(default) and not isinstance(default, type) else None


def options_of(factory: CheckFactory) -> dict[str, Any]:
    """The options a check takes, with their defaults: its constructor's keyword parameters
    and, when it takes a dataclass ``config``, that dataclass's fields."""
    sig = _signature(factory)
    if sig is None:
        return {}
    options = {
        p.name: None if p.default is inspect.Parameter.empty else p.default
        for p in sig.parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        and p.name not in CONTEXT
        and p.name != "config"
    }
    config = _config_default(sig)
    if config is not None:
        options.update({f.name: getattr(config, f.name) for f in fields(config)})
    return options


_KINDS: Final[dict[type, tuple[tuple[type, ...], str]]] = {
    bool: ((bool,), "true or false"),
    int: ((int,), "a whole number"),
    float: ((int, float), "a number"),
}


def _hints(factory: CheckFactory, config: Any) -> dict[str, Any]:
    """The declared types of a check's options (none for what cannot be resolved)."""
    found: dict[str, Any] = {}
    init = inspect.getattr_static(factory, "__init__") if isinstance(factory, type) else factory
    for source in (init, type(config)):
        try:
            found.update(typing.get_type_hints(source))
        except Exception:  # a third-party annotation that does not resolve: left unchecked
            continue
    return found


def _check_type(hint: Any, value: Any, where: str) -> None:
    """Refuse a value of the wrong kind for a true/false, whole-number or number option, naming
    the option; other types are the check's own to validate."""
    optional = False
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        optional = len(args) < len(typing.get_args(hint))
        if len(args) != 1:
            return
        hint = args[0]
    if hint not in _KINDS or (value is None and optional):
        return
    kinds, words = _KINDS[hint]
    if isinstance(value, bool) != (hint is bool) or not isinstance(value, kinds):
        wanted = words + (" (or null for none)" if optional else "")
        raise InputError(f"expected {wanted}, got {value!r}", where=where)


def build(
    name: str, options: Mapping[str, Any] | None = None, context: Mapping[str, Any] | None = None
) -> Check:
    """A new check `name` with `options`, and the `context` values its constructor asks for."""
    factory = load(name)
    sig = _signature(factory)
    known = options_of(factory)
    open_ended = sig is None or any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())
    direct: dict[str, Any] = {}
    configured: dict[str, Any] = {}
    config = _config_default(sig)
    hints = _hints(factory, config)
    for key, value in (options or {}).items():
        if key in hints:
            _check_type(hints[key], value, f"--option {name}.{key}")
        if config is not None and key in {f.name for f in fields(config)}:
            configured[key] = value
        elif key in known or open_ended:
            direct[key] = value
        else:
            accepted = ", ".join(sorted(known)) or "none"
            raise InputError(
                f"check '{name}' has no option '{key}'; its options: {accepted}",
                where=f"--option {name}.{key}",
            )
    accepted_context = sig.parameters if sig is not None else {}
    supplied = {k: v for k, v in (context or {}).items() if k in accepted_context}
    try:
        if configured:
            direct["config"] = replace(config, **configured)
        check = factory(**direct, **supplied)
    except InputError:
        raise
    except (MentorError, TypeError, ValueError) as exc:
        raise InputError(f"check '{name}': {exc}", where=f"--option {name}") from exc
    if not isinstance(check, Check):
        raise InputError(f"'{name}' did not make a check (prepare/absorb/finish)", where="--checks")
    return check


def describe() -> list[CheckInfo]:
    """Every registered check with its options (and why it cannot be loaded, if it cannot)."""
    infos = []
    for name, ep in registered().items():
        try:
            factory = load(name)
        except InputError as exc:
            infos.append(CheckInfo(name, ep.value, "", {}, exc.reason))
            continue
        doc = (inspect.getdoc(factory) or "").strip().splitlines()
        infos.append(CheckInfo(name, ep.value, doc[0] if doc else "", options_of(factory)))
    return infos


def choose(names: str | Sequence[str] | None, against: bool) -> tuple[str, ...]:
    """The checks to run: `names` (comma-separated or a list), or every registered check.

    By default the checks that compare with evaluation sets run only when there are some.
    """
    known = registered()
    if names is None or names == "" or names == "all":
        return tuple(n for n in known if against or n not in NEEDS_AGAINST)
    items = names.split(",") if isinstance(names, str) else list(names)
    chosen = tuple(dict.fromkeys(n.strip() for n in items if n.strip()))
    for name in chosen:
        if name not in known:
            raise _unknown(name, known, "--checks")
        if name in NEEDS_AGAINST and not against:
            raise InputError(
                f"check '{name}' compares with evaluation data; name some with --against",
                where="--against",
            )
    if not chosen:
        raise InputError("no checks named", where="--checks")
    return chosen


def parse_options(items: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``CHECK.OPTION=VALUE`` strings as {check: {option: value}}; values read as YAML scalars."""
    options: dict[str, dict[str, Any]] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        check, dot, option = key.strip().partition(".")
        if not sep or not dot or not check or not option:
            raise InputError(f"expected CHECK.OPTION=VALUE, got '{item}'", where="--option")
        try:
            value = yamlfile.load(raw, "--option") if raw.strip() else ""
        except yaml.YAMLError:
            value = raw
        options.setdefault(check, {})[option.strip()] = value
    return options
