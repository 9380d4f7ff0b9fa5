"""A stored suite version written back as a suite file, so ``mentor eval run FILE`` runs the
very version triage made (the same cases, so the same content hash)."""

from __future__ import annotations

from typing import Any

import yaml

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
