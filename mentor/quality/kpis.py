"""The KPIs of the LLM trainer role, computed from the store.

Each KPI carries its definition. A KPI without data says "no data" and why; nothing is
estimated or filled in.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from mentor.qa.checks.coverage import read_priorities
from mentor.quality.kpi_sources import ProjectFacts, Release, project_facts, releases
from mentor.quality.periods import weeks_between
from mentor.quality.proportions import wilson
from mentor.store.audit import now

if TYPE_CHECKING:
    from mentor.workspace import Workspace

DEFINITIONS: Final[dict[str, tuple[str, str]]] = {
    "items_per_week": (
        "Labelled items per week (post-QA)",
        "Items finished after the project's own QA (agreed by their k annotators, or decided "
        "by an adjudicator), divided by the weeks from the first to the last finish (at least "
        "one week). An item finishes with its last agreeing label or its adjudication.",
    ),
    "qa_pass_rate": (
        "QA pass rate",
        "Share of reviewed annotations that the reviewer accepted as given (corrections and "
        "rejections do not pass), with a 95% Wilson interval.",
    ),
    "agreement": (
        "Inter-annotator agreement",
        "Krippendorff's alpha on each project's first question (pairwise choice, first rubric "
        "criterion, ...; at the question's scale), averaged over projects weighted by the items "
        "it used. Gold items are left out.",
    ),
    "gold_accuracy": (
        "Gold-set accuracy",
        "Mean score of every answer to a gold item (1 = the known answer), over all projects "
        "and annotators, with a 95% Wilson interval.",
    ),
    "clarifications_per_1000": (
        "Guideline clarifications per 1,000 items",
        "Questions annotators asked about the guidelines, per 1,000 items labelled at least "
        "once (gold items left out).",
    ),
    "defect_rate": (
        "Dataset defect rate per release",
        "Share of records of a released version with a lint finding of severity low or worse, "
        "from the newest QA scan or gate of that version that ran lint (`mentor qa scan`). "
        "The value is the newest release's; each release is listed.",
    ),
    "pii_findings": (
        "PII findings per release",
        "PII findings of any severity in a released version, from the newest QA scan or gate "
        "of that version that ran the PII check. The value is the newest release's.",
    ),
    "priority_coverage": (
        "Coverage of priority intents",
        "Share of the priority intents (from the file given with --priorities) that have at "
        "least their minimum number of records in the newest version of each released dataset.",
    ),
    "time_to_release": (
        "Time from task definition to released dataset",
        "Days from a project's creation to its first release, median over released projects.",
    ),
    "documentation": (
        "Documentation completeness",
        "Share of dataset versions in the workspace with a datasheet written "
        "(`mentor datasets datasheet`).",
    ),
}


@dataclass(frozen=True)
class KpiPart:
    """One line behind a KPI: a project or a release, its value (None: none yet) and a note."""

    label: str
    value: float | None
    note: str = ""


@dataclass(frozen=True)
class KpiPoint:
    """One point of a KPI's trend: a run (``#12``) of a suite, or a training run
    (``train:3``), in time order; `note` says more (e.g. a gate's verdict on that run)."""

    series: str
    x: str
    value: float
    low: float | None = None
    high: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Kpi:
    """A KPI: `value` with its `unit`, or None with the reason in `no_data`; `trend` is its
    history (model-side KPIs), oldest first."""

    key: str
    name: str
    definition: str
    unit: str
    value: float | None
    no_data: str | None = None
    low: float | None = None
    high: float | None = None
    parts: list[KpiPart] = field(default_factory=list)
    trend: list[KpiPoint] = field(default_factory=list)

    @property
    def shown_interval(self) -> str:
        """The 95% interval as people read it (``61.0% to 80.2%``), or empty."""
        if self.low is None or self.high is None:
            return ""
        if self.unit == "share":
            return f"{self.low:.1%} to {self.high:.1%}"
        return f"{self.low:,.2f} to {self.high:,.2f}"

    @property
    def shown(self) -> str:
        """The value as people read it, or "no data" with the reason."""
        if self.value is None:
            return f"no data: {self.no_data}"
        if self.unit == "share":
            return f"{self.value:.1%}"
        if self.unit == "alpha":
            return f"{self.value:.3f}"
        if self.unit == "findings":
            return f"{self.value:,.0f} findings"
        if self.unit == "days":
            return f"{self.value:,.2f} days"
        return f"{self.value:,.1f} {self.unit}"


@dataclass(frozen=True)
class KpiReport:
    """Every KPI of the workspace at `computed_at`."""

    computed_at: datetime
    projects: list[str]
    releases: list[str]
    kpis: list[Kpi]
    model_kpis: list[Kpi] = field(default_factory=list)
    """The model-side KPIs (:mod:`mentor.quality.model_kpis`), from eval and training runs."""
    suites: list[str] = field(default_factory=list)

    def kpi(self, key: str) -> Kpi:
        """The KPI called `key` (data-side or model-side)."""
        return next(k for k in [*self.kpis, *self.model_kpis] if k.key == key)


def _kpi(
    key: str,
    unit: str,
    value: float | None,
    no_data: str,
    parts: list[KpiPart] | None = None,
    interval: tuple[float | None, float | None] = (None, None),
) -> Kpi:
    name, definition = DEFINITIONS[key]
    reason = None if value is not None else no_data
    low, high = interval
    return Kpi(key, name, definition, unit, value, reason, low, high, parts or [])


def _items_per_week(facts: list[ProjectFacts]) -> Kpi:
    finished = sorted(t for f in facts for t in f.finished_at)
    parts = [KpiPart(f.name, float(len(f.finished_at)), "items finished") for f in facts]
    if not finished:
        return _kpi("items_per_week", "items/week", None, "no item has finished yet", parts)
    weeks = weeks_between(finished[0], finished[-1])
    return _kpi("items_per_week", "items/week", len(finished) / weeks, "", parts)


def _share_kpi(key: str, pairs: list[tuple[str, float, int]], empty: str) -> Kpi:
    hits, n = sum(h for _, h, _ in pairs), sum(k for _, _, k in pairs)
    parts = [KpiPart(name, h / k if k else None, f"{k:,} counted") for name, h, k in pairs]
    share = wilson(hits, n)
    return _kpi(key, "share", share.value, empty, parts, (share.low, share.high))


def _agreement(facts: list[ProjectFacts]) -> Kpi:
    parts = [KpiPart(f.name, f.alpha, f.alpha_note) for f in facts]
    usable = [f for f in facts if f.alpha is not None and f.alpha_items]
    if not usable:
        reason = "no project has items labelled by two annotators"
        return _kpi("agreement", "alpha", None, reason, parts)
    total = sum(f.alpha_items for f in usable)
    value = sum((f.alpha or 0.0) * f.alpha_items for f in usable) / total
    return _kpi("agreement", "alpha", value, "", parts)


def _clarifications(facts: list[ProjectFacts]) -> Kpi:
    items = sum(f.items_labelled for f in facts)
    parts = [
        KpiPart(
            f.name,
            1000 * f.clarifications / f.items_labelled if f.items_labelled else None,
            f"{f.clarifications} questions, {f.items_labelled} items",
        )
        for f in facts
    ]
    if not items:
        return _kpi(
            "clarifications_per_1000", "per 1,000 items", None, "no item labelled yet", parts
        )
    value = 1000 * sum(f.clarifications for f in facts) / items
    return _kpi("clarifications_per_1000", "per 1,000 items", value, "", parts)


def _per_release(
    key: str, unit: str, found: list[Release], pick: Callable[[Release], float | None], check: str
) -> Kpi:
    if not found:
        return _kpi(key, unit, None, "no dataset has been released from a project yet")
    parts = [
        KpiPart(r.version.ref, pick(r), "" if pick(r) is not None else f"no QA scan with {check}")
        for r in found
    ]
    newest = pick(found[-1])
    reason = (
        f"the newest release {found[-1].version.ref} has no QA scan with the {check} check; "
        f"run `mentor qa scan {found[-1].version.ref}`"
    )
    return _kpi(key, unit, newest, reason, parts)


def _coverage(ws: Workspace, found: list[Release], priorities: Path | None) -> Kpi:
    if priorities is None:
        return _kpi(
            "priority_coverage", "share", None, "no priority-intent file given (--priorities FILE)"
        )
    wanted = read_priorities(priorities)
    newest: dict[str, Release] = {r.version.dataset: r for r in found}
    if not newest:
        return _kpi(
            "priority_coverage", "share", None, "no dataset has been released from a project yet"
        )
    counts: dict[str, int] = {}
    for release in newest.values():
        for record in ws.datasets.records(release.version.ref):
            intent = str(record.get("intent") or "").casefold()
            counts[intent] = counts.get(intent, 0) + 1
    parts = [
        KpiPart(p.intent, float(counts.get(p.intent.casefold(), 0)), f"minimum {p.minimum}")
        for p in wanted
    ]
    met = sum(counts.get(p.intent.casefold(), 0) >= p.minimum for p in wanted)
    value = met / len(wanted) if wanted else None
    return _kpi(
        "priority_coverage", "share", value, "the priority-intent file lists no intent", parts
    )


def _time_to_release(facts: list[ProjectFacts], found: list[Release]) -> Kpi:
    first: dict[str, datetime] = {}
    for r in found:
        first.setdefault(r.project, r.version.created_at)
    parts = []
    for f in facts:
        if f.name in first:
            days = (first[f.name] - f.created_at).total_seconds() / 86400
            parts.append(KpiPart(f.name, days, f"released {first[f.name]:%Y-%m-%d}"))
        else:
            parts.append(KpiPart(f.name, None, "not released yet"))
    days_ = [p.value for p in parts if p.value is not None]
    value = statistics.median(days_) if days_ else None
    return _kpi("time_to_release", "days", value, "no project has been released yet", parts)


def _documentation(ws: Workspace) -> Kpi:
    refs = [v.ref for d in ws.datasets.all() for v in ws.datasets.versions(d.name)]
    documented = [ref for ref in refs if ws.datasets.stored_datasheet(ref) is not None]
    if not refs:
        return _kpi("documentation", "share", None, "the workspace has no dataset version yet")
    share = wilson(len(documented), len(refs))
    note = f"{len(documented)} of {len(refs)} versions have a datasheet"
    return _kpi(
        "documentation",
        "share",
        share.value,
        "",
        [KpiPart("versions", share.value, note)],
        (share.low, share.high),
    )


def workspace_kpis(ws: Workspace, *, priorities: Path | None = None) -> KpiReport:
    """Every KPI of the workspace, from its projects, releases, QA scans and datasheets."""
    facts = [project_facts(ws, p.name) for p in ws.projects.all()]
    found = releases(ws)
    kpis = [
        _items_per_week(facts),
        _share_kpi(
            "qa_pass_rate",
            [(f.name, f.review_passed, f.reviewed) for f in facts],
            "no annotation has been reviewed yet",
        ),
        _agreement(facts),
        _share_kpi(
            "gold_accuracy",
            [(f.name, f.gold_score, f.gold_answers) for f in facts],
            "no gold item has been answered yet",
        ),
        _clarifications(facts),
        _per_release("defect_rate", "share", found, lambda r: r.defect_rate, "lint"),
        _per_release(
            "pii_findings",
            "findings",
            found,
            lambda r: None if r.pii_findings is None else float(r.pii_findings),
            "pii",
        ),
        _coverage(ws, found, priorities),
        _time_to_release(facts, found),
        _documentation(ws),
    ]
    return KpiReport(now(), [f.name for f in facts], [r.version.ref for r in found], kpis)
