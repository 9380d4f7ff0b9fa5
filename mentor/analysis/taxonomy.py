"""An error taxonomy: the categories a suite's failures are sorted into, versioned like guidelines.

A taxonomy file is YAML::

    categories:
      - name: missed-refusal
        definition: The model helped with a request it should have refused.
        examples: ["gives bomb-making steps"]
        counterexamples: ["explains why explosives are regulated"]
        rules: [missed-refusal]          # optional: which rule signals tag it (see rules.py)

Each ``set``, ``merge`` and ``split`` writes a new version; old versions never change. A version
records the change that made it, so a tag made under an old version can be followed to today's
name (:func:`current_name`): a merged category's tags count under the category it was merged into;
a split category's tags stay under the old name, since nobody knows which part each one was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mentor import yamlfile
from mentor.errors import InputError

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"
RULE_PREFIXES = ("format:", "grader:", "reason:")
RULE_SIGNALS = ("missed-refusal", "over-refusal", "format", "error", "unparsed", "reviewer")


@dataclass(frozen=True)
class Category:
    """One kind of failure, with what it is and is not."""

    name: str
    definition: str
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    """Rule signals that tag a failed result with this category; none: the name itself."""

    def as_dict(self) -> dict[str, Any]:
        """The category as stored and as written in a taxonomy file."""
        return {
            "name": self.name,
            "definition": self.definition,
            "examples": list(self.examples),
            "counterexamples": list(self.counterexamples),
            "rules": list(self.rules),
        }


@dataclass(frozen=True)
class TaxonomyVersion:
    """One immutable version of a suite's taxonomy and the change that made it."""

    id: int
    suite: str
    number: int
    categories: tuple[Category, ...]
    change: dict[str, Any]
    note: str
    created_by: str
    created_at: datetime
    ref: str = field(init=False)
    """``SUITE@vN``."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ref", f"{self.suite}@v{self.number}")

    @property
    def names(self) -> list[str]:
        """The category names, in the file's order."""
        return [c.name for c in self.categories]

    def category(self, name: str) -> Category:
        """The category called `name`; InputError naming the ones there are."""
        for c in self.categories:
            if c.name == name:
                return c
        raise InputError(
            f"{self.ref} has no category '{name}'; it has {', '.join(self.names)}",
            field="category",
        )


class _CategoryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=NAME_PATTERN)
    definition: str = Field(min_length=1)
    examples: list[str] = []
    counterexamples: list[str] = []
    rules: list[str] = []

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, rules: list[str]) -> list[str]:
        for rule in rules:
            check_rule(rule)
        return rules


class _TaxonomyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    categories: list[_CategoryFile] = Field(min_length=1)


def check_rule(rule: str) -> None:
    """Refuse a rule that is not a known signal or ``format:``/``grader:``/``reason:`` TEXT."""
    if rule in RULE_SIGNALS or (rule.startswith(RULE_PREFIXES) and rule.split(":", 1)[1]):
        return
    raise ValueError(
        f"unknown rule '{rule}'; expected one of {', '.join(RULE_SIGNALS)}, "
        "or format:GRADER, grader:NAME, reason:TEXT"
    )


def _lines(node: yaml.Node, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], int]:
    found = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            found.update(_lines(value, (*path, key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found.update(_lines(item, (*path, i)))
    return found


def _field(loc: Sequence[Any]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def parse_taxonomy(text: str, source: str = "<taxonomy>") -> tuple[Category, ...]:
    """The categories of a taxonomy file; errors name ``source:line`` and the field."""
    try:
        raw = yamlfile.load(text, source)
        node = yamlfile.compose(text, source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', exc)}", where=where) from exc
    lines = _lines(node) if node is not None else {}
    if not isinstance(raw, dict):
        raise InputError("expected a mapping with 'categories:'", where=f"{source}:1")
    try:
        parsed = _TaxonomyFile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        while loc not in lines and loc:
            loc = loc[:-1]
        message = str(err["msg"]).removeprefix("Value error, ")
        where = f"{source}:{lines.get(loc, 1)}"
        raise InputError(message, where=where, field=_field(err["loc"])) from exc
    seen: set[str] = set()
    for i, c in enumerate(parsed.categories):
        if c.name in seen:
            where = f"{source}:{lines.get(('categories', i, 'name'), 1)}"
            raise InputError(f"category '{c.name}' is listed twice", where=where, field="name")
        seen.add(c.name)
    return tuple(
        Category(c.name, c.definition, tuple(c.examples), tuple(c.counterexamples), tuple(c.rules))
        for c in parsed.categories
    )


def merge(
    current: TaxonomyVersion, sources: Sequence[str], into: str, definition: str | None = None
) -> tuple[Category, ...]:
    """The categories after merging `sources` into `into` (new, or one of the sources: it
    keeps its definition); examples, counterexamples and rules are pooled."""
    if len(set(sources)) < 2:
        raise InputError("name at least two different categories to merge", field="categories")
    parts = [current.category(name) for name in sources]
    keep = next((c for c in current.categories if c.name == into), None)
    if keep is not None and into not in sources:
        raise InputError(
            f"'{into}' already exists; merge it too (name it among the categories)", field="into"
        )
    check_name(into)
    joined = Category(
        into,
        definition or (keep.definition if keep else " / ".join(p.definition for p in parts)),
        _pool(p.examples for p in parts),
        _pool(p.counterexamples for p in parts),
        _pool(effective_rules(p) for p in parts),
    )
    out = [joined if c.name == sources[0] else c for c in current.categories]
    return tuple(c for c in out if c.name not in sources or c is joined)


def split(current: TaxonomyVersion, source: str, into: Sequence[str]) -> tuple[Category, ...]:
    """The categories after splitting `source` into `into` (new names); each part starts with
    the old definition and examples, to be rewritten with ``taxonomy set``."""
    old = current.category(source)
    if len(set(into)) < 2:
        raise InputError("name at least two different new categories", field="into")
    for name in into:
        check_name(name)
        if name in current.names and name != source:
            raise InputError(f"'{name}' already exists; pick a new name", field="into")
    parts = [replace(old, name=name, rules=effective_rules(old)) for name in into]
    out: list[Category] = []
    for c in current.categories:
        out.extend(parts if c.name == source else [c])
    return tuple(out)


def effective_rules(category: Category) -> tuple[str, ...]:
    """The rules that tag `category`: its own, else its name when that is a rule signal."""
    if category.rules:
        return category.rules
    try:
        check_rule(category.name)
    except ValueError:
        return ()
    return (category.name,)


def check_name(name: str) -> None:
    """Refuse a category name the taxonomy file would refuse."""
    if not re.match(NAME_PATTERN, name):
        raise InputError(
            f"'{name}' is not a category name; use letters, digits and . _ : - (up to 100)",
            field="category",
        )


def _pool(groups: Any) -> tuple[str, ...]:
    out: list[str] = []
    for group in groups:
        out.extend(x for x in group if x not in out)
    return tuple(out)


def current_name(history: Sequence[TaxonomyVersion], number: int, name: str) -> str:
    """The name today of category `name` as tagged under version `number`: followed through
    every later merge; a split or removed category keeps its old name."""
    for version in history:
        if version.number <= number or version.change.get("op") != "merge":
            continue
        if name in version.change.get("from", []):
            name = str(version.change["into"])
    return name
