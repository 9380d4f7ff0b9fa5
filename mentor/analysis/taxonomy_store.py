"""Taxonomy versions in the store: publish the next one, read them back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.exc import IntegrityError

from mentor.analysis.taxonomy import Category, TaxonomyVersion
from mentor.annotate.freetext import check_text
from mentor.errors import ConflictError, NotFoundError
from mentor.store.analysis_tables import analysis_taxonomies
from mentor.store.audit import aware, now, record_event
from mentor.store.eval_tables import eval_suites


def check_suite(conn: Connection, suite: str) -> None:
    """NotFoundError unless some version of suite `suite` has been run or stored."""
    if conn.execute(select(eval_suites.c.id).where(eval_suites.c.name == suite)).first() is None:
        raise NotFoundError(f"no suite named '{suite}'; `mentor eval runs` lists the suites run")


def publish(
    conn: Connection,
    suite: str,
    categories: Sequence[Category],
    change: dict[str, Any],
    actor: str,
    note: str = "",
) -> TaxonomyVersion:
    """Write the next version of `suite`'s taxonomy, with an audit event."""
    check_suite(conn, suite)
    check_text(note, "note")
    number = 1 + (
        conn.execute(
            select(func.max(analysis_taxonomies.c.number)).where(
                analysis_taxonomies.c.suite == suite
            )
        ).scalar()
        or 0
    )
    values = {
        "suite": suite,
        "number": number,
        "categories": [c.as_dict() for c in categories],
        "change": change,
        "note": note,
        "created_by": actor,
        "created_at": now(),
    }
    try:
        with conn.begin_nested():
            tid = conn.execute(
                insert(analysis_taxonomies).values(**values).returning(analysis_taxonomies.c.id)
            ).scalar_one()
    except IntegrityError as exc:
        raise ConflictError(
            f"someone else changed {suite}'s taxonomy (v{number}) at the same time; "
            "read it again and redo your change"
        ) from exc
    record_event(
        conn,
        actor=actor,
        action=f"taxonomy.{change.get('op', 'set')}",
        object_type="taxonomy",
        object_id=f"{suite}@v{number}",
        before=f"{suite}@v{number - 1}" if number > 1 else None,
        after=[c.name for c in categories],
        detail={**change, "note": note},
    )
    return by_id(conn, int(tid))


def _version(row: Any) -> TaxonomyVersion:
    return TaxonomyVersion(
        id=row.id,
        suite=row.suite,
        number=row.number,
        categories=tuple(
            Category(
                c["name"],
                c["definition"],
                tuple(c["examples"]),
                tuple(c["counterexamples"]),
                tuple(c.get("rules", ())),
            )
            for c in row.categories
        ),
        change=dict(row.change),
        note=row.note,
        created_by=row.created_by,
        created_at=aware(row.created_at),
    )


def by_id(conn: Connection, taxonomy_id: int) -> TaxonomyVersion:
    """A taxonomy version by its database id."""
    row = conn.execute(
        select(analysis_taxonomies).where(analysis_taxonomies.c.id == taxonomy_id)
    ).one()
    return _version(row)


def history(conn: Connection, suite: str) -> list[TaxonomyVersion]:
    """Every version of `suite`'s taxonomy, oldest first (empty when it has none)."""
    rows = conn.execute(
        select(analysis_taxonomies)
        .where(analysis_taxonomies.c.suite == suite)
        .order_by(analysis_taxonomies.c.number)
    )
    return [_version(r) for r in rows]


def version(conn: Connection, suite: str, number: int | None = None) -> TaxonomyVersion:
    """Version `number` of `suite`'s taxonomy (the newest when None)."""
    found = history(conn, suite)
    if not found:
        raise NotFoundError(
            f"suite '{suite}' has no error taxonomy yet; write one with "
            f"`mentor analysis taxonomy set {suite} FILE.yaml`"
        )
    if number is None:
        return found[-1]
    for v in found:
        if v.number == number:
            return v
    raise NotFoundError(
        f"suite '{suite}' has no taxonomy version {number}; it has v1..v{len(found)}"
    )
