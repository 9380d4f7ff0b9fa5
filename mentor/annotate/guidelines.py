"""Guidelines: versioned markdown (labels, definitions, examples, counterexamples, decision rules)
and the clarifications that answered annotators' questions, carried into each next version."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, insert, select

from mentor.annotate.freetext import check_text
from mentor.errors import ConflictError, InputError, NotFoundError
from mentor.store.annotation_tables import guideline_versions, guidelines
from mentor.store.audit import aware, now, record_event
from mentor.textfile import read_text

SECTIONS = ("labels", "definitions", "examples", "counterexamples", "decision rules")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True)
class GuidelineClarification:
    """A question an annotator asked and the trainer's answer, as published in a version."""

    id: int
    question: str
    answer: str
    asked_by: str
    answered_by: str


@dataclass(frozen=True)
class GuidelineVersion:
    """One immutable version of a guideline."""

    guideline: str
    number: int
    body: str
    clarifications: list[GuidelineClarification]
    note: str
    created_by: str
    created_at: datetime
    ref: str = field(init=False)
    """``NAME@vN``, as released dataset versions name it."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ref", f"{self.guideline}@v{self.number}")

    @property
    def text(self) -> str:
        """The markdown annotators read: the body, then every clarification so far."""
        if not self.clarifications:
            return self.body
        notes = "\n\n".join(
            f"### {c.question.strip()}\n\n{c.answer.strip()}\n\n"
            f"*Asked by {c.asked_by}, answered by {c.answered_by}.*"
            for c in self.clarifications
        )
        return f"{self.body.rstrip()}\n\n## Clarifications\n\n{notes}\n"

    @property
    def missing_sections(self) -> list[str]:
        """Which of the usual sections (labels, definitions, examples, ...) have no heading."""
        headings = " | ".join(h.lower() for h in _HEADING.findall(self.body))
        return [s for s in SECTIONS if s not in headings]


def read_body(source: str | Path, where: str = "--guideline") -> str:
    """Guideline markdown from a file (a Path) or given as text (a str)."""
    if isinstance(source, Path):
        text = read_text(source, "guideline (Markdown file)")
        where = str(source)
    else:
        text = source
    if not text.strip():
        raise InputError(
            "the guideline is empty; write its labels, definitions and rules", where=where
        )
    check_text(text, "guideline", where=where)
    return text


def create(conn: Connection, name: str, body: str, actor: str) -> tuple[int, int]:
    """A new guideline with its version 1; returns (guideline id, version id)."""
    if conn.execute(select(guidelines.c.id).where(guidelines.c.name == name)).first():
        raise ConflictError(f"a guideline named '{name}' already exists")
    gid = conn.execute(
        insert(guidelines)
        .values(name=name, created_by=actor, created_at=now())
        .returning(guidelines.c.id)
    ).scalar_one()
    return gid, publish(conn, gid, body, [], actor, "first version")


def publish(
    conn: Connection,
    guideline_id: int,
    body: str,
    clarifications: list[dict[str, Any]],
    actor: str,
    note: str,
) -> int:
    """Write the next version of a guideline; returns its id."""
    check_text(note, "note")
    # Concurrent publishers queue on the guideline's row (PostgreSQL) for the next number.
    conn.execute(select(guidelines.c.id).where(guidelines.c.id == guideline_id).with_for_update())
    number = 1 + (
        conn.execute(
            select(func.max(guideline_versions.c.number)).where(
                guideline_versions.c.guideline_id == guideline_id
            )
        ).scalar()
        or 0
    )
    vid = conn.execute(
        insert(guideline_versions)
        .values(
            guideline_id=guideline_id,
            number=number,
            body=body,
            clarifications=clarifications,
            note=note,
            created_by=actor,
            created_at=now(),
        )
        .returning(guideline_versions.c.id)
    ).scalar_one()
    name = conn.execute(select(guidelines.c.name).where(guidelines.c.id == guideline_id)).scalar()
    record_event(
        conn,
        actor=actor,
        action="guideline.publish",
        object_type="guideline",
        object_id=f"{name}@v{number}",
        detail={"note": note, "clarifications": len(clarifications)},
    )
    return int(vid)


def _version(row: Any, name: str) -> GuidelineVersion:
    return GuidelineVersion(
        guideline=name,
        number=row.number,
        body=row.body,
        clarifications=[GuidelineClarification(**c) for c in row.clarifications],
        note=row.note,
        created_by=row.created_by,
        created_at=aware(row.created_at),
    )


def by_id(conn: Connection, version_id: int) -> GuidelineVersion:
    """A guideline version by its database id."""
    row = conn.execute(
        select(guideline_versions, guidelines.c.name)
        .join(guidelines)
        .where(guideline_versions.c.id == version_id)
    ).one()
    return _version(row, row.name)


def versions(conn: Connection, guideline_id: int) -> list[GuidelineVersion]:
    """Every version of a guideline, oldest first."""
    rows = conn.execute(
        select(guideline_versions, guidelines.c.name)
        .join(guidelines)
        .where(guideline_versions.c.guideline_id == guideline_id)
        .order_by(guideline_versions.c.number)
    ).all()
    return [_version(r, r.name) for r in rows]


def version_number(conn: Connection, guideline_id: int, number: int | None) -> GuidelineVersion:
    """Version `number` of a guideline (the newest when None)."""
    found = versions(conn, guideline_id)
    if number is None:
        return found[-1]
    for version in found:
        if version.number == number:
            return version
    raise NotFoundError(f"the guideline has no version {number}; it has v1..v{len(found)}")
