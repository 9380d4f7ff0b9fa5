"""Task types: what an item shows, what an annotator submits, and how labels compare.

Each task type validates its payload with pydantic at the trust boundary (a submission, a gold
file, a model's suggestion), says what the annotator sees (the *view*, never an answer), whether
its options are shuffled per annotator, when two annotators agree, how labels aggregate into a
final label, how an answer scores against gold, and how a final label becomes a released record;
and, for the web pages, its own form (a Jinja template shipped beside it), how that form's fields
become a payload, and its keyboard map.

A task type implements the small :class:`TaskType` protocol; :class:`TaskTypeBase` gives the
rest a default. Built-ins are entry points of the ``mentor.task_types`` group exactly like
third-party ones (see docs/annotation.md, "Adding a task type").

Payloads are stored in the *true* orientation (the item's own order of responses); what the
annotator submitted, in the order shown, is kept beside it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any, Final, Protocol, TypeVar, runtime_checkable

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError

from mentor import plugins
from mentor.annotate.forms import FormFields
from mentor.errors import InputError
from mentor.records import METADATA, Record

Payload = dict[str, Any]
View = dict[str, Any]
Label = str | int | float
M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """A pydantic model that names unknown fields instead of ignoring them."""

    model_config = ConfigDict(extra="forbid")


class NoConfig(Strict):
    """A task type without settings."""


def parse(model: type[M], data: Any, where: str) -> M:
    """Validate `data` as `model`; the first problem becomes an InputError naming its field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        if first["type"] == "missing":
            raise InputError(
                "not given: choose or fill it in, then submit", where=where, field=field
            ) from exc
        got = f" (got {first['input']!r:.60})"
        raise InputError(f"{first['msg']}{got}", where=where, field=field) from exc


def canonical(payload: Any) -> bytes:
    """Payloads compare by their canonical JSON (sorted keys)."""
    return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)


def plurality(values: Sequence[Hashable], order: Sequence[Hashable] = ()) -> Any:
    """The most frequent value; ties go to the one first in `order`, then first seen."""
    counts = Counter(values)
    rank = {v: i for i, v in enumerate(order)}
    first = {v: i for i, v in reversed(list(enumerate(values)))}
    return min(counts, key=lambda v: (-counts[v], rank.get(v, len(rank)), first[v]))


def text_of(messages: Sequence[dict[str, Any]]) -> str:
    """The text of a message list (content parts other than text are left out)."""
    parts: list[str] = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(p.get("text", "") for p in content if p.get("type") == "text")
    return "\n\n".join(p for p in parts if p)


def prompt_and_response(record: Record) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The conversation before the response to judge, and that response (may be empty)."""
    kind = record["kind"]
    if kind == "sft":
        messages = list(record["messages"])
        if messages and messages[-1]["role"] == "assistant":
            return messages[:-1], messages[-1:]
        return messages, []
    if kind == "preference":
        return list(record["prompt"]), list(record["chosen"])
    if kind == "rating":
        return list(record["prompt"]), list(record["response"])
    if record.get("unranked"):
        return list(record["prompt"]), []
    return list(record["prompt"]), list(record["responses"][record["ranking"][0]])


def metadata(record: Record) -> dict[str, Any]:
    """The record's metadata fields (source, intent, language, tags, meta)."""
    return {k: record[k] for k in METADATA if k in record}


def letter(index: int) -> str:
    """The label of response `index`: 'A', 'B', ..."""
    return chr(ord("A") + index)


@dataclass(frozen=True)
class TaskTypeInfo:
    """What a task type is, for listings."""

    name: str
    title: str
    kinds: tuple[str, ...]
    shuffled: bool
    payload_fields: tuple[str, ...]


