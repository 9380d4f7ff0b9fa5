"""Project members: who may work on a project's annotation queue.

A project without members is open to every annotator. Once it has members, only they may lease,
hold, skip and submit its items, and only they see it among their projects. Membership governs
the annotation queue only: reviewing, adjudicating and managing a project are not restricted by
it. Removing a member keeps their annotations; a lease they hold simply runs out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    String,
    bindparam,
    delete,
    exists,
    insert,
    or_,
    select,
)

from mentor.accounts.roles import Permission
from mentor.accounts.users import User, get_user
from mentor.annotate.projects import BY_NAME, ProjectInfo, info_of
from mentor.errors import InputError, NotFoundError
from mentor.store.annotation_tables import project_members, projects
from mentor.store.audit import aware, now, record_event


class NotAMemberError(NotFoundError):
    """An annotator asked for the queue of a project that is open to its members only; for them
    the project is not there (the web app and the API answer 404)."""


@dataclass(frozen=True)
class Member:
    """One user who may work on a project's queue."""

    project: str
    user: str
    added_by: str
    added_at: datetime


def members(conn: Connection, project: ProjectInfo) -> list[Member]:
    """The project's members, by name (empty: the project is open to every annotator)."""
    rows = conn.execute(
        select(project_members)
        .where(project_members.c.project_id == project.id)
        .order_by(project_members.c.user_name)
    )
    return [Member(project.name, r.user_name, r.added_by, aware(r.added_at)) for r in rows]


def load_open(conn: Connection, name: str, annotator: str) -> ProjectInfo:
    """The project called `name` if its queue is open to `annotator` (one statement). A project
    that does not exist and one open to its members only give the same error, which names no
    other project: an annotator learns nothing of projects they may not work on."""
    row = conn.execute(_OPEN, {"name": name, "annotator": annotator}).first()
    if row is None or not row.open_to_annotator:
        raise NotAMemberError(
            f"no project named '{name}' is open to {annotator}; a trainer or admin can add "
            f"members on the project's page or with `mentor projects members {name} --add "
            f"{annotator}`"
        )
    return info_of(row)


def open_to(annotator: str | BindParameter[str]) -> ColumnElement[bool]:
    """A condition on ``projects``: the project is open to `annotator`."""
    has_members = exists().where(project_members.c.project_id == projects.c.id)
    is_member = exists().where(
        project_members.c.project_id == projects.c.id, project_members.c.user_name == annotator
    )
    return or_(~has_members, is_member)


_OPEN: Final = BY_NAME.add_columns(
    open_to(bindparam("annotator", type_=String)).label("open_to_annotator")
)


def _names(users: Iterable[str]) -> list[str]:
    names = list(dict.fromkeys(u.strip() for u in users if isinstance(u, str) and u.strip()))
    if not names:
        raise InputError("expected at least one user name", where="--add / --remove")
    return names


def add(conn: Connection, project: ProjectInfo, users: Iterable[str], actor: str) -> list[str]:
    """Make `users` (existing, enabled users who may annotate) members; returns those who were
    not members yet. Each addition is one audit event in the caller's transaction."""
    current = {m.user for m in members(conn, project)}
    added: list[str] = []
    for name in _names(users):
        _check_user(get_user(conn, name))
        if name in current:
            continue
        conn.execute(
            insert(project_members).values(
                project_id=project.id, user_name=name, added_by=actor, added_at=now()
            )
        )
        _event(conn, project, actor, "project.member.add", name, len(current) + len(added) + 1)
        added.append(name)
    return added


def _check_user(user: User) -> None:
    """Refuse a user who could not work on a queue, saying why and what to do."""
    if user.disabled:
        raise InputError(
            f"user '{user.name}' is disabled; enable them with `mentor users enable {user.name}` "
            "before adding them to a project",
            where="--add",
        )
    if not user.may(Permission.ANNOTATE):
        raise InputError(
            f"user '{user.name}' is a {user.role.value} and may not annotate; an admin can change "
            f"that with `mentor users role {user.name} annotator`",
            where="--add",
        )


def remove(conn: Connection, project: ProjectInfo, users: Iterable[str], actor: str) -> list[str]:
    """Take `users` off the project's members (their annotations stay, their leases run out);
    every one must be a member. Each removal is one audit event."""
    current = [m.user for m in members(conn, project)]
    names = _names(users)
    strangers = [n for n in names if n not in current]
    if strangers:
        listed = ", ".join(current) or "none; the project is open to every annotator"
        raise NotFoundError(
            f"{', '.join(strangers)} {'is' if len(strangers) == 1 else 'are'} not a member of "
            f"project '{project.name}'; its members: {listed}"
        )
    for left, name in enumerate(names, start=1):
        conn.execute(
            delete(project_members).where(
                project_members.c.project_id == project.id, project_members.c.user_name == name
            )
        )
        _event(conn, project, actor, "project.member.remove", name, len(current) - left)
    return names


def _event(
    conn: Connection, project: ProjectInfo, actor: str, action: str, user: str, count: int
) -> None:
    change = {"member": user}
    record_event(
        conn,
        actor=actor,
        action=action,
        object_type="project",
        object_id=project.name,
        before=change if action.endswith("remove") else None,
        after=change if action.endswith("add") else None,
        detail={"members": count},
    )
