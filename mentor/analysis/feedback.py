"""Feedback intake, the facade a Workspace hands out as ``ws.analysis.feedback``.

``import_file`` reads a JSONL/CSV file of user reports, scrubs PII, folds near-duplicates,
clusters the rest and stores the batch; ``triage`` turns a cluster into eval cases (a new suite
version) and/or annotation items, each linked to its reports; ``status`` says, per cluster, which
complaints are fixed in the newest run of their suite.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from mentor.analysis.feedback_export import write_suite_file
from mentor.analysis.feedback_intake import DEDUP_THRESHOLD, Report, fold_duplicates, read_reports
from mentor.analysis.feedback_status import ClusterStatus, batch_status
from mentor.analysis.feedback_store import (
    FeedbackBatch,
    FeedbackReport,
    batch_reports,
    cluster_rows,
    get_batch,
    list_batches,
    save_batch,
)
from mentor.analysis.feedback_themes import themes
from mentor.analysis.feedback_triage import CaseChoice, add_cases, add_items, newest_suite_id
from mentor.errors import InputError, NotFoundError
from mentor.evals.cases import SEVERITIES, Severity
from mentor.evals.suite_store import StoredSuite
from mentor.store import record_event, write_transaction

if TYPE_CHECKING:
    from mentor.workspace import Workspace


@dataclass(frozen=True)
class FeedbackCluster:
    """A cluster of a batch: its distinctive terms, its reports (duplicates included) and its
    most typical reports. Number 0 holds the reports no cluster took."""

    number: int
    terms: tuple[str, ...]
    reports: int
    duplicates: int
    exemplars: tuple[FeedbackReport, ...]


@dataclass(frozen=True)
class Triage:
    """What a triage made: cases in a new version of `suite`, items in `project`."""

    batch: int
    cluster: int
    suite: str | None
    suite_hash: str | None
    cases: tuple[str, ...]
    project: str | None
    items: tuple[int, ...]


class Feedback:
    """User reports imported, scrubbed, deduplicated, clustered, triaged and tracked."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    def import_file(
        self,
        path: str | Path,
        *,
        source: str | None = None,
        fmt: str | None = None,
        embedder: str = "auto",
        threshold: float = DEDUP_THRESHOLD,
    ) -> FeedbackBatch:
        """Import a JSONL, JSON or CSV file of reports as a new batch (see the module doc)."""
        path = Path(path)
        sha, reports = read_reports(path, self.ws.settings.max_line_bytes, fmt)
        folding = fold_duplicates([r.theme_text for r in reports], threshold)
        kept: list[Report] = [r for i, r in enumerate(reports) if folding.keeper[i] == i]
        used, found = themes([r.theme_text for r in kept], embedder)
        head = {
            "source": (source or path.stem)[:200],
            "file_name": path.name[:500],
            "sha256": sha,
            "embedder": used[:300],
            "created_by": self.ws.actor,
        }
        with write_transaction(self.ws.engine) as conn:
            batch_id = save_batch(conn, head, reports, folding, found)
            batch = get_batch(conn, batch_id)
            record_event(
                conn,
                actor=self.ws.actor,
                action="feedback.import",
                object_type="feedback_batch",
                object_id=str(batch_id),
                after={"file": batch.file_name, "sha256": sha, "reports": batch.reports},
                detail={
                    "duplicates": batch.duplicates,
                    "pii": batch.pii,
                    "clusters": batch.clusters,
                },
            )
        return batch

    def batches(self, *, limit: int = 100) -> list[FeedbackBatch]:
        """The newest batches first."""
        with self.ws.engine.connect() as conn:
            return list_batches(conn, limit)

    def batch(self, batch_id: int) -> FeedbackBatch:
        """One batch."""
        with self.ws.engine.connect() as conn:
            return get_batch(conn, batch_id)

    def reports(self, batch_id: int, cluster: int | None = None) -> list[FeedbackReport]:
        """The batch's reports (scrubbed) in file order, only cluster `cluster`'s if given."""
        with self.ws.engine.connect() as conn:
            get_batch(conn, batch_id)
            found = batch_reports(conn, batch_id)
        return [r for r in found if cluster is None or r.cluster == cluster]

    def clusters(self, batch_id: int) -> list[FeedbackCluster]:
        """The batch's clusters, largest first (0, the unclustered, last)."""
        with self.ws.engine.connect() as conn:
            get_batch(conn, batch_id)
            rows = cluster_rows(conn, batch_id)
            reports = batch_reports(conn, batch_id)
        by_id = {r.id: r for r in reports}
        out = []
        for row in rows:
            mine = [r for r in reports if r.cluster == row.number]
            dups = sum(r.duplicate_of is not None for r in mine)
            shown = tuple(by_id[i] for i in row.exemplars if i in by_id)
            out.append(FeedbackCluster(row.number, tuple(row.terms), len(mine), dups, shown))
        return sorted(out, key=lambda c: (c.number == 0, c.number))

    def triage(
        self,
        batch_id: int,
        cluster: int,
        *,
        suite: str | None = None,
        intent: str | None = None,
        severity: str = "major",
        should_refuse: bool | None = None,
        category: str = "helpfulness",
        project: str | None = None,
    ) -> Triage:
        """Cluster `cluster` of the batch as eval cases in a new version of `suite` (with
        `intent` and `severity`) and/or items in `project`; each linked to its reports."""
        choice = _choice(suite, intent, severity, should_refuse, category, project)
        with write_transaction(self.ws.engine) as conn:
            get_batch(conn, batch_id)
            groups = _groups(batch_reports(conn, batch_id), cluster, batch_id)
            suite_hash: str | None = None
            cases: list[str] = []
            if choice is not None:
                suite_hash, cases = add_cases(
                    conn, batch_id, cluster, groups, choice, self.ws.actor
                )
            items = (
                add_items(conn, batch_id, cluster, groups, project, self.ws.actor)
                if project
                else []
            )
            result = Triage(
                batch_id, cluster, suite, suite_hash, tuple(cases), project, tuple(items)
            )
            record_event(
                conn,
                actor=self.ws.actor,
                action="feedback.triage",
                object_type="feedback_batch",
                object_id=str(batch_id),
                after={
                    "cluster": cluster,
                    "suite": suite,
                    "suite_hash": suite_hash,
                    "cases": list(cases),
                    "project": project,
                    "items": list(items),
                },
                detail={
                    "intent": intent,
                    "severity": severity,
                    "reports": sum(1 + len(d) for _, d in groups),
                },
            )
        return result

    def status(self, batch_id: int) -> list[ClusterStatus]:
        """Per cluster: reports, how many were triaged, the cases and items they became, the
        cases' states in the newest run of their suite, and how many reports are fixed."""
        with self.ws.engine.connect() as conn:
            get_batch(conn, batch_id)
            return batch_status(conn, batch_id)

    def suite(self, name: str) -> StoredSuite:
        """The newest stored version of suite `name` (what triage wrote), ready for
        ``ws.evals.run``."""
        with self.ws.engine.connect() as conn:
            found = newest_suite_id(conn, name)
        if found is None:
            raise NotFoundError(f"no stored suite named '{name}'")
        return StoredSuite.load(self.ws.engine, found)

    def write_suite(self, name: str, path: str | Path) -> StoredSuite:
        """Write the newest stored version of suite `name` to `path` as a YAML suite file
        (``mentor eval run PATH`` then runs that very version)."""
        suite = self.suite(name)
        write_suite_file(suite, Path(path))
        return suite


