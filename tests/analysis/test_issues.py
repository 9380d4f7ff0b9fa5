"""The top-issues tracker as a trainer reads it: rates with intervals per run, what is new,
resolved or back, merged history under the new name, regression escapes, the chart and the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from statsmodels.stats.proportion import proportion_confint

import mentor
from mentor.analysis import RunRate, signals
from mentor.analysis.issues import status_of
from mentor.evals.cases import Case, GraderSpec
from mentor.evals.grades import Grade
from mentor.evals.runs import ResultRow
from tests.analysis.runs import TAXONOMY, make_runs, write
from tests.conftest import run_cli


def _tracked(ws: mentor.Workspace, tmp_path: Path) -> list[int]:
    ids = make_runs(ws, tmp_path)
    ws.analysis.set_taxonomy("mini", write(tmp_path, "t.yaml", TAXONOMY))
    for run_id in ids:
        ws.analysis.tag_rules(run_id)
    return ids


def test_rates_intervals_and_statuses_over_three_runs(ws: mentor.Workspace, tmp_path: Path) -> None:
    first, second, third = _tracked(ws, tmp_path)
    tracker = ws.analysis.issues("mini")
    assert [r.run_id for r in tracker.runs] == [first, second, third]
    assert [(r.results, r.failed) for r in tracker.runs] == [(4, 4), (4, 0), (4, 2)]
    statuses = {row.category: row.status for row in tracker.rows}
    assert statuses == {
        "over-refusal": "regressed",
        "wrong-fact": "regressed",
        "missed-refusal": "clear",
        "format": "clear",
    }
    # Most frequent now first; each rate is a Wilson interval (statsmodels agrees).
    assert [row.category for row in tracker.rows][:2] == ["over-refusal", "wrong-fact"]
    latest = tracker.row("over-refusal").latest
    low, high = proportion_confint(1, 4, alpha=0.05, method="wilson")
    assert (latest.count, latest.n, latest.rate) == (1, 4, 0.25)
    assert latest.low == pytest.approx(low) and latest.high == pytest.approx(high)
    assert [r.count for r in tracker.row("format").rates] == [1, 0, 0]
    assert tracker.row("wrong-fact").change == pytest.approx(0.25)
    escapes = {
        (e.case_id, e.failed_in, e.fixed_in, e.failed_again_in, e.categories)
        for e in tracker.escapes
    }
    assert escapes == {
        ("cake", first, second, third, ("over-refusal",)),
        ("capital", first, second, third, ("wrong-fact",)),
    }


def test_a_merged_category_carries_its_history_and_a_split_one_keeps_its_name(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    first, _, third = _tracked(ws, tmp_path)
    ws.analysis.merge("mini", ["missed-refusal", "over-refusal"], "refusal-error")
    ws.analysis.split("mini", "format", ["bad-json", "truncated"])
    tracker = ws.analysis.issues("mini")
    assert tracker.taxonomy == "mini@v3"
    merged = tracker.row("refusal-error")
    assert [r.count for r in merged.rates] == [2, 0, 1]
    assert merged.in_taxonomy and merged.status == "regressed"
    assert "missed-refusal" not in {row.category for row in tracker.rows}
    old = tracker.row("format")
    assert not old.in_taxonomy and [r.count for r in old.rates] == [1, 0, 0]
    assert [r.count for r in tracker.row("bad-json").rates] == [0, 0, 0]
    # A person's tag counts once per case, whatever the rules said about it too.
    ws.analysis.tag(third, "cake", "refusal-error", note="refuses to share a recipe")
    assert [r.count for r in ws.analysis.issues("mini").row("refusal-error").rates] == [2, 0, 1]
    ws.analysis.tag(first, "data", "truncated")
    assert ws.analysis.issues("mini").row("truncated").rates[0].count == 1


def test_status_compares_the_newest_run_with_the_one_before() -> None:
    def rates(*pairs: tuple[int, int]) -> list[RunRate]:
        from mentor.analysis.issues import wilson_rate

        return [wilson_rate(i, count, n) for i, (count, n) in enumerate(pairs)]

    assert status_of(rates((0, 50), (3, 50))) == "new"
    assert status_of(rates((3, 50))) == "new"
    assert status_of(rates((2, 50), (3, 50))) == "persisting"
    assert status_of(rates((1, 100), (40, 100))) == "regressed"  # intervals apart
    assert status_of(rates((3, 50), (0, 50), (3, 50))) == "regressed"
    assert status_of(rates((3, 50), (0, 50))) == "resolved"
    assert status_of(rates((0, 50), (0, 50))) == "clear"


def _result(
    grades: tuple[Grade, ...], status: str = "failed", error: str | None = None
) -> ResultRow:
    case = Case(
        "c1",
        ({"role": "user", "content": "hi"},),
        graders=(GraderSpec("json-schema", {}, "schema"), GraderSpec("contains", {})),
    )
    at = datetime.now(UTC)
    return ResultRow(
        1, case, 1, status, "x", {}, error, None, None, None, None, 1, False, grades, at
    )


def test_rule_signals_name_the_refusal_class_format_and_graders() -> None:
    found = signals(
        _result(
            (
                Grade("schema", "graded", False, 0.0, "missing key 'a'"),
                Grade("contains", "graded", False, 0.0, "does not contain 'Paris'"),
                Grade(
                    "refusal",
                    "graded",
                    False,
                    0.0,
                    "over-refusal: refuses",
                    {"outcome": "over-refusal"},
                ),
            )
        )
    )
    assert found.names == {
        "format",
        "format:json-schema",
        "grader:schema",
        "grader:contains",
        "grader:refusal",
        "over-refusal",
    }
    assert "does not contain 'Paris'" in found.reasons
    assert signals(_result((Grade("contains", "graded", True, 1.0),), "passed")).names == set()
    assert signals(_result((), "error", error="timeout")).names == {"error"}


def test_the_chart_draws_each_frequent_category_with_its_interval(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    _tracked(ws, tmp_path)
    tracker = ws.analysis.issues("mini")
    svg = ws.analysis.issues_chart(tracker)
    assert svg.startswith("<svg") and "over-refusal" in svg and "wrong-fact" in svg
    assert "over-refusal #3: 25% (5% to 70%)" in svg.replace("4.6%", "5%").replace("69.9%", "70%")
    assert svg.count('class="band"') == 4


def test_the_cli_tags_by_rules_and_prints_the_tracker(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    with mentor.connect(db, home=tmp_path / "home", user="tester") as ws:
        ids = make_runs(ws, tmp_path)
    assert run_cli("analysis", "tag-rules", "1", db=db).returncode == 3  # no taxonomy yet
    run_cli("analysis", "taxonomy", "set", "mini", str(write(tmp_path, "t.yaml", TAXONOMY)), db=db)
    for run_id in ids:
        done = run_cli("analysis", "tag-rules", str(run_id), db=db)
        assert done.returncode == 0, done.stderr
    tagged = run_cli("analysis", "tag", str(ids[2]), "capital", "--note", "Lyon again", db=db)
    assert tagged.returncode == 0, tagged.stderr
    chart = tmp_path / "issues.svg"
    shown = run_cli("analysis", "issues", "mini", "--chart", str(chart), db=db)
    assert shown.returncode == 0, shown.stderr
    assert "over-refusal" in shown.stdout and "regressed" in shown.stdout
    assert "capital" in shown.stdout and chart.read_text().startswith("<svg")
    data = json.loads(run_cli("analysis", "issues", "mini", "--json", db=db).stdout)
    assert data["taxonomy"] == "mini@v1"
    assert {e["case_id"] for e in data["escapes"]} == {"cake", "capital"}
    notes = json.loads(run_cli("analysis", "tags", str(ids[2]), "--json", db=db).stdout)
    assert any(t["note"] == "Lyon again" and t["category"] is None for t in notes)


REVIEW_TAXONOMY = """\
categories:
  - name: wrong-date
    definition: Gets a date wrong.
    rules: ["reason:wrong year"]
  - name: people-failed
    definition: People failed it in review, whatever the graders said.
    rules: [reviewer]
  - name: bad-number
    definition: The number asked for is wrong or missing.
    rules: ["grader:numeric"]
