"""Loading evaluation suites from YAML, JSONL or CSV files; errors name the file, line and field.

YAML holds a whole suite (name, description, defaults, cases); JSONL holds one case per line;
CSV one case per row, with ``var.NAME`` columns for template variables and JSON in ``graders``
and ``meta``. Defaults (from YAML or the caller) are laid under every case.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import orjson
import yaml
from pydantic import ValidationError

from mentor import yamlfile
from mentor.errors import InputError
from mentor.evals.cases import (
    LABEL_LENGTHS,
    Case,
    GraderSpec,
    Suite,
    case_label_problem,
    label_problem,
)
from mentor.evals.specs import CaseSpec, SuiteHasher, case_from_spec, validation_message
from mentor.textfile import read_text

SUITE_KEYS = ("name", "description", "defaults", "cases")
FORMATS = ("yaml", "jsonl", "csv")

LineMap = dict[tuple[str | int, ...], int]


class Placed(NamedTuple):
    """A case read from a file, and where it is written (``file:line``)."""

    case: Case
    where: str


def _line_map(node: yaml.Node, path: tuple[str | int, ...], out: LineMap) -> LineMap:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _line_map(value, (*path, str(key.value)), out)
            out[(*path, str(key.value))] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*path, index), out)
    return out


def _line(lines: LineMap, path: tuple[str | int, ...]) -> int:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


def _case(raw: Any, defaults: Mapping[str, Any], position: int, where: str, at: Any) -> Case:
    """Validate one case dict (over the defaults); `at(loc)` gives the place of a field."""
    if not isinstance(raw, dict):
        raise InputError(
            f"a case must be a mapping of fields, got {type(raw).__name__}", where=where
        )
    try:
        spec = CaseSpec.model_validate({**defaults, **raw})
    except ValidationError as exc:
        message, loc = validation_message(exc)
        field = ".".join(map(str, loc)) or None
        raise InputError(message, where=at(loc), field=field) from exc
    try:
        case = case_from_spec(spec, position, where)
    except InputError as exc:
        if exc.field is None:
            raise
        raise InputError(exc.reason, where=at((exc.field,))) from exc
    problem = case_label_problem(case)
    if problem is not None:
        place, reason = problem
        raise InputError(reason, where=at(place), field=".".join(map(str, place)))
    return case


def _header_problem(key: str, value: Any) -> str | None:
    """Why a suite's name or description cannot be stored (both land in text columns)."""
    if not isinstance(value, str):
        return None
    if key == "name":
        return label_problem(value, LABEL_LENGTHS["suite"])
    nul = value.find("\0")
    return f"contains a NUL character at character {nul + 1}: remove it" if nul >= 0 else None


def _yaml_cases(path: Path, defaults: Mapping[str, Any]) -> tuple[dict[str, Any], list[Placed]]:
    text = read_text(path, "eval suite")
    try:
        node = yamlfile.compose(text, str(path))
        data = yamlfile.load(text, str(path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"not valid YAML: {problem}", where=f"{path}{line}") from exc
    if not isinstance(data, dict) or node is None:
        raise InputError("a suite file must be a mapping with 'cases'", where=f"{path}:1")
    lines = _line_map(node, (), {})
    for key in data:
        if key not in SUITE_KEYS:
            raise InputError(
                f"unknown suite field; expected one of: {', '.join(SUITE_KEYS)}",
                where=f"{path}:{_line(lines, (str(key),))}",
                field=str(key),
            )
        problem = _header_problem(key, data[key])
        if problem is not None:
            raise InputError(problem, where=f"{path}:{_line(lines, (key,))}", field=key)
    if not isinstance(data.get("cases"), list) or not data["cases"]:
        raise InputError(
            "a suite needs a non-empty list of cases", where=f"{path}:1", field="cases"
        )
    own = data.get("defaults")
    if own is not None and not isinstance(own, dict):
        raise InputError(
            f"expected a mapping of case fields laid under every case, got {type(own).__name__}",
            where=f"{path}:{_line(lines, ('defaults',))}",
            field="defaults",
        )
    merged = {**defaults, **(own or {})}
    cases = []
    for index, raw in enumerate(data["cases"]):
        base = ("cases", index)

        def at(loc: tuple[Any, ...], base: tuple[str | int, ...] = base) -> str:
            here = (*base, *loc)
            if here not in lines and loc and ("defaults", loc[0]) in lines:
                here = ("defaults", *loc)
            return f"{path}:{_line(lines, here)}"

        where = at(())
        cases.append(Placed(_case(raw, merged, index + 1, where, at), where))
    return data, cases


def _text_lines(path: Path) -> Iterator[str]:
    """The file's lines (with their endings), decoded one at a time so a large file is never
    held whole; a byte that is not UTF-8, or a NUL, is an error naming ``file:line:column`` (as
    :func:`mentor.textfile.read_text` says it for a whole file)."""
    with path.open("rb") as fh:
        for number, data in enumerate(fh, start=1):
            try:
                line = data.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"invalid UTF-8 byte 0x{data[exc.start]:02x}; expected a UTF-8 text eval suite",
                    where=f"{path}:{number}:{exc.start + 1}",
                ) from None
            if "\0" in line:
                raise InputError(
                    "contains a NUL character; a text eval suite was expected",
                    where=f"{path}:{number}:{data.index(0) + 1}",
                )
            yield line


