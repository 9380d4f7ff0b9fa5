"""The annotation facade a Workspace hands out as ``ws.projects``.

Every method takes the project by name. Who acts (annotator, reviewer, adjudicator) defaults to
the workspace's actor (``ws.acting_as(user).projects`` in the web app) and can be given.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from mentor.annotate import adjudication, clarifications, guidelines, queues
from mentor.annotate import members as membership
from mentor.annotate import reviews as reviewing
from mentor.annotate.adjudication import Adjudication, Dispute
from mentor.annotate.annotations import Annotation, LabelRows, label_rows, list_annotations
from mentor.annotate.clarifications import Clarification
from mentor.annotate.gold import GoldScore, load_gold
from mentor.annotate.gold import gold_scores as score_gold
from mentor.annotate.guidelines import GuidelineVersion
from mentor.annotate.items import (
    ItemInfo,
    insert_items,
    list_items,
    plan_items,
    version_records_of,
)
from mentor.annotate.members import Member
from mentor.annotate.prelabels import (
    PreLabeler,
    PrelabelResult,
    plan_suggestions,
    prelabeler,
    result_of,
    run_prelabels,
    run_prelabels_async,
)
from mentor.annotate.progress import MyProgress, ProjectProgress
from mentor.annotate.progress import my_progress as annotator_progress
from mentor.annotate.progress import progress as project_progress
from mentor.annotate.projects import (
    MAX_INT,
    ProjectInfo,
    ProjectSettings,
    check_name,
    insert_project,
    list_projects,
    load,
)
from mentor.annotate.queues import Clock, Task
from mentor.annotate.release import ReleaseResult
from mentor.annotate.release import release as release_project
from mentor.annotate.reviews import Review, ReviewTask
from mentor.annotate.submissions import Submission, SubmitRequest, submit
from mentor.annotate.task_config import TaskConfig, configure
from mentor.annotate.tasks import TaskTypeInfo, task_type, task_types
from mentor.datasets import versions
from mentor.errors import ConflictError, InputError
from mentor.store.annotation_tables import projects as projects_t
from mentor.store.audit import now
from mentor.store.engine import write_transaction

if TYPE_CHECKING:
    from mentor.workspace import Workspace


def _labeler_of(ws: Workspace, project: ProjectInfo) -> PreLabeler:
    if not project.settings.prelabel:
        raise InputError(f"project '{project.name}' has no pre-label provider", where="--prelabel")
    return prelabeler(project.settings.prelabel, providers=ws.providers, trusted=ws.trusted)


class Projects:
    """Annotation projects of one workspace. `clock` gives the time leases are measured by;
    `on_release` are called with each release's result (the workspace passes the attaching of
    review projects' labels to their eval runs, which lives in a layer above this one)."""

    def __init__(self, ws: Workspace, on_release: Sequence[Callable[[ReleaseResult], None]] = ()):
        self.ws = ws
        self.clock: Clock = now
        self.on_release = tuple(on_release)

    # projects -----------------------------------------------------------------------------
    def create(
        self,
        name: str,
        *,
        dataset: str,
        task: str,
        guideline: str | Path,
        settings: ProjectSettings | None = None,
        config: dict[str, Any] | TaskConfig | None = None,
        gold: str | Path | None = None,
        limit: int | None = None,
        description: str = "",
    ) -> ProjectInfo:
        """A project over the first `limit` records of `dataset` (``NAME@vN``) with task type
        `task`; `guideline` is markdown text or a Path to a .md file; `config` the task type's
        settings (labels, criteria, ...: a dict, or a :class:`TaskConfig` read from files, whose
        errors name file:line); `gold` a JSONL file or a ``NAME@vN`` of gold items."""
        check_name(name)
        kind = task_type(task)
        cfg = configure(kind, config)
        body = guidelines.read_body(guideline)
        settings = settings or ProjectSettings()
        settings.check()
        if limit is not None and limit < 1:
            raise InputError(f"expected at least 1 item, got {limit}", where="--limit")
        limit = None if limit is not None and limit > MAX_INT else limit  # more than there are
        if (settings.gold_rate > 0) != (gold is not None):
            raise InputError(
                "gold items need a gold rate above 0, and a gold rate needs gold items",
                where="--gold / --gold-rate",
            )
        labeler = self._labeler(settings.prelabel) if settings.prelabel else None
        # Read and plan first, ask the pre-labeler, then write everything in one transaction:
        # a failure anywhere leaves nothing behind, and no write lock is held during model calls.
        with self.ws.engine.connect() as conn:
            if conn.execute(select(projects_t.c.id).where(projects_t.c.name == name)).first():
                raise ConflictError(f"a project named '{name}' already exists; pick another name")
            version = versions.resolve(conn, dataset)
            records = version_records_of(conn, version.id, limit)
            gold_items = load_gold(conn, gold, kind, cfg) if gold is not None else []
        plan = plan_items(kind, cfg, records, gold_items, settings.seed)
        found = plan_suggestions(labeler, kind, cfg, plan, settings.seed) if labeler else None
        with write_transaction(self.ws.engine) as conn:
            pid = insert_project(
                conn, name, kind, version.ref, body, settings, cfg, description, self.ws.actor
            )
            insert_items(conn, pid, plan, found.payloads if found else {})
        made = self.get(name)
        return made if found is None else replace(made, prelabels=result_of(found))

    def _labeler(self, spec: str) -> PreLabeler:
        """The pre-labeler `spec` names, as far as this workspace's caller may choose it."""
        return prelabeler(spec, providers=self.ws.providers, trusted=self.ws.trusted)

    def all(self, *, annotator: str | None = None) -> list[ProjectInfo]:
        """Every project, by name; with `annotator`, only those whose queue is open to them
        (projects without members, and those they are a member of)."""
        with self.ws.engine.connect() as conn:
            return list_projects(conn, membership.open_to(annotator) if annotator else None)

    def get(self, name: str, *, annotator: str | None = None) -> ProjectInfo:
        """One project; with `annotator`, a NotFoundError unless its queue is open to them."""
        with self.ws.engine.connect() as conn:
            if annotator is not None:
                return membership.load_open(conn, name, annotator)
            return load(conn, name)

    def members(self, name: str) -> list[Member]:
        """Who may work on the project's queue, by name; none: every annotator may."""
        with self.ws.engine.connect() as conn:
            return membership.members(conn, load(conn, name))

    def add_members(self, name: str, users: Iterable[str]) -> list[Member]:
        """Let `users` (existing, enabled users who may annotate) work on the project's queue;
        from then on only members may. Adding a member twice changes nothing. Returns the
        members."""
        with write_transaction(self.ws.engine) as conn:
            project = load(conn, name)
            membership.add(conn, project, users, self.ws.actor)
            return membership.members(conn, project)

    def remove_members(self, name: str, users: Iterable[str]) -> list[Member]:
        """Take `users` off the project's members: their annotations stay, a lease they hold
        runs out. With no members left the project is open to every annotator again. Returns
        the members."""
        with write_transaction(self.ws.engine) as conn:
            project = load(conn, name)
            membership.remove(conn, project, users, self.ws.actor)
            return membership.members(conn, project)

    def progress(self, name: str) -> ProjectProgress:
        """Items done, disputed, in progress and remaining, and each annotator's work."""
        with self.ws.engine.connect() as conn:
            return project_progress(conn, load(conn, name), self.clock())

    def my_progress(self, name: str, annotator: str | None = None) -> MyProgress:
        """What an annotator may see of their standing: their labels, what is left for them
        (``left``) and how far the project is. A few counts: cheap enough for every page.
        A NotFoundError when the project's queue is not open to them."""
        who = annotator or self.ws.actor
        with self.ws.engine.connect() as conn:
            project = membership.load_open(conn, name, who)
            return annotator_progress(conn, project, who, self.clock())

    def items(self, name: str, *, status: str | None = None) -> list[ItemInfo]:
        """The project's items in queue order (trainers only: gold items are marked)."""
        with self.ws.engine.connect() as conn:
            return list_items(conn, load(conn, name), status)

    def task_types(self) -> list[TaskTypeInfo]:
        """The task types a project can use."""
        return [t.info() for t in task_types()]

    def prelabel(self, name: str, labeler: PreLabeler | None = None) -> PrelabelResult:
        """Fill in suggestions for items without one, from `labeler` or the project's own.
        Works inside a running event loop too (the work then runs in a worker thread)."""
        project = self.get(name)
        return run_prelabels(self.ws.engine, project, labeler or _labeler_of(self.ws, project))

    async def prelabel_async(self, name: str, labeler: PreLabeler | None = None) -> PrelabelResult:
        """:meth:`prelabel` for code inside an event loop: the labeler's calls run on that loop,
        the store is read and written in worker threads."""
        project = await asyncio.to_thread(self.get, name)
        labeler = labeler or _labeler_of(self.ws, project)
        return await run_prelabels_async(self.ws.engine, project, labeler)

    # annotators ---------------------------------------------------------------------------
    def next_item(self, name: str, annotator: str | None = None) -> Task | None:
        """The annotator's current lease, or the next item leased to them; None when done."""
        return queues.next_item(self.ws.engine, name, annotator or self.ws.actor, self.clock)

    def task(self, name: str, assignment_id: int, annotator: str | None = None) -> Task:
        """The task of `assignment_id` while the annotator holds it, without leasing anything;
        NotFoundError when it is not theirs or no longer leased to them."""
        who = annotator or self.ws.actor
        return queues.held_task(self.ws.engine, name, assignment_id, who, self.clock)

    def skip(
        self, name: str, item_id: int, annotator: str | None = None, *, reason: str = ""
    ) -> None:
        """Give a leased item back (it will not come to this annotator again)."""
        who = annotator or self.ws.actor
        queues.skip(self.ws.engine, name, item_id, who, reason, self.clock)

    def submit(
        self,
        name: str,
        item_id: int,
        payload: Any,
        *,
        client_id: str,
        annotator: str | None = None,
        time_spent_s: float | None = None,
    ) -> Submission:
        """Submit a label in the order shown. Retrying with the same `client_id` and label
        returns the stored annotation (``replayed=True``); a different label is a ConflictError.
        `time_spent_s` defaults to the time since the lease was taken."""
        req = SubmitRequest(item_id, annotator or self.ws.actor, payload, client_id, time_spent_s)
        return submit(self.ws.engine, name, req, self.clock)

    def expire_leases(self, name: str) -> int:
        """Mark leases past their time as expired; returns how many."""
        return queues.expire_leases(self.ws.engine, name, self.clock)

    # guidelines and clarifications -------------------------------------------------------
    def guideline(self, name: str, version: int | None = None) -> GuidelineVersion:
        """The project's guideline (the version it uses now, or `version`)."""
        with self.ws.engine.connect() as conn:
            project = load(conn, name)
            if version is None:
                return guidelines.by_id(conn, project.guideline_version_id)
            return guidelines.version_number(conn, project.guideline_id, version)

    def guideline_versions(self, name: str) -> list[GuidelineVersion]:
        """Every version of the project's guideline, oldest first."""
        with self.ws.engine.connect() as conn:
            return guidelines.versions(conn, load(conn, name).guideline_id)

    def update_guideline(self, name: str, body: str | Path, *, note: str = "") -> GuidelineVersion:
        """Publish a new guideline version (clarifications carry over); the project uses it."""
        text = guidelines.read_body(body)
        with write_transaction(self.ws.engine) as conn:
            project = load(conn, name)
            return clarifications.publish(conn, project, text, [], self.ws.actor, note)

    def ask(
        self, name: str, question: str, *, item_id: int | None = None, annotator: str | None = None
    ) -> Clarification:
        """An annotator's question about the guideline, or about an item they hold or labelled
        (any other item id is a NotFoundError, the same as for an item that does not exist)."""
        who = annotator or self.ws.actor
        return clarifications.ask(self.ws.engine, name, who, question, item_id, self.clock())

    def questions(self, name: str, *, open_only: bool = False) -> list[Clarification]:
        """The project's questions, oldest first."""
        with self.ws.engine.connect() as conn:
            return clarifications.questions(conn, load(conn, name), open_only)

    def answer(self, name: str, question_id: int, answer: str) -> Clarification:
        """Answer a question; it is published in the guideline's next version."""
        return clarifications.answer(self.ws.engine, name, question_id, answer, self.ws.actor)

    # review and adjudication --------------------------------------------------------------
    def review_queue(
        self, name: str, reviewer: str | None = None, *, limit: int = 20, after: int | None = None
    ) -> list[ReviewTask]:
        """Sampled annotations waiting for review, oldest first (never the reviewer's own, none
        on an adjudicated item); give the last one's annotation id as `after` for the next
        page."""
        who = reviewer or self.ws.actor
        with self.ws.engine.connect() as conn:
            return reviewing.review_queue(conn, load(conn, name), who, limit, after)

    def review_task(self, name: str, annotation_id: int, reviewer: str | None = None) -> ReviewTask:
        """One annotation of the review queue; NotFoundError unless it waits for this reviewer."""
        who = reviewer or self.ws.actor
        with self.ws.engine.connect() as conn:
            return reviewing.review_task(conn, load(conn, name), annotation_id, who)

    def review(
        self,
        name: str,
        annotation_id: int,
        verdict: str,
        *,
        comment: str = "",
        correction: Any = None,
        reviewer: str | None = None,
    ) -> Review:
        """Accept, reject (with a comment) or correct (with a comment and the corrected label,
        in the item's true order) an annotation of the review queue: one the review rate sampled,
        not yet reviewed, not the reviewer's own, on an item not adjudicated (else a
        ConflictError)."""
        who = reviewer or self.ws.actor
        return reviewing.review(
            self.ws.engine, name, annotation_id, who, verdict, comment, correction
        )

    def reviews(self, name: str) -> list[Review]:
        """Every review in the project, oldest first."""
        with self.ws.engine.connect() as conn:
            return reviewing.list_reviews(conn, load(conn, name))

    def adjudication_queue(
        self, name: str, *, limit: int = 20, after: int | None = None
    ) -> list[Dispute]:
        """Disputed items waiting for a decision, in queue order; give the last one's item id
        as `after` for the next page."""
        with self.ws.engine.connect() as conn:
            return adjudication.adjudication_queue(conn, load(conn, name), limit, after)

    def dispute(self, name: str, item_id: int) -> Dispute:
        """One item of the adjudication queue; NotFoundError unless it waits for a decision."""
        with self.ws.engine.connect() as conn:
            return adjudication.dispute(conn, load(conn, name), item_id)

    def adjudicate(
        self,
        name: str,
        item_id: int,
        payload: Any,
        *,
        comment: str = "",
        adjudicator: str | None = None,
    ) -> Adjudication:
        """Decide a disputed item (label in the item's true order); the decision is final."""
        who = adjudicator or self.ws.actor
        return adjudication.adjudicate(self.ws.engine, name, item_id, who, payload, comment)

    def adjudications(self, name: str) -> list[Adjudication]:
        """Every decision in the project, oldest first."""
        with self.ws.engine.connect() as conn:
            return adjudication.list_adjudications(conn, load(conn, name))

    # quality and release ------------------------------------------------------------------
    def annotations(
        self, name: str, *, include_gold: bool = False, annotator: str | None = None
    ) -> list[Annotation]:
        """Every annotation with its review (trainers and dashboards; gold on request)."""
        with self.ws.engine.connect() as conn:
            project = load(conn, name)
            return list_annotations(conn, project, include_gold=include_gold, annotator=annotator)

    def label_table(self, name: str, *, field: str | None = None) -> LabelRows:
        """Items x annotators of the annotators' own labels, for agreement statistics."""
        with self.ws.engine.connect() as conn:
            return label_rows(conn, load(conn, name), field)

    def gold_scores(self, name: str) -> list[GoldScore]:
        """Each annotator's score on the gold items served to them."""
        with self.ws.engine.connect() as conn:
            return score_gold(conn, load(conn, name))

    def release(self, name: str, *, into: str | None = None, note: str = "") -> ReleaseResult:
        """A dataset version of the finished items, with every annotation kept and lineage."""
        result = release_project(self.ws.engine, name, self.ws.actor, into, note)
        for hook in self.on_release:
            hook(result)
        return result