def _choice(
    suite: str | None,
    intent: str | None,
    severity: str,
    should_refuse: bool | None,
    category: str,
    project: str | None,
) -> CaseChoice | None:
    if not suite and not project:
        raise InputError(
            "choose a suite for new cases, a project for new items, or both",
            where="--suite / --project",
        )
    if not suite:
        return None
    if len(suite) > 200:
        raise InputError("a suite name is at most 200 characters", where="--suite")
    if not intent or not intent.strip():
        raise InputError("new cases need an intent: what the user wanted", where="--intent")
    if severity not in SEVERITIES:
        raise InputError(
            f"expected one of {', '.join(SEVERITIES)}, got {severity!r}", where="--severity"
        )
    return CaseChoice(
        suite, intent.strip()[:200], cast(Severity, severity), should_refuse, category
    )


def _groups(
    reports: list[FeedbackReport], cluster: int, batch_id: int
) -> list[tuple[FeedbackReport, list[FeedbackReport]]]:
    """The cluster's kept reports, each with the near-duplicates folded into it."""
    mine = [r for r in reports if r.cluster == cluster]
    if not mine:
        raise NotFoundError(f"feedback batch {batch_id} has no cluster {cluster}")
    return [
        (r, [d for d in mine if d.duplicate_of == r.id]) for r in mine if r.duplicate_of is None
    ]
