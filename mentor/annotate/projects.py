"""Projects: a dataset version, a task type and a guideline version, with the queue's settings."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import ColumnElement, Connection, bindparam, func, insert, select

from mentor.annotate import guidelines
from mentor.annotate.freetext import check_text
from mentor.annotate.tasks import TaskTypeBase, task_type

if TYPE_CHECKING:
    from mentor.annotate.prelabels import PrelabelResult
from mentor.datasets import versions
from mentor.errors import ConflictError, InputError, NotFoundError
from mentor.store.annotation_tables import guideline_versions, project_items, projects
from mentor.store.annotation_tables import guidelines as guidelines_t
from mentor.store.audit import aware, now, record_event
from mentor.store.tables import datasets
from mentor.store.tables import versions as versions_t

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
# Names the web app's own pages take under /projects/ (``/projects/new`` is the create form).
RESERVED: Final = frozenset({"new"})
MAX_OVERLAP: Final = 1000
MAX_LEASE_SECONDS: Final = 30 * 24 * 3600
MAX_INT: Final = 2**63 - 1  # what a database integer holds


@dataclass(frozen=True)
class ProjectSettings:
    """How the queue runs: k distinct annotators per item, the share of gold items served, the
    share of submissions sampled for review, how long a lease lasts, the pre-label provider."""

    overlap: int = 1
    gold_rate: float = 0.0
    review_rate: float = 0.0
    lease_seconds: int = 1800
    prelabel: str | None = None
    seed: int = 0

    def check(self) -> None:
        """Refuse settings that cannot work, naming the flag."""
        if self.overlap < 1:
            raise InputError(
                f"expected at least 1 annotator per item, got {self.overlap}", where="--overlap"
            )
        for flag, rate, top in (
            ("--gold-rate", self.gold_rate, 1.0),
            ("--review-rate", self.review_rate, 1.0),
        ):
            if not (math.isfinite(rate) and 0 <= rate <= top) or (
                flag == "--gold-rate" and rate >= 1
            ):
                raise InputError(f"expected a fraction in [0, 1), got {rate}", where=flag)
        for flag, value, low, high in (
            ("--overlap", self.overlap, 1, MAX_OVERLAP),
            ("--lease-seconds", self.lease_seconds, 1, MAX_LEASE_SECONDS),
            ("--seed", self.seed, -MAX_INT, MAX_INT),
        ):
            if not low <= value <= high:
                raise InputError(
                    f"expected a whole number from {low} to {high}, got {value}", where=flag
                )


@dataclass(frozen=True)
class ProjectInfo:
    """A project as the store holds it."""

    id: int
    name: str
    task_type: str
    dataset: str
    guideline: str
    settings: ProjectSettings
    config: dict[str, Any]
    description: str
    created_by: str
    created_at: datetime
    items: int
    gold_items: int
    dataset_version_id: int = field(repr=False)
    guideline_id: int = field(repr=False)
    guideline_version_id: int = field(repr=False)
    guideline_number: int = field(repr=False)
    # Set on the project `create` returns when a pre-labeler was asked: how many items got a
    # suggestion, and why the first that got none failed. Not stored.
    prelabels: PrelabelResult | None = field(default=None, compare=False)

    @property
    def task(self) -> TaskTypeBase:
        """The project's task type."""
        return task_type(self.task_type)


def check_name(name: str) -> str:
    """A project name: letters, digits, '.', '_' and '-', starting with a letter or digit, and
    not one of the web app's reserved words (:data:`RESERVED`)."""
    if not NAME.match(name):
        raise InputError(
            f"'{name}' is not a usable project name; use letters, digits, '.', '_' and '-'",
            field="name",
        )
    if name in RESERVED:
        raise InputError(
            f"'{name}' is reserved (the web app's /projects/{name} page); pick another name",
            field="name",
        )
    return name