def _jsonl_cases(path: Path, defaults: Mapping[str, Any]) -> Iterator[Placed]:
    position = 0
    for number, line in enumerate(_text_lines(path), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            raw = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc})", where=where) from exc
        position += 1
        yield Placed(_case(raw, defaults, position, where, lambda _loc, w=where: w), where)


def _csv_value(column: str, cell: str, where: str) -> tuple[str, Any]:
    if column.startswith("var."):
        return column, cell
    if column in ("graders", "meta", "messages"):
        try:
            return column, orjson.loads(cell)
        except orjson.JSONDecodeError as exc:
            raise InputError(f"expected JSON ({exc})", where=where, field=column) from exc
    if column == "tags":
        return column, [t.strip() for t in cell.replace("|", ";").split(";") if t.strip()]
    if column == "should_refuse":
        truth = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
        if cell.strip().lower() not in truth:
            raise InputError(f"expected true or false, got {cell!r}", where=where, field=column)
        return column, truth[cell.strip().lower()]
    return column, cell


def _csv_header(path: Path, reader: Any) -> list[str]:
    header: list[str] = next(reader, [])
    for index, column in enumerate(header):
        if column in header[:index]:
            raise InputError(
                f"column repeated (columns {header.index(column) + 1} and {index + 1})",
                where=f"{path}:1",
                field=column,
            )
        if not column.startswith("var.") and column not in CaseSpec.model_fields:
            raise InputError(
                "unknown column; use a case field or var.NAME for a template variable",
                where=f"{path}:1",
                field=column,
            )
    return header


def _csv_cases(path: Path, defaults: Mapping[str, Any]) -> Iterator[Placed]:
    reader = csv.reader(_text_lines(path))
    header = _csv_header(path, reader)
    position = 0
    for row in reader:
        if not row:
            continue  # a blank line
        where = f"{path}:{reader.line_num}"
        if len(row) != len(header):
            raise InputError(
                f"{len(row)} cells, expected {len(header)} (one per column: "
                f"{', '.join(header)}); quote a cell that holds a comma",
                where=where,
            )
        raw: dict[str, Any] = {}
        variables: dict[str, Any] = {}
        for column, cell in zip(header, row, strict=True):
            if cell == "":
                continue
            key, value = _csv_value(column, cell, where)
            if key.startswith("var."):
                variables[key.removeprefix("var.")] = value
            else:
                raw[key] = value
        if variables:
            raw["vars"] = variables
        position += 1
        yield Placed(_case(raw, defaults, position, where, lambda _loc, w=where: w), where)