@dataclass(frozen=True)
class Keys:
    """A task type's keyboard map, which its pages hand to ``/static/keys.js`` as data.

    Without a map a key clicks the input of the form marked ``data-key="KEY"`` (in the group
    with the focus, else the first group with no answer). `actions` names, per key, the
    keys.js actions tried in turn instead: ``pick`` (that click), ``rank`` and ``unrank``
    (append a response to a ranking, take the last back), ``label-span`` (give the selected
    span the label with that number); the key ``digit`` stands for 0 to 9. `help` adds lines
    to the page's key list.
    """

    actions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    help: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class TaskType(Protocol):
    """What a task type must say; :class:`TaskTypeBase` gives everything else a default.

    `templates` is the folder holding its ``form.html`` (the answer fields of a task page,
    rendered with `view`, `v` (a label to prefill, or empty) and `idp` (an element id prefix))
    and, optionally, ``label.html`` (a submitted label `p`, read-only, for reviewers).
    """

    @property
    def name(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def kinds(self) -> tuple[str, ...]: ...

    @property
    def payload_model(self) -> type[BaseModel]: ...

    @property
    def templates(self) -> Path: ...

    def view(self, record: Record, config: dict[str, Any]) -> View:
        """What an annotator sees of `record`, in the true order (never an answer)."""
        ...

    def validate(self, raw: Any, config: dict[str, Any], view: View, where: str) -> Payload:
        """Check a payload against the model and the item; returns it canonical."""
        ...

    def read_form(self, form: FormFields) -> Payload:
        """The label the task's form posted, as a payload (not yet validated)."""
        ...


class TaskTypeBase:
    """A task type with a default for everything beyond :class:`TaskType`: override what
    differs. `config_model` is the pydantic model of the project's task settings."""

    name: str
    title: str
    kinds: tuple[str, ...]
    payload_model: type[BaseModel]
    templates: Path
    config_model: type[BaseModel] = NoConfig
    shuffled: bool = False
    keys: Keys = Keys()

    def view(self, record: Record, config: dict[str, Any]) -> View:
        """What an annotator sees of `record`, in the true order (never an answer)."""
        raise NotImplementedError

    def validate(self, raw: Any, config: dict[str, Any], view: View, where: str) -> Payload:
        """Check a payload against the model and the item; returns it canonical."""
        return parse(self.payload_model, raw, where).model_dump(mode="json", exclude_none=True)

    def read_form(self, form: FormFields) -> Payload:
        """The label the task's form posted, as a payload (not yet validated)."""
        raise NotImplementedError

    def info(self) -> TaskTypeInfo:
        """A summary for listings."""
        fields = tuple(self.payload_model.model_fields)
        return TaskTypeInfo(self.name, self.title, self.kinds, self.shuffled, fields)

    def configure(self, raw: dict[str, Any], where: str = "task config") -> dict[str, Any]:
        """Validate the project's task settings; returns them as stored."""
        return parse(self.config_model, raw, where).model_dump(mode="json")

    def check(self, record: Record, config: dict[str, Any]) -> None:
        """Refuse a record this task type cannot show, naming it."""
        if record["kind"] not in self.kinds:
            raise InputError(
                f"record '{record['id']}' is a {record['kind']} record; a {self.name} task "
                f"takes {' or '.join(self.kinds)} records",
                where="--from",
            )
        self.view(record, config)

    def shown_view(self, view: View, order: list[int]) -> View:
        """The view with its responses in the order shown (``order[shown] = true index``)."""
        if not order:
            return view
        responses = [
            {**view["responses"][true], "label": letter(shown)} for shown, true in enumerate(order)
        ]
        return {**view, "responses": responses}

    def options(self, view: View) -> int:
        """How many responses the view shuffles (0: nothing is shuffled)."""
        return len(view["responses"]) if self.shuffled else 0

    def unshow(self, payload: Payload, order: list[int]) -> Payload:
        """A payload given in the order shown, in the true order."""
        return payload

    def show(self, payload: Payload, order: list[int]) -> Payload:
        """A payload in the true order, in the order shown (for suggestions)."""
        return payload

    def agree(self, payloads: Sequence[Payload], config: dict[str, Any]) -> bool:
        """Whether the annotators' labels agree (if not, the item goes to adjudication)."""
        values = [self.value(p, None, config) for p in payloads]
        return len(set(values)) <= 1

    def aggregate(self, payloads: Sequence[Payload], config: dict[str, Any]) -> Payload:
        """The final label from agreeing (or reviewed) labels."""
        keys = [canonical(p) for p in payloads]
        winner = plurality(keys)
        return payloads[keys.index(winner)]

    def score(self, answer: Payload, payload: Payload, config: dict[str, Any]) -> float:
        """How well `payload` matches a gold `answer`, from 0 to 1."""
        return 1.0 if self.value(answer, None, config) == self.value(payload, None, config) else 0.0

    def suggest(self, record: Record, config: dict[str, Any]) -> Payload | None:
        """A label the record itself carries (``meta.suggestion`` or the task's own field)."""
        suggestion = record.get("meta", {}).get("suggestion")
        if suggestion is None:
            return self.label_in_record(record, config)
        view = self.view(record, config)
        return self.validate(suggestion, config, view, f"record '{record['id']}' meta.suggestion")

    def label_in_record(self, record: Record, config: dict[str, Any]) -> Payload | None:
        """The label a record of a labelled kind already holds (None when it holds none)."""
        return None

    def release(self, record: Record, label: Payload, config: dict[str, Any]) -> Record:
        """`record` carrying its final label (release adds the annotation detail to meta)."""
        return dict(record)

    def fields(self, config: dict[str, Any]) -> list[str]:
        """The parts of a label agreement can be computed on separately (e.g. rubric criteria)."""
        return []

    def value(self, payload: Payload, field: str | None, config: dict[str, Any]) -> Label | None:
        """A label as one value for agreement statistics (`field` picks a part of it)."""
        return canonical(payload).decode()


class _Defaults(TaskTypeBase):
    """A task type that implements only the protocol, with the defaults for the rest."""

    def __init__(self, core: TaskType) -> None:
        self.core = core
        self.name, self.title, self.kinds = core.name, core.title, tuple(core.kinds)
        self.payload_model, self.templates = core.payload_model, Path(core.templates)

    def view(self, record: Record, config: dict[str, Any]) -> View:
        return self.core.view(record, config)

    def validate(self, raw: Any, config: dict[str, Any], view: View, where: str) -> Payload:
        return self.core.validate(raw, config, view, where)

    def read_form(self, form: FormFields) -> Payload:
        return self.core.read_form(form)


def letter_index(label: str, count: int, where: str, field: str) -> int:
    """The index of a response label 'A', 'B', ...; an InputError if there is no such response."""
    index = ord(label) - ord("A") if len(label) == 1 else -1
    if not 0 <= index < count:
        labels = ", ".join(letter(i) for i in range(count))
        raise InputError(
            f"'{label}' is not a response; expected {labels}", where=where, field=field
        )
    return index


GROUP: Final = "mentor.task_types"
BUILTINS: Final = tuple(
    EntryPoint(name, f"mentor.annotate.tasktypes.{name}:{cls}", GROUP)
    for name, cls in (
        ("classification", "Classification"),
        ("factcheck", "FactCheck"),
        ("pairwise", "Pairwise"),
        ("ranking", "Ranking"),
        ("rubric", "Rubric"),
        ("sft", "Sft"),
        ("spans", "Spans"),
        ("turns", "Turns"),
    )
)
"""The built-in task types, declared exactly as a package declares its own."""

_LOADED: dict[str, TaskTypeBase] = {}


def register_task_type(task: TaskType) -> None:
    """Make a task type available by its name in this process (for tests and notebooks;
    packages declare a ``mentor.task_types`` entry point instead)."""
    plugins.register(GROUP, task.name, lambda: task)
    _LOADED.pop(task.name, None)


def _made(name: str, found: Mapping[str, EntryPoint]) -> TaskTypeBase:
    made = plugins.load("task type", name, found, where="--task")()
    if isinstance(made, TaskTypeBase):
        return made
    if not isinstance(made, TaskType):
        raise InputError(
            f"task type '{name}' ({found[name].value}) does not implement "
            "mentor.annotate.TaskType (name, title, kinds, payload_model, templates, view, "
            "validate, read_form)",
            where="--task",
        )
    return _Defaults(made)


def task_types() -> list[TaskTypeBase]:
    """Every registered task type, by name."""
    found = plugins.registered(GROUP, BUILTINS)
    return [task_type(name) for name in sorted(found)]


def task_type(name: str) -> TaskTypeBase:
    """The task type called `name`."""
    if name not in _LOADED:
        _LOADED[name] = _made(name, plugins.registered(GROUP, BUILTINS))
    return _LOADED[name]
