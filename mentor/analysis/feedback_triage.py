"""Triage: a cluster of reports becomes eval cases in a new suite version and/or annotation items
in a project; each case and item is linked to its source reports (duplicates included).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from mentor.analysis.feedback_store import FeedbackReport
from mentor.annotate import projects
from mentor.annotate.items import PlannedItem, insert_items
from mentor.errors import ConflictError
from mentor.evals.cases import Case, GraderSpec, Severity
from mentor.evals.specs import make_suite
from mentor.evals.suite_store import save_suite, stored_suite
from mentor.records import validate
from mentor.store.annotation_tables import project_items
from mentor.store.audit import now
from mentor.store.eval_tables import eval_suites
from mentor.store.feedback_tables import feedback_links


@dataclass(frozen=True)
class CaseChoice:
    """What the trainer chose for the new cases."""

    suite: str
    intent: str
    severity: Severity
    should_refuse: bool | None = None
    category: str = "helpfulness"


def _input(report: FeedbackReport) -> list[dict[str, Any]]:
    """The conversation up to the user's last message, or the report's text as one message."""
    msgs = list(report.messages or ())
    last = max((i for i, m in enumerate(msgs) if m.get("role") == "user"), default=None)
    if last is None:
        return [{"role": "user", "content": report.prompt}]
    return [dict(m) for m in msgs[: last + 1]]


def _sources(
    batch_id: int, cluster: int, kept: FeedbackReport, dups: Sequence[FeedbackReport]
) -> dict[str, Any]:
    group = [kept, *dups]
    return {
        "feedback": {
            "batch": batch_id,
            "cluster": cluster,
            "reports": [r.id for r in group],
            "source_ids": [r.source_id for r in group],
        }
    }


def newest_suite_id(conn: Connection, name: str) -> int | None:
    """The id of the newest stored version of suite `name` (None if it has none)."""
    query = select(func.max(eval_suites.c.id)).where(eval_suites.c.name == name)
    found = conn.execute(query).scalar()
    return None if found is None else int(found)


def add_cases(
    conn: Connection,
    batch_id: int,
    cluster: int,
    groups: Sequence[tuple[FeedbackReport, Sequence[FeedbackReport]]],
    choice: CaseChoice,
    actor: str,
) -> tuple[str, list[str]]:
    """A new version of `choice.suite` with one case per kept report of `groups` (those not in
    it yet); returns (its content hash, the new case ids)."""
    newest = newest_suite_id(conn, choice.suite)
    old = stored_suite(conn, newest) if newest is not None else None
    have = {c.id for c in old.cases} if old else set()
    graders = (GraderSpec("refusal"),) if choice.should_refuse is not None else ()
    new = [
        Case(
            id=f"feedback-{batch_id}-{kept.id}",
            messages=tuple(_input(kept)),
            intent=choice.intent,
            severity=choice.severity,
            category=choice.category,
            should_refuse=choice.should_refuse,
            tags=("feedback",),
            graders=graders,
            meta=_sources(batch_id, cluster, kept, dups),
        )
        for kept, dups in groups
        if f"feedback-{batch_id}-{kept.id}" not in have
    ]
    if not new:
        raise ConflictError(
            f"every report of cluster {cluster} is already a case of suite '{choice.suite}'"
        )
    description = old.description if old else f"cases from user feedback (batch {batch_id})"
    suite = make_suite(choice.suite, [*(old.cases if old else ()), *new], description=description)
    save_suite(conn, suite, actor, f"feedback batch {batch_id} cluster {cluster}")
    for case in new:
        link(conn, case.meta["feedback"]["reports"], "case", choice.suite, case.id, actor)
    return suite.content_hash, [c.id for c in new]


def add_items(
    conn: Connection,
    batch_id: int,
    cluster: int,
    groups: Sequence[tuple[FeedbackReport, Sequence[FeedbackReport]]],
    project: str,
    actor: str,
) -> list[int]:
    """One item per kept report of `groups` at the end of `project`'s queue (those not in it
    yet), each an SFT record of the conversation; returns the new item ids."""
    info = projects.load(conn, project)
    have = set(
        conn.execute(
            select(project_items.c.record_id).where(project_items.c.project_id == info.id)
        ).scalars()
    )
    last = conn.execute(
        select(func.max(project_items.c.position)).where(project_items.c.project_id == info.id)
    ).scalar()
    position = -1 if last is None else int(last)
    plan: list[PlannedItem] = []
    for kept, dups in groups:
        record_id = f"feedback-{batch_id}-{kept.id}"
        if record_id in have:
            continue
        msgs = list(kept.messages) if kept.messages else _input(kept)
        meta = _sources(batch_id, cluster, kept, dups)["feedback"]
        record = validate(
            {"id": record_id, "kind": "sft", "messages": msgs, "source": "feedback", "meta": meta}
        )
        info.task.check(record, info.config)
        position += 1
        plan.append(PlannedItem(position, record, None, None))
    if not plan:
        raise ConflictError(f"every report of this cluster is already an item of '{project}'")
    insert_items(conn, info.id, plan, {})
    rows = conn.execute(
        select(project_items.c.id, project_items.c.record_id).where(
            project_items.c.project_id == info.id,
            project_items.c.position >= plan[0].position,
        )
    )
    ids = {record_id: int(item_id) for item_id, record_id in rows}
    for item in plan:
        reports = item.record["meta"]["reports"]
        link(conn, reports, "item", project, str(ids[item.record["id"]]), actor)
    return [ids[item.record["id"]] for item in plan]


def link(
    conn: Connection, reports: Sequence[int], kind: str, target: str, ref: str, actor: str
) -> None:
    """Link each of `reports` to a case (`kind` "case": suite, case id) or item (project, id)."""
    at = now()
    conn.execute(
        feedback_links.insert(),
        [
            {
                "report_id": r,
                "kind": kind,
                "target": target,
                "ref": ref,
                "created_by": actor,
                "created_at": at,
            }
            for r in reports
        ],
    )
