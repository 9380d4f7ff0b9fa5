"""Which complaints are fixed: each cluster's reports, the cases and items they became, and
whether those cases pass in the newest run of their suite."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, select

from mentor.analysis.feedback_store import FeedbackReport, batch_reports, cluster_rows
from mentor.evals.runs import list_runs
from mentor.store.eval_tables import eval_results
from mentor.store.feedback_tables import feedback_links

NOT_RUN = "not run"


@dataclass(frozen=True)
class CaseState:
    """A case made from reports, and its state in the newest run of its suite (`run_id`):
    passed, failed, error, unparsed, ungraded, or "not run" (no run has it yet)."""

    suite: str
    case_id: str
    reports: int
    state: str
    run_id: int | None


@dataclass(frozen=True)
class ItemLink:
    """An annotation item made from reports."""

    project: str
    item_id: int
    reports: int


@dataclass(frozen=True)
class ClusterStatus:
    """One cluster: how many reports (duplicates included), how many were triaged, and how
    many are fixed (every case made from them passes in the newest run of its suite)."""

    number: int
    terms: tuple[str, ...]
    reports: int
    triaged: int
    fixed: int
    cases: tuple[CaseState, ...]
    items: tuple[ItemLink, ...]


def _states(
    conn: Connection, wanted: dict[str, set[str]]
) -> dict[tuple[str, str], tuple[str, int | None]]:
    """(suite, case id) -> (state in the suite's newest run, that run's id)."""
    out: dict[tuple[str, str], tuple[str, int | None]] = {}
    for suite, cases in wanted.items():
        runs = list_runs(conn, suite=suite, limit=1)
        run_id = runs[0].id if runs else None
        found: dict[str, str] = {}
        if run_id is not None:
            query = select(eval_results.c.case_id, eval_results.c.state).where(
                eval_results.c.run_id == run_id, eval_results.c.case_id.in_(sorted(cases))
            )
            found = {case: state for case, state in conn.execute(query)}
        for case in cases:
            out[suite, case] = (found.get(case, NOT_RUN), run_id if case in found else None)
    return out


def batch_status(conn: Connection, batch_id: int) -> list[ClusterStatus]:
    """Every cluster of the batch with its triage and fix counts."""
    reports = batch_reports(conn, batch_id)
    by_id: dict[int, FeedbackReport] = {r.id: r for r in reports}
    links = conn.execute(
        select(feedback_links).where(feedback_links.c.report_id.in_(list(by_id)))
    ).all()
    wanted: dict[str, set[str]] = defaultdict(set)
    for row in links:
        if row.kind == "case":
            wanted[row.target].add(row.ref)
    states = _states(conn, wanted)
    out = []
    for cluster in cluster_rows(conn, batch_id):
        mine = {r.id for r in reports if r.cluster == cluster.number}
        case_reports: dict[tuple[str, str], set[int]] = defaultdict(set)
        item_reports: dict[tuple[str, str], set[int]] = defaultdict(set)
        per_report: dict[int, list[str]] = defaultdict(list)
        for row in links:
            if row.report_id not in mine:
                continue
            if row.kind == "case":
                case_reports[row.target, row.ref].add(row.report_id)
                per_report[row.report_id].append(states[row.target, row.ref][0])
            else:
                item_reports[row.target, row.ref].add(row.report_id)
                per_report.setdefault(row.report_id, [])
        fixed = sum(1 for s in per_report.values() if s and all(x == "passed" for x in s))
        cases = tuple(
            CaseState(suite, case, len(ids), *states[suite, case])
            for (suite, case), ids in sorted(case_reports.items())
        )
        items = tuple(
            ItemLink(project, int(item), len(ids))
            for (project, item), ids in sorted(
                item_reports.items(), key=lambda kv: (kv[0][0], int(kv[0][1]))
            )
        )
        out.append(
            ClusterStatus(
                cluster.number,
                tuple(cluster.terms),
                len(mine),
                len(per_report),
                fixed,
                cases,
                items,
            )
        )
    return out
