"""Pre-labels: a suggestion shown with the item, which the annotator verifies or changes; each
annotation records whether the human agreed with it.

A pre-labeler is anything with ``async suggest(task, record, view, config) -> payload | None``.
Projects name one by a spec: ``record`` (the label the record already carries:
``meta.suggestion``, a preference's chosen side, a rating's scores), ``record:meta.FIELD`` (a
payload kept in that field), or ``model:NAME`` (a named provider, see
:mod:`mentor.providers.named`; the CLI and SDK may also write a provider spec there).
Others register with :func:`register_prelabeler` or the ``mentor.prelabelers`` entry point group.

An item the labeler cannot suggest a label for (its model call failed after the retries, its reply
could not be read) is left without one and counted, with the first reason, in the result; only
when every item asked failed is it an error (and a new project is not created).

Gold items leak nothing through their suggestion: a labeler that reads the record (``blind`` is
False: the record's own label is the gold answer) gives a gold item a decoy instead, drawn from
the project's other suggestions with the responses relabelled at random, so accepting every
suggestion scores like chance on gold and gold items look like any other.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import EntryPoint
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

from sqlalchemy import Engine, select, update

from mentor import plugins
from mentor.annotate.items import PlannedItem, record_of
from mentor.annotate.projects import ProjectInfo
from mentor.annotate.tasks import Payload, TaskTypeBase, View
from mentor.errors import ConfigError, InputError, MentorError
from mentor.providers.base import GenerationParams
from mentor.providers.calls import Caller, CallPolicy
from mentor.providers.errors import ProviderError
from mentor.records import Record
from mentor.store.annotation_tables import project_items
from mentor.store.engine import write_transaction

if TYPE_CHECKING:
    from mentor.providers.named import NamedProviders

T = TypeVar("T")
_OBJECT = re.compile(r"\{.*\}", re.DOTALL)
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,7}$")
PRELABEL_POLICY: Final = CallPolicy(timeout_s=120.0, retries=3, timeout_flag="")
"""How a model pre-labeler calls its model unless told otherwise: a two-minute timeout per call
and three retries with backoff (honouring Retry-After)."""


class NoSuggestion(MentorError):
    """A pre-labeler has no suggestion for an item, and the message says why. Raised from
    ``suggest`` for one item, the item is left without one and counted; raised by
    :func:`suggest_all` when every item asked failed."""


class PreLabeler(Protocol):
    """Suggests a label (in the item's true order) for a record, or None.

    A labeler may set ``blind = True`` when it looks only at the view annotators see (never the
    record's own label); gold items then get its real suggestion. Without it, gold items get a
    decoy (see the module's docstring). ``suggest`` raises :class:`NoSuggestion` (or a
    ``ProviderError``) to leave one item without a suggestion and say why; any other error
    stops the whole pre-labelling."""

    name: str

    async def suggest(
        self, task: TaskTypeBase, record: Record, view: View, config: dict[str, Any]
    ) -> Payload | None: ...


@dataclass(frozen=True)
class PrelabelResult:
    """How many items got a suggestion, and how many the pre-labeler had none for; of those,
    how many failed (the call failed, the reply could not be read) and why the first did."""

    suggested: int
    without: int
    failed: int = 0
    reason: str = ""


@dataclass(frozen=True)
class Suggestions:
    """Each pending item's suggestion (None: none) by key, and why each failed item got none."""

    payloads: dict[int, Payload | None]
    failures: dict[int, str]
    first_reason: str = ""


@dataclass(frozen=True)
class Pending:
    """An item waiting for a suggestion: `key` identifies it to the caller."""

    key: int
    record: Record
    gold: bool


class RecordPreLabeler:
    """The label the record itself carries, or the payload at a `field` path like meta.x."""

    name = "record"
    blind = False

    def __init__(self, field: str = ""):
        if field and not _FIELD.match(field):
            raise InputError(
                f"'{field}' is not a field path; expected names joined by dots, e.g. meta.label",
                field="prelabel",
            )
        self.field = field

    async def suggest(
        self, task: TaskTypeBase, record: Record, view: View, config: dict[str, Any]
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
    label as one JSON object; an answer that does not parse or validate gives no suggestion.
    The model sees the responses in a random order (seeded by the record's id), as annotators
    do, so a model that favours the first answer does not favour the record's own order.
    Calls are timed out and retried under `policy` (:data:`PRELABEL_POLICY` by default)."""

    name = "model"
    blind = True

    def __init__(
        self,
        provider: Any,
        params: GenerationParams | None = None,
        policy: CallPolicy = PRELABEL_POLICY,
    ):
        self.provider = provider
        self.params = params or GenerationParams(temperature=0.0, max_tokens=512)
        self.caller = Caller(provider, policy)
        named = getattr(provider, "name", type(provider).__name__)
        model = getattr(provider, "model", "")
        self.description = f"model {named}:{model}" if model else f"model {named}"

    def messages(self, task: TaskTypeBase, view: View) -> list[dict[str, Any]]:
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
        self, task: TaskTypeBase, record: Record, view: View, config: dict[str, Any]
    ) -> Payload | None:
        order = list(range(task.options(view)))
        random.Random(f"prelabel:{record['id']}").shuffle(order)
        shown = task.shown_view(view, order)
        called = await self.caller.call(self.messages(task, shown), self.params)
        if called.completion is None:
            raise NoSuggestion(called.error or "the model call failed")
        text = called.completion.text
        if not isinstance(text, str):
            raise NoSuggestion(f"the model's reply is a {type(text).__name__}, not text")
        found = _OBJECT.search(text)
        if found is None:
            raise NoSuggestion(f"no JSON object in the model's reply: {_snippet(text)!r}")
        try:
            payload = task.validate(json.loads(found.group(0)), config, shown, "model suggestion")
            return task.unshow(payload, order) if order else payload
        except (ValueError, InputError) as exc:
            raise NoSuggestion(f"the model's suggestion is not a usable label: {exc}") from None


def _snippet(text: str) -> str:
    shown = " ".join(text.split())
    return shown[:120] + ("..." if len(shown) > 120 else "")


def _model(arg: str, providers: NamedProviders | None, trusted: bool) -> PreLabeler:
    if not arg:
        raise ConfigError("--prelabel model:NAME needs a provider name after 'model:'")
    if providers is not None and providers.find(arg) is not None:
        return ModelPreLabeler(providers.build(arg))
    if not trusted:
        choices = ", ".join(providers.names()) if providers is not None else ""
        raise InputError(
            f"'{arg}' is not a named provider; pick one of: {choices or 'none named yet'} "
            "(an admin names providers with `mentor providers add`)",
            field="prelabel",
        )
    from mentor.providers import build_provider

    return ModelPreLabeler(build_provider(arg))


GROUP: Final = "mentor.prelabelers"
BUILTIN: Final = (EntryPoint("record", "mentor.annotate.prelabels:RecordPreLabeler", GROUP),)


def register_prelabeler(name: str, factory: Callable[[str], PreLabeler]) -> None:
    """Make ``name[:ARG]`` usable as a project's pre-label spec; `factory` gets ARG. Plug-in
    pre-labelers are for the CLI and SDK: the web app offers only ``record`` and named models."""
    plugins.register(GROUP, name, factory)


def prelabeler(
    spec: str, *, providers: NamedProviders | None = None, trusted: bool = True
) -> PreLabeler:
    """The pre-labeler a spec names (``record``, ``record:meta.x``, ``model:NAME``, ...).

    `providers` resolves ``model:NAME``. An untrusted caller (a web user) may only pick
    ``record``, ``record:FIELD`` or a named provider; a trusted one may also write a provider
    spec (``model:openai:gpt-4o@URL``) or use a plug-in pre-labeler."""
    name, _, arg = spec.strip().partition(":")
    if name == "model":
        return _model(arg, providers, trusted)
    if not trusted and name != "record":
        raise InputError(
            f"'{spec[:80]}': expected record, record:FIELD or model:NAME", field="prelabel"
        )
    found = plugins.registered(GROUP, BUILTIN)
    if name not in found:
        raise ConfigError(
            f"--prelabel: unknown pre-labeler '{name}'; expected one of "
            f"{', '.join(['model', *found])}"
        )
    factory: Callable[[str], PreLabeler] = plugins.load("pre-labeler", name, found)
    return factory(arg)


def _decoy(
    task: TaskTypeBase, config: dict[str, Any], work: Pending, pool: Sequence[Payload], seed: int
) -> Payload | None:
    """A suggestion for a gold item that owes nothing to its answer: another item's suggestion
    with the responses relabelled by a random order (None when there is none to borrow)."""
    if not pool:
        return None
    rng = random.Random(f"decoy:{seed}:{work.key}")
    borrowed = pool[rng.randrange(len(pool))]
    view = task.view(work.record, config)
    order = list(range(task.options(view)))
    rng.shuffle(order)
    try:
        decoy = task.unshow(borrowed, order) if order else borrowed
        return task.validate(decoy, config, view, "decoy suggestion")
    except (ValueError, InputError):
        return None


async def suggest_all(
    labeler: PreLabeler,
    task: TaskTypeBase,
    config: dict[str, Any],
    work: Sequence[Pending],
    *,
    seed: int = 0,
    pool: Sequence[Payload] = (),
    concurrency: int = 8,
) -> Suggestions:
    """A suggestion (or None) for each pending item, by key. Gold items get the labeler's own
    suggestion only from a blind labeler, else a decoy borrowed from the other items' (and
    `pool`, suggestions already stored) suggestions. An item whose suggestion failed gets
    none; :class:`NoSuggestion` when every item asked failed."""
    gate = asyncio.Semaphore(concurrency)
    blind = bool(getattr(labeler, "blind", False))  # optional: unknown labelers are not blind
    failures: dict[int, str] = {}

    async def one(item: Pending) -> tuple[int, Payload | None]:
        async with gate:
            view = task.view(item.record, config)
            try:
                return item.key, await labeler.suggest(task, item.record, view, config)
            except (NoSuggestion, ProviderError) as exc:
                failures[item.key] = str(exc)
                return item.key, None

    asked = [w for w in work if blind or not w.gold]
    found = dict(await asyncio.gather(*(one(w) for w in asked)))
    first = next((failures[w.key] for w in asked if w.key in failures), "")
    if asked and len(failures) == len(asked):
        who = getattr(labeler, "description", f"pre-labeler '{labeler.name}'")
        raise NoSuggestion(f"{who} gave none of the {len(asked):,} item(s) a suggestion: {first}")
    borrowed = [*pool, *(p for p in found.values() if p is not None)]
    for item in work:
        if item.key not in found:
            found[item.key] = _decoy(task, config, item, borrowed, seed)
    return Suggestions(found, failures, first)


def _pending(engine: Engine, project: ProjectInfo) -> tuple[list[Pending], list[Payload]]:
    """Items without a suggestion, and the suggestions regular items already have."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                project_items.c.id,
                project_items.c.record_hash,
                project_items.c.prelabel,
                project_items.c.is_gold,
            ).where(project_items.c.project_id == project.id)
        ).all()
        # JSON columns keep None as JSON null, so which items lack one is decided here.
        work = [
            Pending(r.id, record_of(conn, r.record_hash), bool(r.is_gold))
            for r in rows
            if r.prelabel is None
        ]
        return work, [r.prelabel for r in rows if r.prelabel is not None and not r.is_gold]


def _store(engine: Engine, found: Suggestions) -> PrelabelResult:
    with write_transaction(engine) as conn:
        for item_id, payload in found.payloads.items():
            if payload is not None:
                conn.execute(
                    update(project_items)
                    .where(project_items.c.id == item_id)
                    .values(prelabel=payload)
                )
    return result_of(found)


def result_of(found: Suggestions) -> PrelabelResult:
    """How many items `found` has a suggestion for, and how many failed and why."""
    suggested = sum(p is not None for p in found.payloads.values())
    without = len(found.payloads) - suggested
    return PrelabelResult(suggested, without, len(found.failures), found.first_reason)


async def run_prelabels_async(
    engine: Engine, project: ProjectInfo, labeler: PreLabeler, *, concurrency: int = 8
) -> PrelabelResult:
    """Ask `labeler` for a suggestion on every item that has none yet, and store them (the
    store is read and written in a worker thread, so the event loop keeps running)."""
    work, pool = await asyncio.to_thread(_pending, engine, project)
    found = await suggest_all(
        labeler,
        project.task,
        project.config,
        work,
        seed=project.settings.seed,
        pool=pool,
        concurrency=concurrency,
    )
    return await asyncio.to_thread(_store, engine, found)


def run_prelabels(
    engine: Engine, project: ProjectInfo, labeler: PreLabeler, *, concurrency: int = 8
) -> PrelabelResult:
    """:func:`run_prelabels_async` for synchronous callers (see :func:`_blocking`)."""
    return _blocking(run_prelabels_async(engine, project, labeler, concurrency=concurrency))


def plan_suggestions(
    labeler: PreLabeler,
    task: TaskTypeBase,
    config: dict[str, Any],
    plan: Sequence[PlannedItem],
    seed: int,
) -> Suggestions:
    """Suggestions for items not yet written (a new project's), by position, with the items
    that failed (:func:`result_of` counts them)."""
    work = [Pending(p.position, p.record, p.gold) for p in plan]
    return _blocking(suggest_all(labeler, task, config, work, seed=seed))


def _blocking(job: Coroutine[Any, Any, T]) -> T:
    """Run `job` to the end. Called while an event loop runs in this thread (Jupyter, an async
    web handler, Playwright's sync API), it runs in a worker thread with a loop of its own,
    since this thread's loop cannot be re-entered."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(job)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mentor-prelabels") as pool:
        return pool.submit(asyncio.run, job).result()
