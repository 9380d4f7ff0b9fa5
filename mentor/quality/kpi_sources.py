"""What the KPIs are computed from: per project (finished items, reviews, gold, agreement,
clarifications, releases) and per released version (its newest QA scan's counts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mentor import agreement
from mentor.agreement import AgreementError
from mentor.annotate.annotations import Annotation
from mentor.annotate.gold import gold_accuracy
from mentor.annotate.items import ADJUDICATED, COMPLETE
from mentor.datasets.versions import VersionInfo
from mentor.quality.project_labels import questions
from mentor.store.audit import AuditEvent

if TYPE_CHECKING:
    from mentor.workspace import Workspace

QA_ACTIONS = ("qa.scan", "qa.gate")


@dataclass(frozen=True)
class ProjectFacts:
    """One project's counts for the KPIs; `alpha` is None with the reason in `alpha_note`."""

    name: str
    created_at: datetime
    finished_at: list[datetime]
    reviewed: int
    review_passed: int
    gold_answers: int
    gold_score: float
    items_labelled: int
    clarifications: int
    alpha: float | None
    alpha_items: int
    alpha_note: str


@dataclass(frozen=True)
class Release:
    """A dataset version written by a project's release, with its newest QA counts (None:
    no QA scan of that version ran the check)."""

    version: VersionInfo
    project: str
    defect_rate: float | None
    pii_findings: int | None


def _finished(ws: Workspace, name: str, labels: list[Annotation]) -> list[datetime]:
    decided = {d.item_id: d.created_at for d in ws.projects.adjudications(name)}
    last: dict[int, datetime] = {}
    for a in labels:
        if a.review != "reject":
            last[a.item_id] = max(last.get(a.item_id, a.submitted_at), a.submitted_at)
    out = []
    for item in ws.projects.items(name):
        if item.gold:
            continue
        if item.status == ADJUDICATED and item.id in decided:
            out.append(decided[item.id])
        elif item.status == COMPLETE and item.id in last:
            out.append(last[item.id])
    return sorted(out)


def _alpha(ws: Workspace, name: str, found: list[Annotation]) -> tuple[float | None, int, str]:
    tables = questions(ws.projects.get(name), found)
    if not tables or len(tables[0].table.annotators) < 2:
        return None, 0, "fewer than two annotators labelled"
    first = tables[0]
    try:
        alpha = agreement.krippendorff_alpha(first.table.rows, level=first.level, n_boot=0)
    except AgreementError as exc:
        return None, 0, str(exc)
    return alpha.value, alpha.n_items, f"{first.name} ({first.level})"


def project_facts(ws: Workspace, name: str) -> ProjectFacts:
    """The KPI inputs of project `name`."""
    found = ws.projects.annotations(name, include_gold=True)
    labels = [a for a in found if not a.gold]
    gold = gold_accuracy(found)
    reviewed = [a for a in labels if a.review is not None]
    alpha, alpha_items, note = _alpha(ws, name, found)
    return ProjectFacts(
        name=name,
        created_at=ws.projects.get(name).created_at,
        finished_at=_finished(ws, name, labels),
        reviewed=len(reviewed),
        review_passed=sum(a.review == "accept" for a in reviewed),
        gold_answers=gold.answered,
        gold_score=gold.score,
        items_labelled=len({a.item_id for a in labels}),
        clarifications=len(ws.projects.questions(name)),
        alpha=alpha,
        alpha_items=alpha_items,
        alpha_note=note,
    )


def _newest(events: list[AuditEvent], check: str) -> dict[str, Any] | None:
    for event in events:  # newest first
        if event.action in QA_ACTIONS and check in event.detail.get("checks", []):
            return event.detail
    return None


def _release(ws: Workspace, version: VersionInfo) -> Release:
    events = ws.audit(limit=500, object_id=version.ref)
    lint, pii = _newest(events, "lint"), _newest(events, "pii")
    rate = None
    if lint is not None:
        records = int(lint.get("records") or 0)
        rate = int(lint.get("affected", {}).get("lint", 0)) / records if records else 0.0
    findings = None if pii is None else sum(pii.get("by_severity", {}).get("pii", {}).values())
    return Release(version, str(version.params.get("project", "")), rate, findings)


def releases(ws: Workspace) -> list[Release]:
    """Every version written by a project's release, oldest first."""
    found = [
        v
        for d in ws.datasets.all()
        for v in ws.datasets.versions(d.name)
        if v.transform == "annotate" and v.params.get("project")
    ]
    return [_release(ws, v) for v in sorted(found, key=lambda v: (v.created_at, v.id))]
