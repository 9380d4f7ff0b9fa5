"""Calibration records on real SQLite and PostgreSQL: from verdict files and from a review
project of a stored run; the figures cross-checked with scikit-learn; history shows drift."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import orjson
import pytest
from sklearn.metrics import cohen_kappa_score
from sqlalchemy import insert

import mentor
from mentor.errors import InputError, NotFoundError
from mentor.judges.calibration import settled
from mentor.store.audit import now
from mentor.store.engine import write_transaction
from mentor.store.judge_tables import eval_human_grades
from tests.annotate.project_world import pairwise

from .verdict_world import pair_rows, write_jsonl


def test_calibrating_a_pairwise_judge_from_a_file_stores_every_figure(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    rows = pair_rows(judges=3, pairs=80)
    path = write_jsonl(tmp_path / "verdicts.jsonl", rows)
    found = ws.judges.calibrate("judge-1", path)
    mine = [r for r in rows if r["judge"] == "judge-1"]
    judged = [settled(r["verdict_ab"], r["verdict_ba"]) for r in mine]
    kappa = cohen_kappa_score([r["human"] for r in mine], judged)
    assert found.judge == "judge-1" and found.kind == "pairwise" and found.n == 80
    assert found.kappa["value"] == pytest.approx(kappa, abs=1e-9)
    assert found.kappa["low"] < found.kappa["value"] < found.kappa["high"]
    wrong = [r for r, v in zip(mine, judged, strict=True) if v != r["human"]]
    assert found.stats["disagreements_total"] == len(wrong) == len(found.disagreements)
    assert [d["item"] for d in found.disagreements] == [r["item"] for r in wrong]
    assert found.disagreements[0]["a"] == wrong[0]["a"]
    flips = sum(r["verdict_ab"] != r["verdict_ba"] for r in mine) / 80
    assert found.bias is not None and found.bias["flip_rate"]["value"] == pytest.approx(flips)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert found.source == {"path": str(path), "sha256": digest, "rows": 240}
    body = orjson.dumps(found.fingerprint, option=orjson.OPT_SORT_KEYS)
    assert found.fingerprint_hash == hashlib.sha256(body).hexdigest()
    assert found.fingerprint["judge_family"] == "llama"
    event = next(e for e in ws.audit() if e.action == "judge.calibrate")
    assert event.object_id == str(found.id) and event.actor == "tester"
    assert ws.judges.get(found.id) == found


def test_an_ordinal_label_file_uses_weighted_kappa(ws: mentor.Workspace, tmp_path: Path) -> None:
    human = [1, 2, 3, 4, 5, 3, 2, 4, 5, 1, 2, 3] * 5
    judge = [1, 2, 4, 4, 5, 2, 2, 5, 4, 1, 3, 3] * 5
    rows = [
        {"item": str(i), "human_label": h, "judge_label": j}
        for i, (h, j) in enumerate(zip(human, judge, strict=True))
    ]
    path = write_jsonl(tmp_path / "scores.jsonl", rows)
    ordinal = ws.judges.calibrate("rater", path, ordinal=True)
    nominal = ws.judges.calibrate("rater", path)
    weighted = cohen_kappa_score(human, judge, weights="quadratic")
    assert ordinal.kind == "ordinal" and nominal.kind == "label"
    assert ordinal.kappa["value"] == pytest.approx(weighted, abs=1e-9)
    assert nominal.kappa["value"] == pytest.approx(cohen_kappa_score(human, judge), abs=1e-9)
    assert ordinal.stats["agreement"]["confusion"][2] == [0, 5, 5, 5, 0]  # people said 3


def test_every_judge_of_a_file_at_once_then_history_and_lists(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "v.jsonl", pair_rows(judges=3, pairs=40))
    first = ws.judges.calibrate_file(path)
    assert [c.judge for c in first] == ["judge-0", "judge-1", "judge-2"]
    later = ws.judges.calibrate("judge-0", path, fingerprint={"prompt": "v2"})
    history = ws.judges.history("judge-0")
    assert [c.id for c in history] == [first[0].id, later.id]
    assert history[0].fingerprint_hash != history[1].fingerprint_hash
    assert [c.id for c in ws.judges.calibrations("judge-0")] == [later.id, first[0].id]
    assert len(ws.judges.calibrations()) == 4
    with pytest.raises(NotFoundError, match="no judge calibration 999"):
        ws.judges.get(999)
    with pytest.raises(InputError, match="not a calibration id"):
        ws.judges.get("abc")


MODEL = "import json, sys\nreq = json.load(sys.stdin)\nq = req['messages'][-1]['content']\n"
MODEL += "print('yes' if 'good' in q else 'no')\n"


def _graded_run(ws: mentor.Workspace, tmp_path: Path) -> int:
    script = tmp_path / "model.py"
    script.write_text(MODEL, encoding="utf-8")
    lines = ["name: reviewed", "cases:"]
    for i in range(12):
        lines += [
            f"  - id: c{i}",
            f"    prompt: {'good' if i % 2 else 'bad'} question {i}",
            "    graders: [{type: contains, value: 'yes', name: checker}]",
        ]
    (tmp_path / "suite.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = ws.evals.run(tmp_path / "suite.yaml", f"command:{sys.executable} {script}")
    return run.id


def _attach(ws: mentor.Workspace, run_id: int, project_id: int, verdicts: list[bool]) -> None:
    # What `attach` writes once people's labels are released (mentor.judges.review).
    with write_transaction(ws.engine) as conn:
        for i, passed in enumerate(verdicts):
            conn.execute(
                insert(eval_human_grades).values(
                    run_id=run_id,
                    case_id=f"c{i}",
                    project_id=project_id,
                    kind="pass-fail",
                    passed=passed,
                    score=float(passed),
                    label={"verdict": "pass" if passed else "fail"},
                    reason=f"people on c{i}",
                    provenance={"annotators": ["ann"], "adjudicated": False},
                    attached_by="tester",
                    attached_at=now(),
                )
            )


def test_a_grader_of_a_run_against_its_review_project(ws: mentor.Workspace, tmp_path: Path) -> None:
    run_id = _graded_run(ws, tmp_path)
    project = pairwise(ws, tmp_path, n=2, name="review")
    people = [bool(i % 2) for i in range(12)]
    people[0], people[3] = True, False  # people pass c0 (the grader failed it), fail c3
    _attach(ws, run_id, project.id, people)
    found = ws.judges.calibrate("checker", "review")
    grader = [bool(i % 2) for i in range(12)]
    assert found.kind == "label" and found.n == 12
    assert found.stats["accuracy"]["value"] == pytest.approx(10 / 12)
    kappa = cohen_kappa_score(["pass" if p else "fail" for p in people],
                              ["pass" if g else "fail" for g in grader])  # fmt: skip
    assert found.kappa["value"] == pytest.approx(kappa, abs=1e-9)
    assert [d["item"] for d in found.disagreements] == ["c0", "c3"]
    assert found.disagreements[0]["human_reason"] == "people on c0"
    assert found.fingerprint["type"] == "contains" and found.fingerprint["version"] == "1"
    assert found.source["project"] == "review" and found.source["run"] == run_id
    with pytest.raises(
        InputError, match="no grades from a grader named 'judge'; its graders: checker"
    ):
        ws.judges.calibrate("judge", "review")
    with pytest.raises(NotFoundError, match="no project or verdict file 'nope'"):
        ws.judges.calibrate("checker", "nope")
    assert json.loads(orjson.dumps(found.stats))["kappa"]["value"] == found.kappa["value"]


def test_a_grader_against_a_real_review_of_its_run(ws: mentor.Workspace, tmp_path: Path) -> None:
    # The review flow end to end (mentor.judges.review): people fail "moon", which the
    # `contains` grader passed (it found "Armstrong" but not the wrong year).
    from mentor.annotate import ProjectSettings

    from .review_world import annotate_pass_fail, make_runs

    _, cand, _ = make_runs(ws, tmp_path)
    ws.reviews.create("review", run=cand, limit=4, settings=ProjectSettings(overlap=2))
    annotate_pass_fail(ws, "review")
    [dispute] = ws.projects.adjudication_queue("review")
    ws.projects.adjudicate("review", dispute.item_id, {"labels": ["pass"]}, adjudicator="cleo")
    ws.projects.release("review")
    found = ws.judges.calibrate("contains", "review")
    assert found.n == 3  # capital, moon, hello: math is graded by `numeric`
    assert found.stats["accuracy"]["value"] == pytest.approx(2 / 3)
    assert [d["item"] for d in found.disagreements] == ["moon"]
    assert "wrong year" in found.disagreements[0]["human_reason"]
    assert found.kappa["value"] == 0.0  # the grader passed all three: no better than chance
