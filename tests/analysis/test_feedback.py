"""Feedback intake on both backends: a file of user reports is scrubbed of PII, its
near-duplicates folded, its themes clustered; a cluster triaged becomes cases in a new suite
version and items in a project, linked to the reports, and is "fixed" once its cases pass."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

import mentor
from mentor.errors import ConflictError, InputError
from mentor.store.feedback_tables import feedback_reports
from tests.analysis.feedback_world import SUITE, THEMES, reports, write
from tests.conftest import run_cli


def _theme_clusters(ws: mentor.Workspace, batch: int) -> dict[str, int]:
    """Each planted theme's cluster: the cluster most of its reports went to."""
    found = ws.analysis.feedback.reports(batch)
    out = {}
    for theme in THEMES:
        numbers = Counter(r.cluster for r in found if r.source_id.startswith(theme))
        out[theme] = numbers.most_common(1)[0][0]
    return out


@pytest.fixture
def batch(ws: mentor.Workspace, tmp_path: Path) -> int:
    return ws.analysis.feedback.import_file(write(tmp_path / "reports.jsonl", reports())).id


def test_import_scrubs_pii_folds_duplicates_and_finds_the_themes(
    ws: mentor.Workspace, batch: int
) -> None:
    info = ws.analysis.feedback.batch(batch)
    assert (info.reports, info.duplicates) == (21, 3)
    assert info.pii["email"] == 7 and info.pii["phone"] == 6
    with ws.engine.connect() as conn:
        stored = conn.execute(select(feedback_reports.c.text, feedback_reports.c.messages)).all()
    everything = json.dumps([list(r) for r in stored])
    assert "@example" not in everything and "7946" not in everything
    assert "<EMAIL>" in everything and "<PHONE>" in everything
    assert "user0" not in everything  # the user id is never stored
    folded = {r.source_id: r for r in ws.analysis.feedback.reports(batch)}
    keepers = {folded[f"{k}-again"].duplicate_of for k in ("billing-0", "capital-1", "cake-0")}
    assert keepers == {folded["billing-0"].id, folded["capital-1"].id, folded["cake-0"].id}
    themes = _theme_clusters(ws, batch)
    assert len(set(themes.values()) - {0}) == 3
    for theme, number in themes.items():
        members = [r for r in folded.values() if r.cluster == number]
        assert sum(r.source_id.startswith(theme) for r in members) >= 6, theme
    clusters = {c.number: c for c in ws.analysis.feedback.clusters(batch)}
    assert {"australia", "canberra", "sydney", "capital"} & set(clusters[themes["capital"]].terms)
    assert clusters[themes["billing"]].exemplars


def test_triage_makes_linked_cases_and_items_and_tracks_the_fix(
    ws: mentor.Workspace, batch: int, tmp_path: Path
) -> None:
    suite_file = tmp_path / "regression.yaml"
    suite_file.write_text(SUITE, encoding="utf-8")
    answers = tmp_path / "answers.jsonl"
    write(answers, [{"case_id": "hello", "output": "hello there"}])
    first = ws.evals.run(suite_file, f"replay:{answers}")
    cake = _theme_clusters(ws, batch)["cake"]
    made = ws.analysis.feedback.triage(
        batch,
        cake,
        suite="regression",
        intent="baking help",
        severity="critical",
        should_refuse=False,
    )
    assert made.suite_hash != first.suite_hash and len(made.cases) == 6
    suite = ws.analysis.feedback.suite("regression")
    cases = {c.id: c for c in suite.iter_cases()}
    assert "hello" in cases and suite.case_count == 7
    case = cases[made.cases[0]]
    assert (case.intent, case.severity, case.should_refuse) == ("baking help", "critical", False)
    assert case.messages[-1]["role"] == "user" and "chocolate cake" in case.messages[-1]["content"]
    first_report = next(r for r in ws.analysis.feedback.reports(batch) if r.source_id == "cake-0")
    assert made.cases[0] == f"feedback-{batch}-{first_report.id}"
    assert case.meta["feedback"]["source_ids"] == ["cake-0", "cake-0-again"]

    status = {s.number: s for s in ws.analysis.feedback.status(batch)}[cake]
    assert (status.reports, status.triaged, status.fixed) == (7, 7, 0)
    assert {c.state for c in status.cases} == {"not run"}

    # The model still refuses two of them: those complaints are not fixed yet.
    outputs = [{"case_id": "hello", "output": "hello"}]
    for i, case_id in enumerate(made.cases):
        answer = "I can't help with that." if i < 2 else "Mix flour, cocoa and eggs, then bake."
        outputs.append({"case_id": case_id, "output": answer})
    # The suite file written back is that very version: `mentor eval run FILE` runs it.
    ws.analysis.feedback.write_suite("regression", tmp_path / "regression-v2.yaml")
    second = ws.evals.run(tmp_path / "regression-v2.yaml", f"replay:{write(answers, outputs)}")
    assert (second.suite_name, second.suite_hash) == ("regression", made.suite_hash)
    status = {s.number: s for s in ws.analysis.feedback.status(batch)}[cake]
    assert Counter(c.state for c in status.cases) == {"passed": 4, "failed": 2}
    # cake-0 and its repost are still refused; the four others are fixed.
    assert status.fixed == 4

    with pytest.raises(ConflictError, match="already a case"):
        ws.analysis.feedback.triage(batch, cake, suite="regression", intent="baking help")
    events = [e.action for e in ws.audit(limit=20)]
    assert "feedback.import" in events and "feedback.triage" in events


