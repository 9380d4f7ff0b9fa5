"""Attaching a review project's released labels to the run as human grades, with provenance.

Each released record of a review project (see :mod:`mentor.judges.review`) becomes one row of
``eval_human_grades`` for (run, case, project): the verdict, the score on 0..1, the label, the
reason people gave, and who said it (annotators, guideline version, adjudicated or not, the
order the sides were shown in for pairwise). Attaching reads the project's newest release and
replaces the project's rows; attaching the same release again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select

from mentor.annotate.items import version_records_of
from mentor.annotate.projects import ProjectInfo, load
from mentor.datasets.versions import VersionInfo, by_id
from mentor.errors import InputError
from mentor.evals.human_grades import REVIEW_TRANSFORM
from mentor.judges.review_guides import RUBRIC_PASS_AT
from mentor.records import Record
from mentor.store.audit import now, record_event
from mentor.store.engine import write_transaction
from mentor.store.judge_tables import eval_human_grades
from mentor.store.tables import version_parents, versions

CONTENT = ("run_id", "case_id", "kind", "passed", "score", "label", "reason", "provenance")
Verdict = tuple[bool | None, float | None, dict[str, Any]]


@dataclass(frozen=True)
class AttachResult:
    """What attaching a review project's release did."""

    project: str
    run: int
    baseline: int | None
    release: str
    grades: int
    passed: int
    failed: int
    changed: bool


def review_source(conn: Connection, project: ProjectInfo) -> VersionInfo | None:
    """The dataset version of run outputs the project reviews; None for other projects."""
    version = by_id(conn, project.dataset_version_id)
    return version if version.transform == REVIEW_TRANSFORM else None


def latest_release(conn: Connection, project: ProjectInfo) -> VersionInfo:
    """The project's newest release (a version made by ``annotate`` from its dataset version)."""
    rows = conn.execute(
        select(versions.c.id, versions.c.params)
        .join(version_parents, version_parents.c.version_id == versions.c.id)
        .where(
            version_parents.c.parent_id == project.dataset_version_id,
            versions.c.transform == "annotate",
        )
        .order_by(versions.c.id.desc())
    )
    for version_id, params in rows:
        if params.get("project") == project.name:
            return by_id(conn, version_id)
    raise InputError(
        f"project '{project.name}' has no release yet; release it first with "
        f"`mentor projects release {project.name}`",
        field="project",
    )


def _verdict(task: str, final: dict[str, Any], review: dict[str, Any], cfg: Any) -> Verdict:
    if task == "pass-fail":
        said = (final.get("labels") or [None])[0]
        return said == "pass", 1.0 if said == "pass" else 0.0, {"verdict": said}
    if task == "rubric":
        scales = {c["name"]: (c["min"], c["max"]) for c in cfg["criteria"]}
        scores = final["scores"]
        parts = [(scores[n] - lo) / (hi - lo) for n, (lo, hi) in scales.items() if n in scores]
        score = sum(parts) / len(parts)
        return score >= RUBRIC_PASS_AT, score, {"scores": scores}
    if task == "spans":
        spans = final.get("spans", [])
        return not spans, 0.0 if spans else 1.0, {"spans": spans}
    sides = review.get("order", ["candidate", "baseline"])
    choice = final["choice"]
    preferred = "tie" if choice == "tie" else sides[0] if choice == "A" else sides[1]
    passed = None if preferred == "tie" else preferred == "candidate"
    score = 0.5 if passed is None else float(passed)
    label = {"preferred": preferred, "choice": choice, "strength": final.get("strength")}
    return passed, score, label


def _reason(task: str, ann: dict[str, Any], final: dict[str, Any]) -> str:
    field = "rationale" if task == "pairwise" else "comment"
    quotes = [f'{s["label"]}: "{s.get("quote", "")}"' for s in final.get("spans", [])]
    decided = ann.get("adjudication")
    if decided is not None:
        said = final.get(field) or decided.get("comment") or ""
        return "; ".join([f"adjudicated by {decided['adjudicator']}: {said}".strip(), *quotes])
    said = [
        f"{d['annotator']}: {d['label'].get(field)}"
        for d in ann.get("annotations", [])
        if d["label"].get(field)
    ]
    return "; ".join([*said, *quotes])


def _row(record: Record, task: str, project: ProjectInfo, release: str) -> dict[str, Any]:
    meta = record["meta"]
    review, ann = meta["review"], meta["annotation"]
    details = ann.get("annotations", [])
    sides = review.get("order", [])
    passed, score, label = _verdict(task, ann["label"], review, project.config)
    versions_seen = [d["guideline_version"] for d in details if d.get("guideline_version")]
    provenance = {
        "project": project.name,
        "release": release,
        "annotators": sorted({d["annotator"] for d in details}),
        "guideline_version": max(versions_seen) if versions_seen else project.guideline_number,
        "adjudicated": ann.get("decided_by") == "adjudication",
        "adjudicator": (ann.get("adjudication") or {}).get("adjudicator"),
        "baseline_run": review.get("baseline_run"),
        "order": [
            {"annotator": d["annotator"], "shown": [sides[i] for i in d["shown"]["order"]]}
            for d in details
            if sides and d.get("shown", {}).get("order")
        ],
    }
    return {
        "run_id": int(review["run_id"]),
        "case_id": str(review["case_id"]),
        "kind": task,
        "passed": passed,
        "score": score,
        "label": label,
        "reason": _reason(task, ann, ann["label"]),
        "provenance": provenance,
    }


def attach(engine: Engine, name: str, actor: str) -> AttachResult:
    """Attach review project `name`'s newest release to its run (see the module docstring)."""
    with write_transaction(engine) as conn:
        project = load(conn, name)
        source = review_source(conn, project)
        if source is None:
            raise InputError(
                f"project '{name}' does not review an eval run's outputs; make one with "
                "`mentor projects create NAME --from-run RUN`",
                field="project",
            )
        release = latest_release(conn, project)
        task = str(source.params["task"])
        rows = [
            _row(r, task, project, release.ref)
            for _, r in version_records_of(conn, release.id, None)
        ]
        where = eval_human_grades.c.project_id == project.id
        before = [
            {k: getattr(r, k) for k in CONTENT}
            for r in conn.execute(select(eval_human_grades).where(where))
        ]
        key = lambda r: (r["run_id"], r["case_id"])  # noqa: E731
        changed = sorted(before, key=key) != sorted(rows, key=key)
        passed = sum(r["passed"] is True for r in rows)
        failed = sum(r["passed"] is False for r in rows)
        run, baseline = int(source.params["run"]), source.params.get("baseline")
        if changed:
            stamp = {"project_id": project.id, "attached_by": actor, "attached_at": now()}
            conn.execute(delete(eval_human_grades).where(where))
            conn.execute(insert(eval_human_grades), [{**r, **stamp} for r in rows])
            record_event(
                conn,
                actor=actor,
                action="eval.human-grades.attach",
                object_type="eval_run",
                object_id=str(run),
                before={"grades": len(before)},
                after={"grades": len(rows), "passed": passed, "failed": failed},
                detail={"project": name, "release": release.ref, "baseline": baseline},
            )
    return AttachResult(name, run, baseline, release.ref, len(rows), passed, failed, changed)
