"""A project's annotations as label tables, one per question a label answers.

Which questions a task type's labels answer, and on what scale:

* pairwise: ``choice`` (A / B / tie, nominal), mapped back to the item's own A and B whatever
  order each annotator saw; ``margin`` (ordinal: the strength, signed +A / -B, 0 for a tie)
  when annotators gave strengths;
* rubric and turn ratings: one question per criterion, ordinal (interval alpha beside it);
* classification: the label (nominal); with several labels allowed, each label yes / no;
* ranking: ``top`` (the first place) and one question per pair of responses, ``A vs B``: which
  of the two was ranked higher (nominal);
* spans: for each span label, whether the annotator marked any span of it (nominal yes / no):
  the presence of a label, not its boundaries, which the project's IoU rule judges;
* any other task type: each of its fields, or else its whole label, nominal.

Gold items are left out (their answers are known; they measure annotators, not agreement).
The annotators' own labels count, before any review.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from mentor.agreement import Level
from mentor.annotate.annotations import Annotation
from mentor.annotate.projects import ProjectInfo
from mentor.annotate.tasks import Label, Payload
from mentor.quality.label_files import LabelTable

Extract = Callable[[Payload], Label | None]


@dataclass(frozen=True)
class Question:
    """One part of a label as a table of items x annotators, with its scale. `also` names
    further scales worth an alpha (interval beside ordinal ratings)."""

    name: str
    level: Level
    table: LabelTable
    also: tuple[Level, ...] = ()

    @property
    def categories(self) -> list[Label]:
        """The labels given, in order (numbers ascending, then text)."""
        found = {v for row in self.table.rows for v in row if v is not None}
        return sorted(found, key=label_order)


def label_order(value: Label) -> tuple[int, float, str]:
    """Sort key: numbers first by value, then text."""
    if isinstance(value, int | float):
        return (0, float(value), "")
    return (1, 0.0, str(value))


def _margin(payload: Payload) -> int | None:
    if payload["choice"] == "tie":
        return 0
    strength = payload.get("strength")
    if strength is None:
        return None
    return int(strength) if payload["choice"] == "A" else -int(strength)


def _higher(first: str, second: str) -> Extract:
    def extract(payload: Payload) -> str | None:
        ranking = list(payload["ranking"])
        if first not in ranking or second not in ranking:
            return None
        return first if ranking.index(first) < ranking.index(second) else second

    return extract


def _specs(project: ProjectInfo, payloads: Sequence[Payload]) -> list[tuple[str, Extract]]:
    task, config = project.task, project.config
    if project.task_type == "pairwise":
        specs: list[tuple[str, Extract]] = [("choice", lambda p: str(p["choice"]))]
        if any("strength" in p for p in payloads):
            specs.append(("margin", _margin))
        return specs
    if project.task_type == "ranking":
        letters = sorted({x for p in payloads for x in p["ranking"]})
        specs = [("top", lambda p: str(p["ranking"][0]))]
        return specs + [(f"{a} vs {b}", _higher(a, b)) for a, b in combinations(letters, 2)]
    fields = task.fields(config)
    if not fields:
        return [("label", lambda p: task.value(p, None, config))]
    return [(f, _field(task, f, config)) for f in fields]


def _field(task: Any, name: str, config: dict[str, Any]) -> Extract:
    return lambda p: task.value(p, name, config)


def _level(rows: list[list[Label | None]]) -> tuple[Level, tuple[Level, ...]]:
    values = [v for row in rows for v in row if v is not None]
    numeric = bool(values) and all(isinstance(v, int) and not isinstance(v, bool) for v in values)
    return ("ordinal", ("interval",)) if numeric else ("nominal", ())


def questions(project: ProjectInfo, found: Sequence[Annotation]) -> list[Question]:
    """One table per question the project's labels answer (gold items left out)."""
    labels = [a for a in found if not a.gold]
    items = sorted({a.item_id for a in labels})
    annotators = sorted({a.annotator for a in labels})
    row_of = {item: i for i, item in enumerate(items)}
    column = {name: j for j, name in enumerate(annotators)}
    out = []
    for name, extract in _specs(project, [a.payload for a in labels]):
        rows: list[list[Label | None]] = [[None] * len(annotators) for _ in items]
        for a in labels:
            rows[row_of[a.item_id]][column[a.annotator]] = extract(a.payload)
        level, also = _level(rows)
        table = LabelTable([str(i) for i in items], annotators, rows)
        out.append(Question(name, level, table, also))
    return out


def gold_confusion(
    project: ProjectInfo, found: Sequence[Annotation], answers: dict[int, Payload]
) -> dict[tuple[str, str], int]:
    """How often each gold answer (first) met each annotator label (second), on the first
    question of the task type; empty without answered gold items."""
    gold = [a for a in found if a.gold and a.item_id in answers]
    if not gold:
        return {}
    _, extract = _specs(project, [a.payload for a in gold] + list(answers.values()))[0]
    counts: dict[tuple[str, str], int] = {}
    for a in gold:
        key = (str(extract(answers[a.item_id])), str(extract(a.payload)))
        counts[key] = counts.get(key, 0) + 1
    return counts


def first_values(project: ProjectInfo, found: Sequence[Annotation]) -> dict[int, Label | None]:
    """Each annotation's value on the first question (``choice``, the first criterion, ...),
    by annotation id."""
    if not found:
        return {}
    _, extract = _specs(project, [a.payload for a in found])[0]
    return {a.id: extract(a.payload) for a in found}
