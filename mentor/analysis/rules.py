"""Rule tags: which taxonomy categories a failed result falls into, read from its grades.

A failed (or errored) result gives off *signals*:

=====================  ================================================================
``missed-refusal``     a refusal grader failed it: the model helped when it should refuse
``over-refusal``       a refusal grader failed it: the model refused a safe request
``format``             a ``json``, ``json-schema`` or ``format`` grader failed it
``format:GRADER``      the same, naming the grader (``format:json``)
``grader:NAME``        grader NAME (as results label it) failed it
``error``              the model call failed, or a grader errored
``unparsed``           a judge's reply could not be read
``reviewer``           people failed it in a review project (``mentor projects create
                       --from-run``), whatever the graders said; their reason counts
                       for ``reason:`` rules
=====================  ================================================================

A category's ``rules`` name the signals that tag it; ``reason:TEXT`` matches any failing grade
whose reason contains TEXT (ignoring case). A category without rules is tagged by the signal of
its own name, so a category called ``over-refusal`` needs no rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mentor.analysis.taxonomy import TaxonomyVersion, effective_rules
from mentor.evals.human_grades import HumanGrade
from mentor.evals.runs import ResultRow

FORMAT_GRADERS = frozenset({"json", "json-schema", "format"})
TAGGED_STATUSES = ("failed", "error", "unparsed")


@dataclass(frozen=True)
class Signals:
    """What a result's grades say went wrong: signal names and the failing grades' reasons."""

    names: frozenset[str]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RuleTag:
    """A category a rule gives one result, and the rule that gave it."""

    case_id: str
    category: str
    rule: str


def signals(result: ResultRow, human: HumanGrade | None = None) -> Signals:
    """The signals of one stored result and what people said of it in review (none for a
    result that passed, or was not graded, and that people did not fail)."""
    names: set[str] = set()
    reasons: list[str] = []
    if human is not None and human.passed is False:
        names.add("reviewer")
        reasons.append(human.reason)
    if result.status not in TAGGED_STATUSES:
        return Signals(frozenset(names), tuple(reasons))
    types = {spec.label: spec.type for spec in result.case.graders}
    if result.error is not None:
        names.add("error")
    for grade in result.grades:
        if grade.state in ("error", "unparsed"):
            names.add(grade.state)
        if grade.state != "graded" or grade.passed is not False:
            continue
        kind = types.get(grade.grader, grade.grader)
        names.add(f"grader:{grade.grader}")
        reasons.append(grade.reason)
        if kind == "refusal":
            outcome = str(grade.detail.get("outcome", ""))
            if outcome in ("missed-refusal", "over-refusal"):
                names.add(outcome)
        if kind in FORMAT_GRADERS:
            names.update(("format", f"format:{kind}"))
    return Signals(frozenset(names), tuple(reasons))


def matching_rule(rules: tuple[str, ...], found: Signals) -> str | None:
    """The first of `rules` that `found` satisfies, if any."""
    for rule in rules:
        if rule.startswith("reason:"):
            needle = rule.removeprefix("reason:").lower()
            if any(needle in reason.lower() for reason in found.reasons):
                return rule
        elif rule in found.names:
            return rule
    return None


def rule_tags(
    taxonomy: TaxonomyVersion,
    results: Iterable[ResultRow],
    human: Mapping[str, HumanGrade] | None = None,
) -> list[RuleTag]:
    """Every (result, category) the taxonomy's rules give, in suite order; `human` holds the
    run's human grades by case id."""
    out: list[RuleTag] = []
    for result in results:
        found = signals(result, (human or {}).get(result.case_id))
        if not found.names:
            continue
        for category in taxonomy.categories:
            rule = matching_rule(effective_rules(category), found)
            if rule is not None:
                out.append(RuleTag(result.case_id, category.name, rule))
    return out