def _format(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in FORMATS:
            raise InputError(
                f"unknown suite format '{fmt}'; expected {', '.join(FORMATS)}", where="--format"
            )
        return fmt
    suffixes = path.suffixes
    if suffixes and suffixes[-1] in (".yaml", ".yml"):
        return "yaml"
    if suffixes and suffixes[-1] in (".jsonl", ".csv"):
        return suffixes[-1][1:]
    raise InputError(
        "cannot tell the suite format from the file name; use .yaml, .jsonl or .csv",
        where=str(path),
    )


def _read(
    path: Path, kind: str, defaults: Mapping[str, Any]
) -> tuple[dict[str, Any], Iterator[Placed]]:
    """The file's header (YAML only) and its cases with their places, validated one at a time
    as they are read."""
    if kind == "yaml":
        header, cases = _yaml_cases(path, defaults)
        return header, iter(cases)
    reader = _jsonl_cases if kind == "jsonl" else _csv_cases
    return {}, reader(path, defaults)


@dataclass(frozen=True)
class SuiteFile:
    """A suite file, checked: every case valid, ids unique, its version (content hash) known.

    Its cases are read again from the file on each :meth:`iter_cases`, so a run of a large
    JSONL or CSV suite never holds them all (a YAML file is parsed whole each time).
    """

    path: Path
    format: str
    name: str
    description: str
    content_hash: str
    case_count: int
    defaults: Mapping[str, Any] = field(default_factory=dict)
    graders: tuple[tuple[GraderSpec, str], ...] = ()
    places: Mapping[str, str] = field(default_factory=dict)
    """``file:line`` of each case :meth:`grader_uses` names, for errors about its graders."""

    def iter_cases(self) -> Iterator[Case]:
        """The cases in order, read from the file again."""
        return (placed.case for placed in _read(self.path, self.format, self.defaults)[1])

    def place_of(self, case_id: str) -> str:
        """Where case `case_id` is written (``file:line``), if known; else the file."""
        return self.places.get(case_id, str(self.path))

    def grader_uses(self) -> Iterator[tuple[GraderSpec, str]]:
        """Each distinct grader spec with the id of the first case that uses it."""
        return iter(self.graders)


def _check(
    path: str | Path,
    name: str | None,
    fmt: str | None,
    defaults: Mapping[str, Any] | None,
    keep: list[Case] | None,
) -> SuiteFile:
    """Read and check a suite file in one pass; the cases go into `keep` when it is given."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such suite file", where=str(path))
    kind = _format(path, fmt)
    header, cases = _read(path, kind, defaults or {})
    hasher = SuiteHasher()
    seen: dict[str, int] = {}
    graders: dict[bytes, tuple[GraderSpec, str]] = {}
    places: dict[str, str] = {}
    for position, (case, where) in enumerate(cases, start=1):
        if case.id in seen:
            raise InputError(
                f"case id '{case.id}' is used by cases {seen[case.id]} and {position}; "
                "give each case its own id",
                where=where,
                field="id",
            )
        seen[case.id] = position
        hasher.add(case)
        for spec in case.graders:
            if spec.key not in graders:
                graders[spec.key] = (spec, case.id)
                places[case.id] = where
        if keep is not None:
            keep.append(case)
    if not hasher.count:
        raise InputError("the suite has no cases", where=str(path))
    suite_name = str(name or header.get("name") or path.name.split(".")[0])
    problem = label_problem(suite_name, LABEL_LENGTHS["suite"])
    if problem is not None:  # a name given, or the file's own name: the header's is checked
        raise InputError(problem, where="--name" if name else str(path), field="name")
    return SuiteFile(
        path=path,
        format=kind,
        name=suite_name,
        description=str(header.get("description") or ""),
        content_hash=hasher.hexdigest(),
        case_count=hasher.count,
        defaults=dict(defaults or {}),
        graders=tuple(graders.values()),
        places=places,
    )


def open_suite(
    path: str | Path,
    *,
    name: str | None = None,
    fmt: str | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> SuiteFile:
    """Check a suite file in one streaming pass without keeping its cases (for large suites);
    the name comes from `name`, the file's ``name:``, or the file stem."""
    return _check(path, name, fmt, defaults, None)


def load_suite(
    path: str | Path,
    *,
    name: str | None = None,
    fmt: str | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> Suite:
    """Read a suite file into memory; the name comes from `name`, the file's ``name:``, or the
    file stem."""
    cases: list[Case] = []
    checked = _check(path, name, fmt, defaults, cases)
    return Suite(
        name=checked.name,
        cases=tuple(cases),
        description=checked.description,
        content_hash=checked.content_hash,
    )
