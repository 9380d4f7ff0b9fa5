"""Release: a dataset version of a project's labelled data.

Each finished item becomes one record carrying its final label (the adjudicator's decision, or
the aggregate of the agreeing, reviewed labels), with every individual annotation kept under
``meta.annotation``. The version's parent is the project's dataset version; its params name the
project, guideline version, annotator pool and review outcome (its lineage).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Engine, select

from mentor.annotate.adjudication import Adjudication, list_adjudications
from mentor.annotate.annotations import Annotation, list_annotations
from mentor.annotate.freetext import check_text
from mentor.annotate.gold import gold_scores
from mentor.annotate.items import ADJUDICATED, COMPLETE
from mentor.annotate.projects import ProjectInfo, load
from mentor.datasets.versions import VersionInfo, by_id, check_name
from mentor.datasets.writer import VersionSpec, VersionWriter
from mentor.errors import InputError
from mentor.records import Record, validate
from mentor.store.annotation_tables import project_items
from mentor.store.audit import record_event
from mentor.store.engine import write_transaction
from mentor.store.tables import record_blobs


@dataclass(frozen=True)
class ReleaseResult:
    """The version written, how many items went in (and how each label was decided), and how
    many were left out because they are not finished (by status)."""

    project: str
    version: VersionInfo
    records: int
    annotations: int
    decided_by: dict[str, int]
    left_out: dict[str, int]


def _detail(a: Annotation) -> dict[str, Any]:
    review: dict[str, Any] | None = None
    if a.review is not None:
        review = {"verdict": a.review, "reviewer": a.reviewer, "comment": a.review_comment}
        if a.correction is not None:
            review["correction"] = a.correction
    return {
        "id": a.id,
        "annotator": a.annotator,
        "label": a.payload,
        "shown": a.shown,
        "time_spent_s": a.time_spent_s,
        "guideline_version": a.guideline_version,
        "prelabel_agrees": a.prelabel_agrees,
        "review": review,
    }


def _released(
    project: ProjectInfo,
    item: Any,
    record: Record,
    labels: list[Annotation],
    decision: Adjudication | None,
) -> tuple[str, Record]:
    task = project.task
    if decision is not None:
        how, final = "adjudication", decision.payload
    else:
        valid = [a.effective for a in labels if a.review != "reject"]
        how, final = "agreement", task.aggregate(valid, project.config)
    out = task.release(record, final, project.config)
    meta: dict[str, Any] = {
        "project": project.name,
        "task": task.name,
        "guideline": project.guideline,
        "label": final,
        "decided_by": how,
        "annotations": [_detail(a) for a in labels],
    }
    if decision is not None:
        meta["adjudication"] = {"adjudicator": decision.adjudicator, "comment": decision.comment}
    if item.prelabel is not None:
        meta["prelabel"] = {"source": project.settings.prelabel, "label": item.prelabel}
    out["meta"] = {**out.get("meta", {}), "annotation": meta}
    return how, validate(out)


def _lineage(project: ProjectInfo, labels: list[Annotation], gold: list[Any]) -> dict[str, Any]:
    reviews = Counter(a.review for a in labels if a.review is not None)
    pending = sum(a.review_sampled and a.review is None for a in labels)
    return {
        "project": project.name,
        "task": project.task_type,
        "from": project.dataset,
        "guideline": project.guideline,
        "annotators": sorted({a.annotator for a in labels}),
        "overlap": project.settings.overlap,
        "review": {
            **{v: reviews.get(v, 0) for v in ("accept", "reject", "correct")},
            "pending": pending,
        },
        "gold": {g.annotator: round(g.mean_score, 4) for g in gold},
    }


def release(engine: Engine, name: str, actor: str, into: str | None, note: str) -> ReleaseResult:
    """Write the finished items of project `name` as the next version of `into`
    (default ``NAME-labels``)."""
    target = check_name(into or f"{name}-labels", where="--into")
    check_text(note, "note")
    with write_transaction(engine) as conn:
        project = load(conn, name)
        items = conn.execute(
            select(project_items, record_blobs.c.body)
            .join(record_blobs, record_blobs.c.hash == project_items.c.record_hash)
            .where(project_items.c.project_id == project.id, project_items.c.is_gold.is_(False))
            .order_by(project_items.c.position)
        ).all()
        labels = list_annotations(conn, project)
        by_item: dict[int, list[Annotation]] = defaultdict(list)
        for a in labels:
            by_item[a.item_id].append(a)
        decisions = {d.item_id: d for d in list_adjudications(conn, project)}
        finished = [i for i in items if i.status in (COMPLETE, ADJUDICATED)]
        left_out = dict(Counter(i.status for i in items if i.status not in (COMPLETE, ADJUDICATED)))
        if not finished:
            counts = ", ".join(f"{n} {s}" for s, n in left_out.items())
            raise InputError(f"project '{name}' has no finished items to release yet ({counts})")
        params = {**_lineage(project, labels, gold_scores(conn, project)), "left_out": left_out}
        spec = VersionSpec(
            target,
            actor,
            "annotate",
            params,
            (project.dataset_version_id,),
            note,
            guideline_version=project.guideline,
            description=f"Labels from annotation project {name}",
        )
        writer = VersionWriter(conn, spec)
        decided: Counter[str] = Counter()
        kept = 0
        for item in finished:
            item_labels = by_item[item.id]
            how, record = _released(
                project, item, orjson.loads(item.body), item_labels, decisions.get(item.id)
            )
            decided[how] += 1
            kept += len(item_labels)
            writer.add(record)
        writer.finish()
        record_event(
            conn,
            actor=actor,
            action="project.release",
            object_type="project",
            object_id=name,
            after={"version": f"{target}@v{writer.number}"},
            detail={"records": writer.count, "left_out": left_out},
        )
        version = by_id(conn, writer.version_id)
    return ReleaseResult(name, version, version.record_count, kept, dict(decided), left_out)
