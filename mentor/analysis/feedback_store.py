"""Feedback batches in the store: writing an imported batch, reading batches, clusters, reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from mentor.analysis.feedback_intake import Folding, Report
from mentor.errors import NotFoundError
from mentor.store.audit import aware, now
from mentor.store.feedback_tables import feedback_batches, feedback_clusters, feedback_reports


@dataclass(frozen=True)
class FeedbackBatch:
    """One imported feedback file: how many reports, how many were near-duplicates, what PII
    was scrubbed (pieces per kind), which embedder clustered it, how many clusters."""

    id: int
    source: str
    file_name: str
    sha256: str
    reports: int
    duplicates: int
    pii: dict[str, int]
    embedder: str
    clusters: int
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class FeedbackReport:
    """One stored report (scrubbed); `duplicate_of` names the report it was folded into."""

    id: int
    line: int
    source_id: str
    text: str
    prompt: str
    messages: tuple[dict[str, Any], ...] | None
    channel: str | None
    rating: str | None
    pii: dict[str, int]
    duplicate_of: int | None
    cluster: int | None


@dataclass(frozen=True)
class Theme:
    """A cluster as the clusterer gave it (number 0: the reports no cluster took): its terms,
    its exemplars and members (indices into the kept reports)."""

    number: int
    terms: tuple[str, ...]
    exemplars: tuple[int, ...]
    members: tuple[int, ...]


def save_batch(
    conn: Connection,
    head: dict[str, Any],
    reports: Sequence[Report],
    folding: Folding,
    themes: Sequence[Theme],
) -> int:
    """Store a batch: `themes` index the kept reports (those `folding` keeps), in order."""
    pii: dict[str, int] = {}
    for r in reports:
        for code, n in r.pii.items():
            pii[code] = pii.get(code, 0) + n
    values = {**head, "reports": len(reports), "duplicates": folding.duplicates, "pii": pii}
    inserted = conn.execute(feedback_batches.insert().values(**values, created_at=now()))
    batch_id = int(inserted.inserted_primary_key[0])  # type: ignore[index]
    ids: list[int] = []
    for i, r in enumerate(reports):
        keeper = folding.keeper[i]
        row = conn.execute(
            feedback_reports.insert().values(
                batch_id=batch_id,
                line=r.line,
                source_id=r.source_id,
                channel=r.channel,
                rating=r.rating,
                reported_at=r.reported_at,
                text=r.text,
                messages=list(r.messages) if r.messages is not None else None,
                pii=r.pii,
                duplicate_of=ids[keeper] if keeper != i else None,
                similarity=folding.similarity[i] if keeper != i else None,
            )
        )
        ids.append(int(row.inserted_primary_key[0]))  # type: ignore[index]
    kept = [i for i, k in enumerate(folding.keeper) if k == i]
    for theme in themes:
        cluster_id = conn.execute(
            feedback_clusters.insert().values(
                batch_id=batch_id,
                number=theme.number,
                terms=list(theme.terms),
                exemplars=[ids[kept[e]] for e in theme.exemplars],
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        members = [ids[kept[m]] for m in theme.members]
        conn.execute(
            feedback_reports.update()
            .where(
                (feedback_reports.c.id.in_(members))
                | (feedback_reports.c.duplicate_of.in_(members))
            )
            .values(cluster_id=cluster_id)
        )
    return batch_id


def _batch(conn: Connection, row: Any) -> FeedbackBatch:
    count = conn.execute(
        select(func.count()).where(feedback_clusters.c.batch_id == row.id)
    ).scalar_one()
    return FeedbackBatch(
        row.id,
        row.source,
        row.file_name,
        row.sha256,
        row.reports,
        row.duplicates,
        dict(row.pii),
        row.embedder,
        int(count),
        row.created_by,
        aware(row.created_at),
    )


def get_batch(conn: Connection, batch_id: int) -> FeedbackBatch:
    """Batch `batch_id`, or NotFoundError naming the command that lists them."""
    row = conn.execute(select(feedback_batches).where(feedback_batches.c.id == batch_id)).first()
    if row is None:
        raise NotFoundError(f"no feedback batch {batch_id}; `mentor feedback list` lists them")
    return _batch(conn, row)


def list_batches(conn: Connection, limit: int = 100) -> list[FeedbackBatch]:
    """The newest batches first."""
    query = select(feedback_batches).order_by(feedback_batches.c.id.desc()).limit(limit)
    return [_batch(conn, row) for row in conn.execute(query)]


def cluster_rows(conn: Connection, batch_id: int) -> list[Any]:
    """The batch's cluster rows in number order."""
    query = (
        select(feedback_clusters)
        .where(feedback_clusters.c.batch_id == batch_id)
        .order_by(feedback_clusters.c.number)
    )
    return list(conn.execute(query))


def batch_reports(conn: Connection, batch_id: int) -> list[FeedbackReport]:
    """Every report of the batch in file order, each with its cluster's number."""
    numbers = {r.id: r.number for r in cluster_rows(conn, batch_id)}
    query = (
        select(feedback_reports)
        .where(feedback_reports.c.batch_id == batch_id)
        .order_by(feedback_reports.c.id)
    )
    out = []
    for r in conn.execute(query):
        msgs = tuple(r.messages) if r.messages is not None else None
        report = Report(r.line, r.source_id, r.text, msgs)
        out.append(
            FeedbackReport(
                r.id,
                r.line,
                r.source_id,
                r.text,
                report.prompt,
                msgs,
                r.channel,
                r.rating,
                dict(r.pii),
                r.duplicate_of,
                numbers.get(r.cluster_id) if r.cluster_id is not None else None,
            )
        )
    return out
