"""The demo's error analysis, feedback triage and reports, on a small sample suite."""

from __future__ import annotations

from pathlib import Path

import pytest

import mentor
from mentor.demo import analysis, evals
from mentor.evals import make_suite


def test_demo_tags_tracks_clusters_triages_feedback_and_writes_both_reports(
    sqlite_ws: mentor.Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = make_suite(evals.SAMPLE_NAME, list(evals.sample_suite().cases[:4]))
    monkeypatch.setattr(evals, "sample_suite", lambda: small)
    monkeypatch.setattr(evals, "MAX_TOKENS", 8)  # short answers: the steps, not the model, matter
    base = evals.run(sqlite_ws, "baseline", suite=small, provider="smollm2")
    cand = evals.run(
        sqlite_ws,
        "candidate",
        suite=small,
        provider={"spec": "smollm2", "system": evals.SAFETY_PROMPT},
    )
    done = list(analysis.steps(sqlite_ws, tmp_path, base, cand))
    by_command = {s.command.split(" --")[0]: s for s in done}

    taxonomy = sqlite_ws.analysis.taxonomy(evals.SAMPLE_NAME)
    assert {c.name for c in taxonomy.categories} >= {"missed-refusal", "over-refusal", "format"}
    assert taxonomy.created_by == analysis.TRAINER
    tracker = sqlite_ws.analysis.issues(evals.SAMPLE_NAME)
    assert [p.run_id for p in tracker.runs] == [base.id, cand.id]
    assert (tmp_path / "top-issues.svg").read_text().startswith("<svg")
    assert "clusters" in by_command[f"mentor analysis clusters {evals.SAMPLE_NAME}"].result

    (batch,) = sqlite_ws.analysis.feedback.batches()
    assert batch.reports == 21 and batch.duplicates == 3
    assert batch.pii.get("email", 0) >= 3  # the user field is never stored; text emails scrubbed
    for report in sqlite_ws.analysis.feedback.reports(batch.id):
        assert "@example." not in report.text
    triaged = [s for s in done if s.command.startswith("mentor feedback triage")]
    assert len(triaged) == 1 and "new cases in feedback-regressions" in triaged[0].result
    regression = sqlite_ws.evals.runs(suite=analysis.REGRESSION)
    assert len(regression) == 1 and regression[0].status == "completed"

    for name in ("quality-update", "release-note"):
        markdown = (tmp_path / f"{name}.md").read_text(encoding="utf-8")
        html = (tmp_path / f"{name}.html").read_text(encoding="utf-8")
        assert markdown.startswith("#") and "<script" not in html
    note = (tmp_path / "release-note.md").read_text(encoding="utf-8")
    assert f"#{cand.id}" in note and f"Gate `{analysis.TEAM_GATE}`" in note
    assert sqlite_ws.reports.gates() == ["starter", analysis.TEAM_GATE]  # offered on the page
