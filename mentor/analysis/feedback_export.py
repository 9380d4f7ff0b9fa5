"""A stored suite version written back as a suite file, so ``mentor eval run FILE`` runs the
very version triage made (the same cases, so the same content hash).

The file appears whole or not at all: it is written beside, then renamed over `path`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from mentor.errors import InputError
from mentor.evals.cases import Case, CaseSource
from mentor.evals.specs import case_to_dict


class _NoAliases(yaml.SafeDumper):
    """Suite files refuse YAML anchors; equal values are written out each time."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _spec(case: Case) -> dict[str, Any]:
    """The case as a suite file writes it (graders as ``{type, name, **params}``)."""
    body = case_to_dict(case)
    body["graders"] = [
        {"type": g.type, **({"name": g.name} if g.name else {}), **g.params} for g in case.graders
    ]
    return {k: v for k, v in body.items() if v not in (None, [], {})}


def suite_yaml(suite: CaseSource) -> str:
    """`suite` as a YAML suite file."""
    head: dict[str, Any] = {"name": suite.name}
    if suite.description:
        head["description"] = suite.description
    head["cases"] = [_spec(c) for c in suite.iter_cases()]
    return yaml.dump(head, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=100)


def write_suite_file(suite: CaseSource, path: Path) -> None:
    """Write `suite` to `path` as a YAML suite file; an :class:`InputError` naming `path` when
    it cannot be written, and then nothing is left behind."""
    if path.is_dir():
        raise InputError("is a folder; expected a suite file to write", where=str(path))
    text = suite_yaml(suite)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        raise InputError(
            f"cannot write the suite file: {exc.strerror or exc}", where=str(path)
        ) from exc
    finally:
        partial.unlink(missing_ok=True)
