"""Gold items: records with known answers, served at the project's gold rate like any other item,
scored against each annotator's label. Their answers never leave the store to an annotator.

Gold comes from a JSONL file of ``{"record": {...}, "answer": {...}}`` lines (the answer in the
record's own order of responses), or from a dataset version whose records carry their label (a
preference's chosen side, a ranking, a rating's scores, ``meta.suggestion``).

Gold accuracy has one definition, :func:`gold_accuracy`, which every page, command and KPI uses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import orjson
from sqlalchemy import Connection, select

from mentor.annotate.annotations import Annotation
from mentor.annotate.items import GoldItem, version_records_of
from mentor.annotate.projects import ProjectInfo
from mentor.annotate.tasks import Payload, TaskTypeBase
from mentor.datasets import versions
from mentor.errors import InputError, RecordError
from mentor.records import validate
from mentor.store.annotation_tables import annotations as annotations_t
from mentor.store.annotation_tables import project_items

EXACT: Final = 0.999999  # a score this close to 1 is the known answer exactly


@dataclass(frozen=True)
class GoldAccuracy:
    """Gold accuracy of some annotations: gold answers scored, their summed score (1 = the known
    answer exactly, partial credit for rankings, rubrics and spans) and exact matches."""

    answered: int
    score: float
    exact: int

    @property
    def mean(self) -> float | None:
        """The mean gold score, None before any gold answer."""
        return self.score / self.answered if self.answered else None


def scored_gold(found: Iterable[Annotation]) -> list[Annotation]:
    """The annotations that count for gold accuracy: labels on gold items, scored."""
    return [a for a in found if a.gold and a.gold_score is not None]


def gold_accuracy(found: Iterable[Annotation]) -> GoldAccuracy:
    """Gold accuracy of `found` (any annotations; those on gold items count)."""
    return _accuracy([float(a.gold_score or 0.0) for a in scored_gold(found)])


@dataclass(frozen=True)
class GoldScore:
    """How one annotator did on the gold items served to them."""

    annotator: str
    answered: int
    mean_score: float
    exact: int


def _from_file(path: Path, task: TaskTypeBase, config: dict[str, Any]) -> list[GoldItem]:
    found = []
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg}", where=where) from exc
        if not isinstance(data, dict) or not {"record", "answer"} <= data.keys():
            raise InputError('expected {"record": {...}, "answer": {...}}', where=where)
        try:
            record = validate(data["record"])
        except RecordError as exc:
            raise InputError(exc.reason, where=where, field=f"record.{exc.field}") from exc
        task.check(record, config)
        view = task.view(record, config)
        found.append(
            GoldItem(record, task.validate(data["answer"], config, view, f"{where} answer"))
        )
    return found


def load_gold(
    conn: Connection, source: str | Path, task: TaskTypeBase, config: dict[str, Any]
) -> list[GoldItem]:
    """Gold items from a JSONL file or a dataset version (``NAME@vN``)."""
    path = Path(source)
    if isinstance(source, Path) or path.is_file():
        if not path.is_file():
            raise InputError("no such file", where=str(path))
        items = _from_file(path, task, config)
    else:
        version = versions.resolve(conn, str(source))
        items = []
        for _, record in version_records_of(conn, version.id, None):
            task.check(record, config)
            answer = task.suggest(record, config)
            if answer is None:
                raise InputError(
                    f"record '{record['id']}' of {version.ref} carries no {task.name} label to "
                    "use as its gold answer",
                    where="--gold",
                )
            items.append(GoldItem(record, answer))
    if not items:
        raise InputError("no gold items found", where=str(source))
    return items


def gold_scores(conn: Connection, project: ProjectInfo) -> list[GoldScore]:
    """Per annotator: gold items answered, mean score (0-1) and exact matches."""
    rows = conn.execute(
        select(annotations_t.c.annotator, annotations_t.c.gold_score)
        .join(project_items, project_items.c.id == annotations_t.c.item_id)
        .where(
            annotations_t.c.project_id == project.id,
            project_items.c.is_gold.is_(True),
            annotations_t.c.gold_score.is_not(None),
        )
        .order_by(annotations_t.c.annotator, annotations_t.c.id)
    )
    scores: dict[str, list[float]] = defaultdict(list)
    for who, score in rows:
        scores[who].append(float(score))
    out = []
    for who, found in scores.items():
        acc = _accuracy(found)
        out.append(GoldScore(who, acc.answered, acc.mean or 0.0, acc.exact))
    return out


def _accuracy(scores: list[float]) -> GoldAccuracy:
    return GoldAccuracy(len(scores), sum(scores), sum(s >= EXACT for s in scores))


def gold_answers(conn: Connection, project: ProjectInfo) -> dict[int, Payload]:
    """The known answer of each gold item, by item id (trainers' views only)."""
    rows = conn.execute(
        select(project_items.c.id, project_items.c.gold_answer).where(
            project_items.c.project_id == project.id, project_items.c.is_gold.is_(True)
        )
    )
    return {int(item): dict(answer) for item, answer in rows if answer is not None}
