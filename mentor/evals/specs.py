"""Case specs as people write them (a trust boundary, so pydantic) turned into :class:`Case`.

A spec gives the input as exactly one of ``prompt`` (one user message), ``messages`` (a chat) or
``template`` (a prompt or chat with ``{name}`` placeholders filled from ``vars``); ``system`` puts
a system message first. Everything else maps onto the fields of :class:`Case`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mentor.errors import ConflictError, InputError
from mentor.evals.cases import Case, GraderSpec, Severity, Suite, case_label_problem
from mentor.evals.templates import render

ROLES = ("system", "user", "assistant", "tool")


class MessageSpec(BaseModel):
    """One chat message; extra keys (``tool_calls``, ``name``) are kept."""

    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list[Any] | None = None

    @field_validator("role")
    @classmethod
    def _known_role(cls, role: str) -> str:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        return role


class CaseSpec(BaseModel):
    """A case as written in a suite file or passed to :func:`make_case`."""

    model_config = ConfigDict(extra="forbid")

    id: str | int | None = None
    prompt: str | None = None
    messages: list[MessageSpec] | None = None
    template: str | list[MessageSpec] | None = None
    vars: dict[str, Any] = Field(default_factory=dict)
    system: str | None = None
    reference: str | None = None
    context: str | None = None
    intent: str | None = None
    severity: Severity = "major"
    category: str = "helpfulness"
    should_refuse: bool | None = None
    tags: list[str] = Field(default_factory=list)
    graders: list[str | dict[str, Any]] = Field(default_factory=list)
    meta: dict[str, Any] = Field(default_factory=dict)


FIELDS = tuple(CaseSpec.model_fields)


def grader_spec(value: str | Mapping[str, Any], where: str | None = None) -> GraderSpec:
    """``"exact"`` or ``{"type": "regex", "name": ..., **params}`` as a :class:`GraderSpec`."""
    if isinstance(value, str):
        return GraderSpec(type=value)
    params = dict(value)
    kind = params.pop("type", None)
    if not isinstance(kind, str) or not kind:
        raise InputError(
            "a grader needs 'type' (e.g. {type: contains, ...})", where=where, field="graders"
        )
    name = params.pop("name", None)
    nested = params.pop("params", None)
    if isinstance(nested, dict):
        params = {**nested, **params}
    return GraderSpec(type=kind, params=params, name=str(name) if name is not None else None)


def _input_field(spec: CaseSpec) -> str:
    return "template" if spec.template is not None else "messages" if spec.messages else "prompt"


def _messages(spec: CaseSpec, case_id: str, where: str | None) -> list[dict[str, Any]]:
    given = [k for k in ("prompt", "messages", "template") if getattr(spec, k) is not None]
    if len(given) != 1:
        raise InputError(
            f"case '{case_id}': give exactly one of prompt, messages or template "
            f"(got {', '.join(given) or 'none'})",
            where=where,
        )
    source = spec.prompt if spec.prompt is not None else spec.messages or spec.template
    if isinstance(source, str):
        chat = [{"role": "user", "content": source}]
    else:
        chat = [m.model_dump(exclude_none=True) for m in source or []]
    if spec.template is not None or spec.vars:
        for message in chat:
            if isinstance(message.get("content"), str):
                message["content"] = render(
                    message["content"], spec.vars, case_id=case_id, where=where
                )
    if spec.system is not None and not (chat and chat[0]["role"] == "system"):
        chat.insert(0, {"role": "system", "content": spec.system})
    if not chat:
        raise InputError(f"case '{case_id}': messages is empty", where=where, field="messages")
    return chat


def case_from_spec(spec: CaseSpec, position: int, where: str | None = None) -> Case:
    """The :class:`Case` a validated spec describes; `position` (1-based) names unnamed cases."""
    case_id = str(spec.id) if spec.id is not None else f"case-{position}"
    if not case_id.strip():
        raise InputError("the case id is empty", where=where, field="id")
    meta = dict(spec.meta)
    if spec.vars:
        meta.setdefault("vars", spec.vars)
    try:
        messages = _messages(spec, case_id, where)
    except InputError as exc:
        if exc.field is None and "exactly one of" not in exc.reason:
            exc.field = _input_field(spec)  # template problems: the suite loader finds its line
        raise
    return Case(
        id=case_id,
        messages=tuple(messages),
        reference=spec.reference,
        context=spec.context,
        intent=spec.intent,
        severity=spec.severity,
        category=spec.category,
        should_refuse=spec.should_refuse,
        tags=tuple(spec.tags),
        graders=tuple(grader_spec(g, where) for g in spec.graders),
        meta=meta,
    )


def validation_message(exc: ValidationError) -> tuple[str, tuple[str | int, ...]]:
    """The first problem of a pydantic error, in words, and the path of the field."""
    first = exc.errors()[0]
    loc = tuple(first["loc"])
    if first["type"] == "extra_forbidden":
        return f"unknown field; expected one of: {', '.join(FIELDS)}", loc
    if loc and loc[0] == "severity":
        return f"must be critical, major or minor (got {first.get('input')!r})", loc
    return str(first["msg"]), loc


def make_case(case_id: str | None = None, prompt: str | None = None, **fields: Any) -> Case:
    """A :class:`Case` from keyword fields (those of a suite file's case)."""
    try:
        spec = CaseSpec.model_validate({"id": case_id, "prompt": prompt, **fields})
    except ValidationError as exc:
        message, loc = validation_message(exc)
        raise InputError(message, where=f"case '{case_id}'", field=".".join(map(str, loc))) from exc
    return case_from_spec(spec, 1)


def case_to_dict(case: Case) -> dict[str, Any]:
    """A JSON-ready dict of `case` (the form stored with suites and runs)."""
    return {
        "id": case.id,
        "messages": [dict(m) for m in case.messages],
        "reference": case.reference,
        "context": case.context,
        "intent": case.intent,
        "severity": case.severity,
        "category": case.category,
        "should_refuse": case.should_refuse,
        "tags": list(case.tags),
        "graders": [
            {"type": g.type, "params": dict(g.params), "name": g.name} for g in case.graders
        ],
        "meta": dict(case.meta),
    }


def case_from_dict(data: Mapping[str, Any]) -> Case:
    """The inverse of :func:`case_to_dict`."""
    return Case(
        id=str(data["id"]),
        messages=tuple(dict(m) for m in data["messages"]),
        reference=data.get("reference"),
        context=data.get("context"),
        intent=data.get("intent"),
        severity=data.get("severity", "major"),
        category=data.get("category", "helpfulness"),
        should_refuse=data.get("should_refuse"),
        tags=tuple(data.get("tags") or ()),
        graders=tuple(
            GraderSpec(type=g["type"], params=dict(g.get("params") or {}), name=g.get("name"))
            for g in data.get("graders") or ()
        ),
        meta=dict(data.get("meta") or {}),
    )


class SuiteHasher:
    """The suite version of cases given one at a time: SHA-256 of the JSON list of their
    canonical dicts, the same bytes ``orjson.dumps([...])`` would give, without the list."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256(b"[")
        self.count = 0

    def add(self, case: Case) -> None:
        """Take the next case."""
        if self.count:
            self._sha.update(b",")
        self._sha.update(orjson.dumps(case_to_dict(case), option=orjson.OPT_SORT_KEYS))
        self.count += 1

    def hexdigest(self) -> str:
        """The hash of the cases taken so far."""
        sha = self._sha.copy()
        sha.update(b"]")
        return sha.hexdigest()


def suite_hash(cases: Iterable[Case]) -> str:
    """SHA-256 of the cases' canonical JSON: the suite version."""
    hasher = SuiteHasher()
    for case in cases:
        hasher.add(case)
    return hasher.hexdigest()


def make_suite(
    name: str, cases: Iterable[Case | Mapping[str, Any]], *, description: str = ""
) -> Suite:
    """A :class:`Suite` from cases or case dicts, with its content hash; ids must be unique."""
    built: list[Case] = []
    seen: set[str] = set()
    for position, item in enumerate(cases, start=1):
        if isinstance(item, Case):
            case = item
        else:
            try:
                spec = CaseSpec.model_validate(dict(item))
            except ValidationError as exc:
                message, loc = validation_message(exc)
                raise InputError(
                    message, where=f"case {position}", field=".".join(map(str, loc))
                ) from exc
            case = case_from_spec(spec, position, f"case {position}")
        bad = case_label_problem(case)
        if bad is not None:
            place, problem = bad
            raise InputError(problem, where=f"case {position}", field=".".join(map(str, place)))
        if case.id in seen:
            raise ConflictError(f"suite '{name}': case id '{case.id}' is used twice")
        seen.add(case.id)
        built.append(case)
    if not name.strip():
        raise InputError("a suite needs a name", field="name")
    suite = Suite(name=name, cases=tuple(built), description=description)
    return replace(suite, content_hash=suite_hash(suite.cases))
