"""Roles and what each may do: the one table every page, API route and command consults."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from mentor.errors import InputError


class Role(StrEnum):
    """What a person is to the workspace; a user has exactly one role."""

    ADMIN = "admin"
    TRAINER = "trainer"
    REVIEWER = "reviewer"
    ANNOTATOR = "annotator"
    VIEWER = "viewer"


class Permission(StrEnum):
    """Something a route lets a person do; see :data:`GRANTS` for who may."""

    VIEW_DATA = "view_data"
    ANNOTATE = "annotate"
    REVIEW = "review"
    ADJUDICATE = "adjudicate"
    MANAGE_PROJECTS = "manage_projects"
    RUN_EVALS = "run_evals"
    MANAGE_USERS = "manage_users"
    OWN_ACCOUNT = "own_account"


DESCRIPTIONS: Final[dict[Permission, str]] = {
    Permission.VIEW_DATA: "read datasets, versions, lineage, datasheets, QA reports, the audit "
    "log, evaluation results and project dashboards",
    Permission.ANNOTATE: "work through their own annotation queue",
    Permission.REVIEW: "review submitted annotations: accept or correct them",
    Permission.ADJUDICATE: "resolve disagreements between annotators",
    Permission.MANAGE_PROJECTS: "create and change annotation projects, guidelines and gold items",
    Permission.RUN_EVALS: "run evaluation suites and gates",
    Permission.MANAGE_USERS: "add users, change roles, disable users, manage everyone's tokens",
    Permission.OWN_ACCOUNT: "sign in and out, see their own account and API tokens",
}

# Annotators see only their own queue: never datasets (which may hold gold answers) or others'
# labels. Everyone else reads the data; changes go to the roles whose job they are.
GRANTS: Final[dict[Role, frozenset[Permission]]] = {
    Role.ADMIN: frozenset(Permission),
    Role.TRAINER: frozenset(Permission) - {Permission.MANAGE_USERS},
    Role.REVIEWER: frozenset(
        {
            Permission.VIEW_DATA,
            Permission.ANNOTATE,
            Permission.REVIEW,
            Permission.ADJUDICATE,
            Permission.OWN_ACCOUNT,
        }
    ),
    Role.ANNOTATOR: frozenset({Permission.ANNOTATE, Permission.OWN_ACCOUNT}),
    Role.VIEWER: frozenset({Permission.VIEW_DATA, Permission.OWN_ACCOUNT}),
}


def allowed(role: Role | str, permission: Permission | str) -> bool:
    """Whether a user with `role` may do `permission`."""
    return Permission(permission) in GRANTS[Role(role)]


def parse_role(value: str, where: str = "role") -> Role:
    """`value` as a Role, or an error that lists the roles."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InputError(f"'{value}' is not a role; use one of {choices}", where=where) from None