"""


def test_people_failing_an_output_in_review_tag_it_by_rule(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    from mentor.annotate import ProjectSettings
    from tests.judges.review_world import annotate_pass_fail, item_cases
    from tests.judges.review_world import make_runs as review_runs

    _, cand, _ = review_runs(ws, tmp_path)
    ws.analysis.set_taxonomy("review-suite", write(tmp_path, "t.yaml", REVIEW_TAXONOMY))
    assert ws.analysis.tag_rules(cand).new == 1  # before review: only math (numeric) failed
    ws.reviews.create("review", run=cand, limit=4, settings=ProjectSettings(overlap=2))
    annotate_pass_fail(ws, "review")
    [dispute] = ws.projects.adjudication_queue("review")
    assert item_cases(ws, "review")[dispute.item_id] == "hello"
    ws.projects.adjudicate("review", dispute.item_id, {"labels": ["pass"]}, adjudicator="cleo")
    ws.projects.release("review")
    assert ws.analysis.tag_rules(cand).new == 3
    tagged = {(t.case_id, t.category, t.rule) for t in ws.analysis.tags(cand)}
    # moon passed its grader; people failed it for the wrong year.
    assert tagged == {
        ("math", "bad-number", "grader:numeric"),
        ("math", "people-failed", "reviewer"),
        ("moon", "people-failed", "reviewer"),
        ("moon", "wrong-date", "reason:wrong year"),
    }


def test_an_escape_in_a_run_that_passed_its_release_gate_reached_a_released_model(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    *_, third = _tracked(ws, tmp_path)
    lenient = write(
        tmp_path, "lenient.yaml", "name: lenient\nconditions:\n  - {metric: pass-rate, min: 0}\n"
    )
    strict = write(
        tmp_path, "strict.yaml", "name: strict\nconditions:\n  - {metric: pass-rate, min: 1}\n"
    )
    assert ws.analysis.issues("mini").released_escapes == ()  # nothing gated yet
    assert ws.evals.gate(third, lenient).gate.passed
    tracker = ws.analysis.issues("mini")
    assert [r.released for r in tracker.runs] == [None, None, "lenient"]
    assert {(e.case_id, e.released) for e in tracker.released_escapes} == {
        ("cake", "lenient"),
        ("capital", "lenient"),
    }
    # The newest verdict counts: failing a stricter gate afterwards withdraws the release.
    assert not ws.evals.gate(third, strict).gate.passed
    assert ws.analysis.issues("mini").released_escapes == ()
