"""Failure clustering of one eval run: its failed results, grouped by what went wrong.

Each failed result becomes one text — the case's input, the model's output, the failing graders'
reasons, and people's notes on it (the open-coding step) — embedded and clustered by
:func:`mentor.analysis.clustering.cluster`. Each cluster is shown with its distinctive terms,
exemplars and the taxonomy categories its members are already tagged with; one can be promoted
into a new category (:func:`promotion`). Nothing is stored: the same run (and the same notes)
gives the same clusters. Notes written by a promotion ("promoted from cluster N") are left out
of the texts, so that promoting a cluster does not move the clusters.

Clustering is pure, so the last few clusterings are kept in memory, keyed by the texts
themselves (a SHA-256 of them) and the embedder settings: opening the clusters page again, or
promoting from it, does not embed the run again; a new note changes the texts and the key.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine

from mentor.analysis import taxonomy_store
from mentor.analysis.tags import Tag, add_tag, list_tags
from mentor.analysis.taxonomy import Category, TaxonomyVersion, check_name
from mentor.errors import InputError, NotFoundError
from mentor.evals.runs import ResultRow, get_run, iter_results, list_runs, run_id_of
from mentor.store import write_transaction

if TYPE_CHECKING:
    from mentor.analysis.clustering import Clustering

SNIPPET = 300
PROMOTED = "promoted from cluster "
REMEMBERED = 8
"""How many clusterings are kept in memory (per process)."""

_remembered: OrderedDict[tuple[str, str, int | None], Clustering] = OrderedDict()
_remembered_lock = threading.Lock()


@dataclass(frozen=True)
class FailureExemplar:
    """One failed result shown for its cluster: snippets of what was asked and answered."""

    case_id: str
    input: str
    output: str
    reasons: tuple[str, ...]
    """The failing graders' reasons, ``GRADER: reason``."""


@dataclass(frozen=True)
class FailureCluster:
    """One group of similar failures; `number` counts from 1, largest group first."""

    number: int
    size: int
    terms: tuple[str, ...]
    exemplars: tuple[FailureExemplar, ...]
    members: tuple[str, ...]
    """The case ids of its failed results, in suite order."""
    categories: tuple[tuple[str, int], ...]
    """(category, how many members carry it), most carried first."""


@dataclass(frozen=True)
class FailureClustering:
    """The failed results of one run, clustered; `unclustered` the case ids in no cluster."""

    suite: str
    run_id: int
    failures: int
    embedder: str
    method: str
    clusters: tuple[FailureCluster, ...]
    unclustered: tuple[str, ...]

    def cluster(self, number: int) -> FailureCluster:
        """Cluster `number` (from 1); NotFoundError naming the numbers there are."""
        for found in self.clusters:
            if found.number == number:
                return found
        raise NotFoundError(
            f"run {self.run_id} has no failure cluster {number}; "
            + (f"it has 1..{len(self.clusters)}" if self.clusters else "it has none")
        )


def snippet(text: str, limit: int = SNIPPET) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def case_input(row: ResultRow) -> str:
    """The case's last user message (its input), as text."""
    users = [m for m in row.case.messages if m.get("role") == "user"] or list(row.case.messages)
    content: Any = users[-1].get("content", "") if users else ""
    if isinstance(content, list):
        content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content)


def reasons(row: ResultRow) -> tuple[str, ...]:
    """``GRADER: reason`` for each grader that failed the result."""
    return tuple(
        f"{g.grader}: {g.reason}" if g.reason else g.grader for g in row.grades if g.passed is False
    )


def failure_text(row: ResultRow, notes: Sequence[str]) -> str:
    """What is embedded for one failed result."""
    parts = [case_input(row), row.output or row.error or "", *reasons(row), *notes]
    return "\n".join(p for p in parts if p)


def notes_by_case(tags: Iterable[Tag]) -> dict[str, list[str]]:
    """People's notes per case, without the ones a promotion wrote."""
    found: dict[str, list[str]] = {}
    for t in tags:
        if t.source == "person" and t.note.strip() and not t.note.startswith(PROMOTED):
            found.setdefault(t.case_id, []).append(t.note)
    return found


