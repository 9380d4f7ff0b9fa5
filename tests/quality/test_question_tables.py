"""How each task type's labels become agreement tables: rubric criteria on an ordinal scale
(with interval alpha), rankings per pair of responses in the item's own order."""

from __future__ import annotations

from pathlib import Path

import krippendorff
import numpy as np
import orjson
import pytest

import mentor
from mentor.annotate.projects import ProjectSettings

RUBRIC = {
    "r1": ((5, 1), (4, 2)),
    "r2": ((3, 5), (3, 4)),
    "r3": ((1, 2), (2, 2)),
    "r4": ((4, 4), (5, 3)),
}
RANKS = {"k1": ("ABC", "ABC"), "k2": ("BAC", "ABC"), "k3": ("CBA", "CAB")}


def _label(ws: mentor.Workspace, project: str, answer: dict[str, dict[str, object]]) -> None:
    task_type = ws.projects.get(project).task
    ids = {i.id: i.record_id for i in ws.projects.items(project)}
    for who in ("ana", "ben"):
        while (task := ws.projects.next_item(project, who)) is not None:
            payload = answer[who][ids[task.item_id]]
            shown = task_type.show(payload, list(task.shown.get("order", [])))  # type: ignore[arg-type]
            ws.projects.submit(
                project, task.item_id, shown, client_id=f"{who}{task.item_id}", annotator=who
            )


def test_rubric_criteria_are_ordinal_questions_with_interval_alpha(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "ratings.jsonl"
    path.write_bytes(
        b"\n".join(
            orjson.dumps(
                {
                    "id": r,
                    "kind": "rating",
                    "prompt": [{"role": "user", "content": r}],
                    "response": [{"role": "assistant", "content": "ok"}],
                    "scores": {"x": 1},
                }
            )
            for r in RUBRIC
        )
    )
    sqlite_ws.datasets.import_file(path, "ratings")
    config = {"criteria": [{"name": "helpful"}, {"name": "honest"}]}
    sqlite_ws.projects.create(
        "rubric",
        dataset="ratings@v1",
        task="rubric",
        guideline="# Labels\n1-5",
        config=config,
        settings=ProjectSettings(overlap=2),
    )
    answer = {
        who: {r: {"scores": {"helpful": s[k][0], "honest": s[k][1]}} for r, s in RUBRIC.items()}
        for k, who in enumerate(("ana", "ben"))
    }
    _label(sqlite_ws, "rubric", answer)
    q = sqlite_ws.quality.project("rubric")
    assert [(x.name, x.level) for x in q.questions] == [
        ("helpful", "ordinal"),
        ("honest", "ordinal"),
    ]
    for n, question in enumerate(q.questions):
        data = np.array([[RUBRIC[r][k][n] for r in RUBRIC] for k in range(2)], dtype=float)
        values = {m.name: m.value for m in [*question.report.metrics, *question.extra]}  # type: ignore[union-attr]
        for level in ("ordinal", "interval"):
            expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
            assert values[f"Krippendorff's alpha ({level})"] == pytest.approx(expected)
    # helpful: ana 5, 3, 1, 4; ben 4, 3, 2, 5.
    assert q.questions[0].distribution == {"1": 1, "2": 1, "3": 2, "4": 2, "5": 2}


def test_rankings_agree_per_pair_of_responses_in_the_true_order(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "ranks.jsonl"
    path.write_bytes(
        b"\n".join(
            orjson.dumps(
                {
                    "id": r,
                    "prompt": r,
                    "ranking": [0, 1, 2],
                    "responses": [[{"role": "assistant", "content": f"{r} {n}"}] for n in range(3)],
                }
            )
            for r in RANKS
        )
    )
    sqlite_ws.datasets.import_file(path, "ranks")
    sqlite_ws.projects.create(
        "ranks",
        dataset="ranks@v1",
        task="ranking",
        guideline="# Labels\nrank",
        settings=ProjectSettings(overlap=2),
    )
    answer = {
        who: {r: {"ranking": list(v[k])} for r, v in RANKS.items()}
        for k, who in enumerate(("ana", "ben"))
    }
    _label(sqlite_ws, "ranks", answer)
    q = sqlite_ws.quality.project("ranks")
    by_name = {x.name: x for x in q.questions}
    assert list(by_name) == ["top", "A vs B", "A vs C", "B vs C"]
    percent = {n: x.report.metrics[0].value for n, x in by_name.items()}  # type: ignore[union-attr]
    # Higher of each pair, ana / ben. top: A/A, B/A, C/C. A vs B: A/A, B/A, B/A.
    # A vs C: A/A, A/A, C/C. B vs C: B/B, B/B, C/C.
    assert percent["top"] == pytest.approx(2 / 3)
    assert percent["A vs B"] == pytest.approx(1 / 3)
    assert percent["A vs C"] == pytest.approx(1.0)
    assert percent["B vs C"] == pytest.approx(1.0)
