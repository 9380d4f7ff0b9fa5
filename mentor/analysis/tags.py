"""Tags on eval results: a category (and a note) from a person, or a category from a rule.

Every tag keeps the taxonomy version it was made under; tags are never rewritten when the
taxonomy changes, so the history says what each result was tagged under which version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, insert, select

from mentor.analysis.rules import RuleTag
from mentor.analysis.taxonomy import TaxonomyVersion
from mentor.annotate.freetext import check_text
from mentor.errors import ConflictError, InputError, NotFoundError
from mentor.store.analysis_tables import analysis_tags, analysis_taxonomies
from mentor.store.audit import aware, now, record_event
from mentor.store.eval_tables import eval_results, eval_runs

TagSource = Literal["person", "rule"]


@dataclass(frozen=True)
class Tag:
    """One category (or, from a person, only a note) on one result of one run."""

    id: int
    run_id: int
    case_id: str
    category: str | None
    taxonomy: str | None
    """``SUITE@vN``: the taxonomy version the tag was made under."""
    taxonomy_number: int | None
    source: TagSource
    rule: str | None
    note: str
    created_by: str
    created_at: datetime


def check_result(conn: Connection, run_id: int, case_id: str) -> None:
    """NotFoundError unless run `run_id` has a stored result for case `case_id`."""
    found = conn.execute(
        select(eval_results.c.state).where(
            eval_results.c.run_id == run_id, eval_results.c.case_id == case_id
        )
    ).first()
    if found is None:
        raise NotFoundError(
            f"run {run_id} has no result for case '{case_id}'; `mentor eval show {run_id}` "
            "lists its cases"
        )


def add_tag(
    conn: Connection,
    run_id: int,
    case_id: str,
    category: str | None,
    taxonomy: TaxonomyVersion | None,
    note: str,
    actor: str,
) -> int:
    """A person's tag (a category from `taxonomy`, a note, or both); returns its id."""
    check_result(conn, run_id, case_id)
    check_text(note, "note", where="--note")
    if category is None and not note.strip():
        raise InputError("give a category, a note (--note), or both", field="category")
    if category is not None:
        if taxonomy is None:
            raise InputError("the suite has no taxonomy; tag with a note only", field="category")
        taxonomy.category(category)
        if _exists(conn, run_id, case_id, category, "person", actor):
            raise ConflictError(f"you already tagged run {run_id} case '{case_id}' {category}")
    tag_id = conn.execute(
        insert(analysis_tags)
        .values(
            run_id=run_id,
            case_id=case_id,
            category=category,
            taxonomy_id=taxonomy.id if taxonomy else None,
            source="person",
            rule=None,
            note=note,
            created_by=actor,
            created_at=now(),
        )
        .returning(analysis_tags.c.id)
    ).scalar_one()
    record_event(
        conn,
        actor=actor,
        action="tag.add",
        object_type="eval_result",
        object_id=f"{run_id}/{case_id}",
        after=category,
        detail={"taxonomy": taxonomy.ref if taxonomy else None, "note": note},
    )
    return int(tag_id)


def _exists(
    conn: Connection, run_id: int, case_id: str, category: str, source: str, actor: str | None
) -> bool:
    query = select(analysis_tags.c.id).where(
        analysis_tags.c.run_id == run_id,
        analysis_tags.c.case_id == case_id,
        analysis_tags.c.category == category,
        analysis_tags.c.source == source,
    )
    if actor is not None:
        query = query.where(analysis_tags.c.created_by == actor)
    return conn.execute(query).first() is not None


def add_rule_tags(
    conn: Connection,
    run_id: int,
    found: Sequence[RuleTag],
    taxonomy: TaxonomyVersion,
    actor: str,
) -> int:
    """Store the rule tags the run does not have yet; returns how many were new."""
    existing = {
        (r.case_id, r.category)
        for r in conn.execute(
            select(analysis_tags.c.case_id, analysis_tags.c.category).where(
                analysis_tags.c.run_id == run_id,
                analysis_tags.c.source == "rule",
                analysis_tags.c.taxonomy_id == taxonomy.id,
            )
        )
    }
    new = [t for t in found if (t.case_id, t.category) not in existing]
    stamp = now()
    if new:
        conn.execute(
            insert(analysis_tags),
            [
                {
                    "run_id": run_id,
                    "case_id": t.case_id,
                    "category": t.category,
                    "taxonomy_id": taxonomy.id,
                    "source": "rule",
                    "rule": t.rule,
                    "note": "",
                    "created_by": actor,
                    "created_at": stamp,
                }
                for t in new
            ],
        )
    record_event(
        conn,
        actor=actor,
        action="tag.rules",
        object_type="eval_run",
        object_id=str(run_id),
        after=len(new),
        detail={"taxonomy": taxonomy.ref, "matched": len(found), "new": len(new)},
    )
    return len(new)


def _tag(row: Any) -> Tag:
    return Tag(
        id=row.id,
        run_id=row.run_id,
        case_id=row.case_id,
        category=row.category,
        taxonomy=f"{row.suite}@v{row.number}" if row.number is not None else None,
        taxonomy_number=row.number,
        source=row.source,
        rule=row.rule,
        note=row.note,
        created_by=row.created_by,
        created_at=aware(row.created_at),
    )


def list_tags(
    conn: Connection, *, run_id: int | None = None, suite: str | None = None
) -> list[Tag]:
    """Tags of one run, or of every run of one suite, oldest first."""
    query = (
        select(analysis_tags, analysis_taxonomies.c.suite, analysis_taxonomies.c.number)
        .outerjoin(analysis_taxonomies, analysis_taxonomies.c.id == analysis_tags.c.taxonomy_id)
        .order_by(analysis_tags.c.id)
    )
    if run_id is not None:
        query = query.where(analysis_tags.c.run_id == run_id)
    if suite is not None:
        query = query.join(eval_runs, eval_runs.c.id == analysis_tags.c.run_id).where(
            eval_runs.c.suite_name == suite
        )
    return [_tag(row) for row in conn.execute(query)]