def build(
    suite: str,
    run_id: int,
    rows: Sequence[ResultRow],
    tags: Sequence[Tag],
    clustering: Clustering,
) -> FailureClustering:
    """The clustered failures from the rows that were clustered, in the order they were."""
    tagged: dict[str, set[str]] = {}
    for t in tags:
        if t.category is not None:
            tagged.setdefault(t.case_id, set()).add(t.category)
    clusters = []
    for number, found in enumerate(clustering.clusters, start=1):
        members = sorted(found.members, key=lambda i: rows[i].position)
        counts = Counter(c for i in members for c in tagged.get(rows[i].case_id, ()))
        exemplars = tuple(
            FailureExemplar(
                rows[i].case_id,
                snippet(case_input(rows[i])),
                snippet(rows[i].output or rows[i].error or ""),
                reasons(rows[i]),
            )
            for i in found.exemplars
        )
        clusters.append(
            FailureCluster(
                number,
                found.size,
                tuple(found.terms),
                exemplars,
                tuple(rows[i].case_id for i in members),
                tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    noise = tuple(rows[i].case_id for i in sorted(clustering.noise, key=lambda i: rows[i].position))
    return FailureClustering(
        suite, run_id, len(rows), clustering.embedder, clustering.method, tuple(clusters), noise
    )


def promoted_categories(
    current: TaxonomyVersion | None, found: FailureCluster, name: str, definition: str
) -> tuple[Category, ...]:
    """The current categories plus the new one (its examples: the cluster's exemplar inputs)."""
    check_name(name)
    if not definition.strip():
        raise InputError("give the new category a definition", field="definition")
    existing = current.categories if current else ()
    if any(c.name == name for c in existing):
        raise InputError(
            f"{current.ref if current else 'the taxonomy'} already has a category '{name}'; "
            "pick another name",
            field="name",
        )
    examples = tuple(dict.fromkeys(e.input for e in found.exemplars if e.input))
    return (*existing, Category(name, definition.strip(), examples))


@dataclass(frozen=True)
class Promotion:
    """What promoting a cluster did: the new taxonomy version and how many results it tagged."""

    taxonomy: TaxonomyVersion
    category: str
    cluster: int
    tagged: int


def pick_run(conn: Connection, suite: str, run: int | str | None) -> int:
    """The id of run `run` of `suite` (its newest run when None)."""
    if run is None:
        newest = list_runs(conn, suite=suite, limit=1)
        if not newest:
            raise NotFoundError(f"suite '{suite}' has no runs; `mentor eval runs` lists them")
        return newest[0].id
    number = run_id_of(run)
    found = get_run(conn, number).suite_name
    if found != suite:
        raise InputError(f"run {number} is a run of suite '{found}', not '{suite}'", field="run")
    return number


def failure_clustering(
    engine: Engine,
    suite: str,
    run: int | str | None,
    embedder: str = "auto",
    min_cluster_size: int | None = None,
) -> FailureClustering:
    """The failed results of run `run` of `suite` (its newest when None), clustered."""
    with engine.connect() as conn:
        run_id = pick_run(conn, suite, run)
        tags = list_tags(conn, run_id=run_id)
    rows = list(iter_results(engine, run_id, ("failed",)))
    notes = notes_by_case(tags)
    texts = [failure_text(r, notes.get(r.case_id, ())) for r in rows]
    return build(suite, run_id, rows, tags, clustered(texts, embedder, min_cluster_size))


def clustered(texts: Sequence[str], embedder: str, min_cluster_size: int | None) -> Clustering:
    """:func:`mentor.analysis.clustering.cluster` of `texts`, remembered for the same texts."""
    from mentor.analysis.clustering import cluster  # numpy, scikit-learn: on use

    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass") + b"\0")
    key = (digest.hexdigest(), embedder, min_cluster_size)
    with _remembered_lock:
        if key in _remembered:
            _remembered.move_to_end(key)
            return _remembered[key]
    found = cluster(texts, embedder=embedder, min_cluster_size=min_cluster_size)
    with _remembered_lock:
        _remembered[key] = found
        while len(_remembered) > REMEMBERED:
            _remembered.popitem(last=False)
    return found


def promote(
    engine: Engine,
    actor: str,
    clustering: FailureClustering,
    number: int,
    name: str,
    definition: str,
) -> Promotion:
    """Cluster `number` as a new category of the suite's taxonomy, its members tagged with it."""
    found = clustering.cluster(number)
    with write_transaction(engine) as conn:
        history = taxonomy_store.history(conn, clustering.suite)
        categories = promoted_categories(history[-1] if history else None, found, name, definition)
        change = {
            "op": "promote",
            "run": clustering.run_id,
            "cluster": number,
            "terms": list(found.terms),
        }
        version = taxonomy_store.publish(
            conn, clustering.suite, categories, change, actor, f"{PROMOTED}{number}"
        )
        for case_id in found.members:
            add_tag(conn, clustering.run_id, case_id, name, version, f"{PROMOTED}{number}", actor)
    return Promotion(version, name, number, len(found.members))
