"""Pre-labels: a suggestion shown with the item, which the annotator verifies or changes; each
annotation records whether the human agreed with it.

A pre-labeler is anything with ``async suggest(task, record, view, config) -> payload | None``.
Projects name one by a spec: ``record`` (the label the record already carries:
``meta.suggestion``, a preference's chosen side, a rating's scores), ``record:meta.FIELD`` (a
payload kept in that field), or ``model:PROVIDER`` (a model through :mod:`mentor.evals.providers`).
Others register with :func:`register_prelabeler` or the ``mentor.prelabelers`` entry point group.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Engine, select, update

from mentor.annotate.items import record_of
from mentor.annotate.projects import ProjectInfo
from mentor.annotate.tasks import Payload, TaskType, View
from mentor.errors import ConfigError, InputError
from mentor.records import Record
from mentor.store.annotation_tables import project_items
from mentor.store.engine import write_transaction

if TYPE_CHECKING:
    from mentor.evals.providers.base import GenerationParams

_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


class PreLabeler(Protocol):
    """Suggests a label (in the item's true order) for a record, or None."""

    name: str

    async def suggest(
        self, task: TaskType, record: Record, view: View, config: dict[str, Any]
    ) -> Payload | None: ...


@dataclass(frozen=True)
class PrelabelResult:
    """How many items got a suggestion, and how many the pre-labeler had none for."""

    suggested: int
    without: int


class RecordPreLabeler:
    """The label the record itself carries, or the payload at a `field` path like meta.x."""

    name = "record"

    def __init__(self, field: str = ""):
        self.field = field

    async def suggest(
        self, task: TaskType, record: Record, view: View, config: dict[str, Any]
    ) -> Payload | None:
        if not self.field:
            return task.suggest(record, config)
        value: Any = record
        for key in self.field.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            return None
        return task.validate(value, config, view, f"record '{record['id']}' {self.field}")


class ModelPreLabeler:
    """Asks a model (any object with ``async complete(messages, params) -> Completion``) for the
    label as one JSON object; an answer that does not parse or validate gives no suggestion."""

    name = "model"

    def __init__(self, provider: Any, params: GenerationParams | None = None):
        # Imported here: the evaluation package is only needed when a model pre-labels.
        from mentor.evals.providers.base import GenerationParams

        self.provider = provider
        self.params = params or GenerationParams(temperature=0.0, max_tokens=512)

    def messages(self, task: TaskType, view: View) -> list[dict[str, Any]]:
        """The prompt: what the task is, the JSON shape of a label, and the item."""
        schema = json.dumps(task.payload_model.model_json_schema())
        return [
            {
                "role": "system",
                "content": f"You pre-label items for human annotators. Task: {task.title}. "
                f"Reply with one JSON object matching this JSON schema, nothing else: {schema}",
            },
            {"role": "user", "content": json.dumps(view, ensure_ascii=False)},
        ]

    async def suggest(
        self, task: TaskType, record: Record, view: View, config: dict[str, Any]
    ) -> Payload | None:
        completion = await self.provider.complete(self.messages(task, view), self.params)
        found = _OBJECT.search(completion.text or "")
        if found is None:
            return None
        try:
            return task.validate(json.loads(found.group(0)), config, view, "model suggestion")
        except (ValueError, InputError):
            return None


def _model(spec: str) -> PreLabeler:
    if not spec:
        raise ConfigError("--prelabel model:PROVIDER needs a provider spec after 'model:'")
    from mentor.evals import providers

    for name in ("build_provider", "provider_from_spec", "resolve_provider", "get_provider"):
        build = getattr(providers, name, None)
        if callable(build):
            return ModelPreLabeler(build(spec))
    raise ConfigError(
        f"--prelabel model:{spec}: mentor.evals.providers cannot build a provider from a spec "
        "here (no build_provider); in Python, pass ModelPreLabeler(provider) instead"
    )


_FACTORIES: dict[str, Callable[[str], PreLabeler]] = {"record": RecordPreLabeler, "model": _model}


def register_prelabeler(name: str, factory: Callable[[str], PreLabeler]) -> None:
    """Make ``name[:ARG]`` usable as a project's pre-label spec; `factory` gets ARG."""
    _FACTORIES[name] = factory


def prelabeler(spec: str) -> PreLabeler:
    """The pre-labeler a spec names (``record``, ``record:meta.x``, ``model:PROVIDER``, ...)."""
    name, _, arg = spec.partition(":")
    if name not in _FACTORIES:
        for entry in entry_points(group="mentor.prelabelers"):
            if entry.name == name:
                register_prelabeler(name, entry.load())
    if name not in _FACTORIES:
        raise ConfigError(
            f"--prelabel: unknown pre-labeler '{name}'; expected one of {', '.join(_FACTORIES)}"
        )
    return _FACTORIES[name](arg)


async def _suggest_all(
    labeler: PreLabeler, project: ProjectInfo, work: list[tuple[int, Record]], concurrency: int
) -> dict[int, Payload | None]:
    gate = asyncio.Semaphore(concurrency)
    task = project.task

    async def one(item_id: int, record: Record) -> tuple[int, Payload | None]:
        async with gate:
            view = task.view(record, project.config)
            return item_id, await labeler.suggest(task, record, view, project.config)

    return dict(await asyncio.gather(*(one(i, r) for i, r in work)))


def _pending(engine: Engine, project: ProjectInfo) -> list[tuple[int, Record]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(project_items.c.id, project_items.c.record_hash, project_items.c.prelabel).where(
                project_items.c.project_id == project.id
            )
        ).all()
        # JSON columns keep None as JSON null, so which items lack one is decided here.
        return [(r.id, record_of(conn, r.record_hash)) for r in rows if r.prelabel is None]


def _store(engine: Engine, found: dict[int, Payload | None]) -> PrelabelResult:
    with write_transaction(engine) as conn:
        for item_id, payload in found.items():
            if payload is not None:
                conn.execute(
                    update(project_items)
                    .where(project_items.c.id == item_id)
                    .values(prelabel=payload)
                )
    suggested = sum(p is not None for p in found.values())
    return PrelabelResult(suggested, len(found) - suggested)


async def run_prelabels_async(
    engine: Engine, project: ProjectInfo, labeler: PreLabeler, *, concurrency: int = 8
) -> PrelabelResult:
    """Ask `labeler` for a suggestion on every item that has none yet, and store them (the
    store is read and written in a worker thread, so the event loop keeps running)."""
    work = await asyncio.to_thread(_pending, engine, project)
    found = await _suggest_all(labeler, project, work, concurrency)
    return await asyncio.to_thread(_store, engine, found)


def run_prelabels(
    engine: Engine, project: ProjectInfo, labeler: PreLabeler, *, concurrency: int = 8
) -> PrelabelResult:
    """:func:`run_prelabels_async` for synchronous callers. Called while an event loop runs in
    this thread (Jupyter, an async web handler, Playwright's sync API), it runs in a worker
    thread with a loop of its own, since this thread's loop cannot be re-entered."""
    job = run_prelabels_async(engine, project, labeler, concurrency=concurrency)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(job)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mentor-prelabels") as pool:
        return pool.submit(asyncio.run, job).result()