def insert_project(
    conn: Connection,
    name: str,
    task: TaskTypeBase,
    dataset_ref: str,
    guideline_body: str,
    settings: ProjectSettings,
    config: dict[str, Any],
    description: str,
    actor: str,
) -> int:
    """Write the project row and its guideline v1; returns the project id."""
    settings.check()
    check_text(description, "description")
    if conn.execute(select(projects.c.id).where(projects.c.name == name)).first():
        raise ConflictError(f"a project named '{name}' already exists; pick another name")
    version = versions.resolve(conn, dataset_ref)
    gid, gvid = guidelines.create(conn, name, guideline_body, actor)
    pid = conn.execute(
        insert(projects)
        .values(
            name=name,
            task_type=task.name,
            dataset_version_id=version.id,
            guideline_id=gid,
            guideline_version_id=gvid,
            config=config,
            overlap=settings.overlap,
            gold_rate=settings.gold_rate,
            review_rate=settings.review_rate,
            lease_seconds=settings.lease_seconds,
            prelabel=settings.prelabel,
            seed=settings.seed,
            description=description,
            created_by=actor,
            created_at=now(),
        )
        .returning(projects.c.id)
    ).scalar_one()
    record_event(
        conn,
        actor=actor,
        action="project.create",
        object_type="project",
        object_id=name,
        after={"dataset": version.ref, "task": task.name, "guideline": f"{name}@v1"},
        detail={"settings": settings.__dict__, "config": config},
    )
    return int(pid)


def _items(gold: bool) -> Any:
    """The number of the project's (gold or regular) items, as a column of a project lookup."""
    return (
        select(func.count())
        .where(project_items.c.project_id == projects.c.id, project_items.c.is_gold.is_(gold))
        .scalar_subquery()
    )


# A project with what its ProjectInfo names (dataset and guideline versions, item counts) in
# one statement, built once: every annotator request looks a project up.
LOOKUP: Final = (
    select(
        projects,
        datasets.c.name.label("dataset_name"),
        versions_t.c.number.label("dataset_number"),
        guidelines_t.c.name.label("guideline_name"),
        guideline_versions.c.number.label("guideline_number"),
        _items(False).label("regular_items"),
        _items(True).label("gold_count"),
    )
    .join(versions_t, versions_t.c.id == projects.c.dataset_version_id)
    .join(datasets, datasets.c.id == versions_t.c.dataset_id)
    .join(guideline_versions, guideline_versions.c.id == projects.c.guideline_version_id)
    .join(guidelines_t, guidelines_t.c.id == guideline_versions.c.guideline_id)
)
BY_NAME: Final = LOOKUP.where(projects.c.name == bindparam("name"))


def info_of(row: Any) -> ProjectInfo:
    """The ProjectInfo of a row of :data:`LOOKUP`."""
    return ProjectInfo(
        id=row.id,
        name=row.name,
        task_type=row.task_type,
        dataset=f"{row.dataset_name}@v{row.dataset_number}",
        guideline=f"{row.guideline_name}@v{row.guideline_number}",
        settings=ProjectSettings(
            overlap=row.overlap,
            gold_rate=row.gold_rate,
            review_rate=row.review_rate,
            lease_seconds=row.lease_seconds,
            prelabel=row.prelabel,
            seed=row.seed,
        ),
        config=dict(row.config),
        description=row.description,
        created_by=row.created_by,
        created_at=aware(row.created_at),
        items=int(row.regular_items),
        gold_items=int(row.gold_count),
        dataset_version_id=row.dataset_version_id,
        guideline_id=row.guideline_id,
        guideline_version_id=row.guideline_version_id,
        guideline_number=row.guideline_number,
    )


def load(conn: Connection, name: str) -> ProjectInfo:
    """The project called `name` (the error lists the others: for trainers, never annotators;
    annotators' lookups go through :func:`mentor.annotate.members.load_open`)."""
    row = conn.execute(BY_NAME, {"name": name}).first()
    if row is None:
        names = conn.execute(select(projects.c.name).order_by(projects.c.name)).scalars().all()
        hint = f"; projects here: {', '.join(names)}" if names else "; this workspace has none yet"
        raise NotFoundError(f"no project named '{name}'{hint}")
    return info_of(row)


def list_projects(conn: Connection, where: ColumnElement[bool] | None = None) -> list[ProjectInfo]:
    """Every project (those matching `where`, a condition on ``projects``), by name."""
    query = LOOKUP.order_by(projects.c.name)
    rows = conn.execute(query if where is None else query.where(where)).all()
    return [info_of(r) for r in rows]
