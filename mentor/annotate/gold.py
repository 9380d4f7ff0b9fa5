"""Gold items: records with known answers, served at the project's gold rate like any other item,
scored against each annotator's label. Their answers never leave the store to an annotator.

Gold comes from a JSONL file of ``{"record": {...}, "answer": {...}}`` lines (the answer in the
record's own order of responses), or from a dataset version whose records carry their label (a
preference's chosen side, a ranking, a rating's scores, ``meta.suggestion``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, case, func, select

from mentor.annotate.items import GoldItem, version_records_of
from mentor.annotate.projects import ProjectInfo
from mentor.annotate.tasks import TaskType
from mentor.datasets import versions
from mentor.errors import InputError, RecordError
from mentor.records import validate
from mentor.store.annotation_tables import annotations as annotations_t
from mentor.store.annotation_tables import project_items


@dataclass(frozen=True)
class GoldScore:
    """How one annotator did on the gold items served to them."""

    annotator: str
    answered: int
    mean_score: float
    exact: int


def _from_file(path: Path, task: TaskType, config: dict[str, Any]) -> list[GoldItem]:
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
    conn: Connection, source: str | Path, task: TaskType, config: dict[str, Any]
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
        select(
            annotations_t.c.annotator,
            func.count(),
            func.avg(annotations_t.c.gold_score),
            func.sum(case((annotations_t.c.gold_score >= 0.999999, 1), else_=0)),
        )
        .join(project_items, project_items.c.id == annotations_t.c.item_id)
        .where(annotations_t.c.project_id == project.id, project_items.c.is_gold.is_(True))
        .group_by(annotations_t.c.annotator)
        .order_by(annotations_t.c.annotator)
    )
    return [GoldScore(who, int(n), float(mean), int(exact or 0)) for who, n, mean, exact in rows]