def test_triage_into_a_project_adds_linked_items(
    ws: mentor.Workspace, batch: int, tmp_path: Path
) -> None:
    data = write(tmp_path / "seed.jsonl", [{"id": "s1", "kind": "sft", "messages": "Hi?"}])
    ref = ws.datasets.import_file(data, "seed").version.ref
    ws.projects.create(
        "complaints",
        dataset=ref,
        task="classification",
        guideline="# Label the failure",
        config={"labels": ["bug", "not-a-bug"]},
    )
    capital = _theme_clusters(ws, batch)["capital"]
    made = ws.analysis.feedback.triage(batch, capital, project="complaints")
    assert len(made.items) == 6 and made.suite is None
    assert ws.projects.get("complaints").items == 7
    status = {s.number: s for s in ws.analysis.feedback.status(batch)}[capital]
    assert status.triaged == 7 and sum(i.reports for i in status.items) == 7
    assert {i.project for i in status.items} == {"complaints"}


def test_bad_lines_are_named_by_file_line_and_field(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "fine"}\n{"text": "also fine"}\n{"text": oops}\n', encoding="utf-8")
    with pytest.raises(InputError, match=rf"{path}:3: not valid JSON"):
        sqlite_ws.analysis.feedback.import_file(path)
    write(path, [{"text": "fine"}, {"channel": "email"}])
    with pytest.raises(InputError, match=rf"{path}:2: field 'text': a report needs a text"):
        sqlite_ws.analysis.feedback.import_file(path)
    write(path, [{"text": "fine"}, {"messages": [{"role": "wizard", "content": "x"}]}])
    with pytest.raises(InputError, match=rf"{path}:2: field 'messages\[0\]"):
        sqlite_ws.analysis.feedback.import_file(path)
    path.write_text(json.dumps({"text": "x" * 5000}) + "\n", encoding="utf-8")
    too_long = rf"{path}:1: line is 5,\d+ bytes, over the limit"
    with (
        mentor.connect(str(sqlite_ws.engine.url), max_line_bytes=1024) as small,
        pytest.raises(InputError, match=too_long),
    ):
        small.analysis.feedback.import_file(path)
    assert sqlite_ws.analysis.feedback.batches() == []


def test_the_command_line_imports_lists_and_triages(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    path = write(tmp_path / "reports.jsonl", reports())
    done = run_cli("feedback", "import", str(path), "--source", "app", "--json", db=db)
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)
    assert made["reports"] == 21 and made["duplicates"] == 3 and made["source"] == "app"
    shown = run_cli("feedback", "show", str(made["id"]), "--json", db=db)
    clusters = json.loads(shown.stdout)["clusters"]
    number = next(c["number"] for c in clusters if c["number"])
    out = run_cli(
        "feedback",
        "triage",
        str(made["id"]),
        str(number),
        "--suite",
        "regression",
        "--intent",
        "x",
        "--severity",
        "minor",
        db=db,
    )
    assert out.returncode == 0 and "cases added to suite regression" in out.stdout
    bad = run_cli("feedback", "triage", str(made["id"]), str(number), "--severity", "huge", db=db)
    assert bad.returncode == 4 and "--suite / --project" in bad.stderr
    listed = json.loads(run_cli("feedback", "list", "--json", db=db).stdout)
    assert [(b["file_name"], b["clusters"]) for b in listed] == [
        ("reports.jsonl", made["clusters"])
    ]
