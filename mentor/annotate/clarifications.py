"""Clarifications: an annotator asks about an item or the guideline; the trainer's answer is
published as a clarification in the guideline's next version, which the project then uses.

An annotator may ask about an item only while they hold it or once they labelled it; any other
item id, taken by someone else, gold or made up, gets the same "not found", so a question never
tells which items exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, exists, insert, or_, select, update

from mentor.annotate import guidelines
from mentor.annotate.freetext import check_text
from mentor.annotate.guidelines import GuidelineVersion
from mentor.annotate.members import load_open
from mentor.annotate.projects import ProjectInfo, load
from mentor.annotate.queues import LEASED, check_user
from mentor.errors import ConflictError, InputError, NotFoundError
from mentor.store.annotation_tables import annotations as annotations_t
from mentor.store.annotation_tables import assignments, clarifications, projects
from mentor.store.audit import aware, now, record_event
from mentor.store.engine import write_transaction


@dataclass(frozen=True)
class Clarification:
    """A question and, once answered, the answer and the guideline version it went into."""

    id: int
    project: str
    item_id: int | None
    asked_by: str
    question: str
    asked_at: datetime
    answer: str | None
    answered_by: str | None
    answered_at: datetime | None
    guideline_version: int | None


def _clarification(project: str, r: Any) -> Clarification:
    return Clarification(
        id=r.id,
        project=project,
        item_id=r.item_id,
        asked_by=r.asked_by,
        question=r.question,
        asked_at=aware(r.asked_at),
        answer=r.answer,
        answered_by=r.answered_by,
        answered_at=aware(r.answered_at) if r.answered_at else None,
        guideline_version=r.guideline_version,
    )


def check_askable(
    conn: Connection, project: ProjectInfo, item_id: int, annotator: str, at: datetime
) -> None:
    """Refuse a question about an item `annotator` neither holds at `at` nor labelled, with the
    same NotFoundError whether or not the item exists."""
    held = exists().where(
        assignments.c.project_id == project.id,
        assignments.c.item_id == item_id,
        assignments.c.annotator == annotator,
        assignments.c.state == LEASED,
        assignments.c.expires_at > at,
    )
    labelled = exists().where(
        annotations_t.c.project_id == project.id,
        annotations_t.c.item_id == item_id,
        annotations_t.c.annotator == annotator,
    )
    if not conn.execute(select(or_(held, labelled))).scalar():
        raise NotFoundError(
            f"{annotator} has no item {item_id} in project '{project.name}' to ask about: ask "
            "about an item while you hold it or after you labelled it, or ask about the guideline"
        )


def ask(
    engine: Engine,
    name: str,
    asked_by: str,
    question: str,
    item_id: int | None,
    at: datetime,
) -> Clarification:
    """Record a question (about an item, or the guideline in general) from someone who may work
    on the project's queue; an item must be one they hold at `at` or labelled."""
    check_user(asked_by, "annotator")
    if not question.strip():
        raise InputError("the question is empty", field="question")
    check_text(question, "question")
    with write_transaction(engine) as conn:
        project = load_open(conn, name, asked_by)
        if item_id is not None:
            check_askable(conn, project, item_id, asked_by, at)
        new_id = conn.execute(
            insert(clarifications)
            .values(
                project_id=project.id,
                item_id=item_id,
                asked_by=asked_by,
                question=question.strip(),
                asked_at=now(),
            )
            .returning(clarifications.c.id)
        ).scalar_one()
        row = conn.execute(select(clarifications).where(clarifications.c.id == new_id)).one()
        return _clarification(name, row)


def questions(conn: Connection, project: ProjectInfo, open_only: bool) -> list[Clarification]:
    """The project's questions, oldest first (only unanswered ones with `open_only`)."""
    query = select(clarifications).where(clarifications.c.project_id == project.id)
    if open_only:
        query = query.where(clarifications.c.answer.is_(None))
    rows = conn.execute(query.order_by(clarifications.c.id))
    return [_clarification(project.name, r) for r in rows]


def publish(
    conn: Connection,
    project: ProjectInfo,
    body: str | None,
    added: list[dict[str, Any]],
    actor: str,
    note: str,
) -> GuidelineVersion:
    """The guideline's next version (new body or the same, every clarification so far plus
    `added`); the project moves to it."""
    current = guidelines.by_id(conn, project.guideline_version_id)
    carried = [c.__dict__ for c in current.clarifications]
    version_id = guidelines.publish(
        conn, project.guideline_id, body or current.body, carried + added, actor, note
    )
    conn.execute(
        update(projects).where(projects.c.id == project.id).values(guideline_version_id=version_id)
    )
    return guidelines.by_id(conn, version_id)


def answer(engine: Engine, name: str, question_id: int, text: str, actor: str) -> Clarification:
    """Answer a question; the answer is published in the guideline's next version."""
    if not text.strip():
        raise InputError("the answer is empty", field="answer")
    check_text(text, "answer")
    with write_transaction(engine) as conn:
        project = load(conn, name)
        row = conn.execute(
            select(clarifications).where(
                clarifications.c.id == question_id, clarifications.c.project_id == project.id
            )
        ).first()
        if row is None:
            raise NotFoundError(f"project '{name}' has no question {question_id}")
        if row.answer is not None:
            raise ConflictError(
                f"question {question_id} was answered by {row.answered_by} "
                f"(guideline v{row.guideline_version})"
            )
        note = {
            "id": row.id,
            "question": row.question,
            "answer": text.strip(),
            "asked_by": row.asked_by,
            "answered_by": actor,
        }
        version = publish(conn, project, None, [note], actor, f"clarification {question_id}")
        conn.execute(
            update(clarifications)
            .where(clarifications.c.id == question_id)
            .values(
                answer=text.strip(),
                answered_by=actor,
                answered_at=now(),
                guideline_version=version.number,
            )
        )
        record_event(
            conn,
            actor=actor,
            action="clarification.answer",
            object_type="project",
            object_id=name,
            detail={"question": question_id, "guideline": version.ref},
        )
        row = conn.execute(select(clarifications).where(clarifications.c.id == question_id)).one()
        return _clarification(name, row)
