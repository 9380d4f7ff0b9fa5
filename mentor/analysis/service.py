"""The error-analysis facade a Workspace hands out as ``ws.analysis``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from mentor.analysis import failure_clusters, taxonomy_store
from mentor.analysis.failure_clusters import FailureClustering, Promotion
from mentor.analysis.issues import IssueTracker, RunPoint, build_tracker, issues_chart
from mentor.analysis.releases import released_runs
from mentor.analysis.rules import TAGGED_STATUSES, rule_tags
from mentor.analysis.tags import Tag, add_rule_tags, add_tag, list_tags
from mentor.analysis.taxonomy import (
    Category,
    TaxonomyVersion,
    current_name,
    merge,
    parse_taxonomy,
    split,
)
from mentor.errors import NotFoundError
from mentor.evals.human_grades import human_grades
from mentor.evals.runs import get_run, iter_results, list_runs, run_id_of
from mentor.store import write_transaction
from mentor.store.eval_tables import eval_results
from mentor.textfile import read_text

if TYPE_CHECKING:
    from mentor.analysis.feedback import Feedback
    from mentor.workspace import Workspace


@dataclass(frozen=True)
class RuleTagging:
    """What ``tag_rules`` did to one run."""

    run_id: int
    taxonomy: str
    matched: int
    """(result, category) pairs the rules gave."""
    new: int
    """Of those, how many the run did not have yet under this taxonomy version."""


class Analysis:
    """Error taxonomies per suite, tags on results, and the top issues over a suite's runs."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    @property
    def feedback(self) -> Feedback:
        """Feedback intake: import user reports, triage their clusters, track what is fixed."""
        from mentor.analysis.feedback import Feedback  # the QA scanners, annotation: on use

        return Feedback(self.ws)

    def set_taxonomy(
        self, suite: str, source: str | Path | Sequence[Category], *, note: str = ""
    ) -> TaxonomyVersion:
        """Write a new version of `suite`'s taxonomy from a YAML file (a path) or categories."""
        if isinstance(source, str | Path):
            path = Path(source)
            categories = parse_taxonomy(
                read_text(path, "YAML file of taxonomy categories"), str(path)
            )
        else:
            categories = tuple(source)
        with write_transaction(self.ws.engine) as conn:
            return taxonomy_store.publish(
                conn, suite, categories, {"op": "set"}, self.ws.actor, note
            )

    def taxonomy(self, suite: str, version: int | None = None) -> TaxonomyVersion:
        """Version `version` of `suite`'s taxonomy (the newest when None)."""
        with self.ws.engine.connect() as conn:
            return taxonomy_store.version(conn, suite, version)

    def taxonomy_history(self, suite: str) -> list[TaxonomyVersion]:
        """Every version of `suite`'s taxonomy, oldest first."""
        with self.ws.engine.connect() as conn:
            return taxonomy_store.history(conn, suite)

    def merge(
        self,
        suite: str,
        categories: Sequence[str],
        into: str,
        *,
        definition: str | None = None,
        note: str = "",
    ) -> TaxonomyVersion:
        """A new version with `categories` merged into `into`; their old tags count as `into`."""
        with write_transaction(self.ws.engine) as conn:
            current = taxonomy_store.version(conn, suite)
            merged = merge(current, categories, into, definition)
            change = {"op": "merge", "from": list(categories), "into": into}
            return taxonomy_store.publish(conn, suite, merged, change, self.ws.actor, note)

    def split(
        self, suite: str, category: str, into: Sequence[str], *, note: str = ""
    ) -> TaxonomyVersion:
        """A new version with `category` split into `into`; its old tags keep its old name."""
        with write_transaction(self.ws.engine) as conn:
            current = taxonomy_store.version(conn, suite)
            parts = split(current, category, into)
            change = {"op": "split", "from": category, "into": list(into)}
            return taxonomy_store.publish(conn, suite, parts, change, self.ws.actor, note)

    def tag(
        self, run_id: int | str, case_id: str, category: str | None = None, *, note: str = ""
    ) -> Tag:
        """A person's tag on one result: a category of the suite's newest taxonomy, a free-text
        note (open coding), or both."""
        number = run_id_of(run_id)
        with write_transaction(self.ws.engine) as conn:
            suite = get_run(conn, number).suite_name
            found = taxonomy_store.history(conn, suite)
            tag_id = add_tag(
                conn, number, case_id, category, found[-1] if found else None, note, self.ws.actor
            )
            return next(t for t in list_tags(conn, run_id=number) if t.id == tag_id)

    def tag_rules(self, run_id: int | str) -> RuleTagging:
        """Tag the run's failed results (and those people failed in review) by the rules of its
        suite's newest taxonomy."""
        number = run_id_of(run_id)
        with self.ws.engine.connect() as conn:
            current = taxonomy_store.version(conn, get_run(conn, number).suite_name)
            human = human_grades(conn, number)
        # Without human grades only the failed results can give signals: read only those.
        statuses = None if human else TAGGED_STATUSES
        found = rule_tags(current, iter_results(self.ws.engine, number, statuses), human)
        with write_transaction(self.ws.engine) as conn:
            new = add_rule_tags(conn, number, found, current, self.ws.actor)
        return RuleTagging(number, current.ref, len(found), new)

    def tags(self, run_id: int | str) -> list[Tag]:
        """Every tag on the run's results, oldest first."""
        number = run_id_of(run_id)
        with self.ws.engine.connect() as conn:
            get_run(conn, number)
            return list_tags(conn, run_id=number)

    def issues(self, suite: str, *, limit: int = 50) -> IssueTracker:
        """The top issues of `suite` over its newest `limit` runs (see mentor.analysis.issues)."""
        with self.ws.engine.connect() as conn:
            runs = list(reversed(list_runs(conn, suite=suite, limit=limit)))
            if not runs:
                raise NotFoundError(f"suite '{suite}' has no runs; `mentor eval runs` lists them")
            history = taxonomy_store.history(conn, suite)
            ids = [r.id for r in runs]
            statuses: dict[int, dict[str, str]] = {i: {} for i in ids}
            rows = conn.execute(
                select(eval_results.c.run_id, eval_results.c.case_id, eval_results.c.state).where(
                    eval_results.c.run_id.in_(ids)
                )
            )
            for run_id, case_id, state in rows:
                statuses[run_id][case_id] = state
            tags = [t for t in list_tags(conn, suite=suite) if t.run_id in statuses]
            released = released_runs(conn, ids)
        tagged: dict[int, dict[str, set[str]]] = {i: {} for i in ids}
        for t in tags:
            if t.category is not None:
                name = current_name(history, t.taxonomy_number or 0, t.category)
                tagged[t.run_id].setdefault(name, set()).add(t.case_id)
        points = [
            RunPoint(
                r.id,
                r.model,
                r.started_at,
                len(statuses[r.id]),
                sum(s == "failed" for s in statuses[r.id].values()),
                released.get(r.id),
            )
            for r in runs
        ]
        names = history[-1].names if history else []
        ref = history[-1].ref if history else None
        return build_tracker(suite, ref, names, points, tagged, statuses)

    def failure_clusters(
        self,
        suite: str,
        run: int | str | None = None,
        *,
        embedder: str = "auto",
        min_cluster_size: int | None = None,
    ) -> FailureClustering:
        """The failed results of the suite's newest run (or `run`), with people's notes on
        them, embedded and clustered (see mentor.analysis.failure_clusters)."""
        return failure_clusters.failure_clustering(
            self.ws.engine, suite, run, embedder, min_cluster_size
        )

    def promote(
        self,
        suite: str,
        run: int | str,
        cluster_number: int,
        *,
        name: str,
        definition: str,
        embedder: str = "auto",
        min_cluster_size: int | None = None,
    ) -> Promotion:
        """Cluster `cluster_number` of the run's failures as a new category of the suite's
        taxonomy (a new version), its members tagged with it."""
        found = self.failure_clusters(
            suite, run, embedder=embedder, min_cluster_size=min_cluster_size
        )
        return failure_clusters.promote(
            self.ws.engine, self.ws.actor, found, cluster_number, name, definition
        )

    def issues_chart(self, tracker: IssueTracker, top: int = 5) -> str:
        """The tracker's trend chart (SVG), as :func:`mentor.analysis.issues_chart` draws it."""
        return issues_chart(tracker, top)
