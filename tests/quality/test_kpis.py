"""The trainer KPIs over a workspace with one project, one release and a QA scan; and "no data"
with its reason wherever there is nothing to compute from."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import krippendorff
import numpy as np
import pytest

import mentor

from .builder import LABELS, PRIORITIES, build


def test_every_kpi_from_the_store(ws: mentor.Workspace, tmp_path: Path) -> None:
    built = build(ws, tmp_path)
    priorities = tmp_path / "priorities.txt"
    priorities.write_text(PRIORITIES)
    report = ws.quality.kpis(priorities=priorities)
    assert report.projects == [built.project] and report.releases == [built.release]
    assert all(k.value is not None for k in report.kpis), [k.shown for k in report.kpis]
    # Finished: p1 and p3 (agreed in week 1), p6 (agreed after a correction, week 2), p2
    # (adjudicated just now). Weeks from the first finish to the last one.
    decided = ws.projects.adjudications(built.project)[0].created_at
    first_finish = built.phase1 + timedelta(minutes=2 * 13)  # cleo's p3, the 13th submission
    weeks = (decided - first_finish) / timedelta(weeks=1)
    assert report.kpi("items_per_week").value == pytest.approx(4 / weeks, rel=1e-3)
    assert report.kpi("qa_pass_rate").value == pytest.approx(6 / 8)
    low, high = report.kpi("qa_pass_rate").low, report.kpi("qa_pass_rate").high
    assert low is not None and high is not None and low < 0.75 < high
    code = {"A": 0, "B": 1, "tie": 2}
    coded = np.array([[code[LABELS[i][j]] for i in LABELS] for j in range(3)], dtype=float)
    alpha = krippendorff.alpha(reliability_data=coded, level_of_measurement="nominal")
    assert report.kpi("agreement").value == pytest.approx(alpha)
    assert report.kpi("gold_accuracy").value == pytest.approx(3 / 6)
    assert report.kpi("clarifications_per_1000").value == pytest.approx(1000 / 6)
    scan = ws.qa.scan(built.release, executor="serial", checks=("lint", "pii"), keep_findings=False)
    assert report.kpi("defect_rate").value == pytest.approx(scan.summary.rate("lint", "low"))
    assert report.kpi("pii_findings").value == scan.summary.count("pii")
    # Released: p1, p2 (greeting), p3, p6 (refund). greeting 2 >= 2; refund 2 < 3; billing 0 < 1.
    assert report.kpi("priority_coverage").value == pytest.approx(1 / 3)
    assert {p.label: p.value for p in report.kpi("priority_coverage").parts} == {
        "greeting": 2,
        "refund": 2,
        "billing": 0,
    }
    days = report.kpi("time_to_release").value
    assert days is not None and 0 <= days < 1
    # pairs@v1 has a datasheet, tiny-pairs-labels@v1 has none.
    assert report.kpi("documentation").value == pytest.approx(1 / 2)
    assert all(k.definition for k in report.kpis)


def test_an_empty_workspace_says_no_data_and_why(ws: mentor.Workspace) -> None:
    report = ws.quality.kpis()
    assert len(report.kpis) == 10
    for k in report.kpis:
        assert k.value is None and k.no_data, k.key
        assert k.shown.startswith("no data: ")
    assert "no item has finished" in report.kpi("items_per_week").shown
    assert "--priorities" in report.kpi("priority_coverage").shown
    assert "no dataset has been released" in report.kpi("defect_rate").shown


def test_a_release_without_a_qa_scan_has_no_defect_rate(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    built = build(sqlite_ws, tmp_path)
    again = sqlite_ws.projects.release(built.project)
    report = sqlite_ws.quality.kpis()
    defect = report.kpi("defect_rate")
    assert defect.value is None and again.version.ref in (defect.no_data or "")
    assert [p.label for p in defect.parts] == [built.release, again.version.ref]
    assert defect.parts[0].value is not None and defect.parts[1].value is None


def test_a_project_without_labels_or_overlap_explains_each_gap(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    data = tmp_path / "one.jsonl"
    data.write_text(
        '{"id": "x", "prompt": [{"role": "user", "content": "hi"}], '
        '"chosen": [{"role": "assistant", "content": "hello"}], '
        '"rejected": [{"role": "assistant", "content": "go away"}]}\n'
    )
    sqlite_ws.datasets.import_file(data, "one")
    sqlite_ws.projects.create("solo", dataset="one@v1", task="pairwise", guideline="# Labels\nA/B")
    empty = sqlite_ws.quality.project("solo")
    assert empty.labels == 0 and empty.people == [] and empty.trend == []
    assert empty.questions[0].report is None and "two annotators" in (
        empty.questions[0].undefined or ""
    )
    assert empty.gold.value is None and empty.review_pass.value is None
    task = sqlite_ws.projects.next_item("solo", "ana")
    assert task is not None
    sqlite_ws.projects.submit(
        "solo", task.item_id, {"choice": "A"}, client_id="c1", annotator="ana"
    )
    one = sqlite_ws.quality.project("solo")
    assert one.labels == 1 and one.questions[0].report is None
    person = one.people[0]
    assert person.gold_accuracy is None and person.review_pass_rate is None
    assert person.consensus[0].value is None and "shares no item" in (
        person.consensus[0].undefined or ""
    )
    kpis = sqlite_ws.quality.kpis()
    assert "no project has items labelled by two annotators" in kpis.kpi("agreement").shown
    assert kpis.kpi("clarifications_per_1000").value == 0.0
