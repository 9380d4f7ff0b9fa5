"""Human review of eval outputs: projects from a run, human grades attached on release, and
scorecards, comparisons and `mentor eval show` resting on auto, human or both grades."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import mentor
from mentor.annotate import ProjectSettings
from mentor.annotate.tasks import letter
from mentor.errors import InputError, NotFoundError
from mentor.judges import ppi_mean

from ..conftest import run_cli
from .review_world import annotate_pass_fail, item_cases, make_runs


@pytest.fixture
def world(ws: mentor.Workspace, tmp_path: Path) -> Iterator[tuple[mentor.Workspace, int, int, int]]:
    base, cand, other = make_runs(ws, tmp_path)
    yield ws, base, cand, other


def _reviewed(ws: mentor.Workspace, run: int) -> None:
    """A pass-fail review of `run` by ana and ben (overlap 2), hello adjudicated, released."""
    made = ws.reviews.create("review", run=run, limit=4, settings=ProjectSettings(overlap=2))
    assert made.items == 4 and made.skipped == {"no output": 1}
    annotate_pass_fail(ws, "review")
    [dispute] = ws.projects.adjudication_queue("review")
    assert item_cases(ws, "review")[dispute.item_id] == "hello"
    ws.projects.adjudicate(
        "review",
        dispute.item_id,
        {"labels": ["pass"], "comment": "a greeting is all it asked"},
        adjudicator="cleo",
    )
    ws.projects.release("review")


def test_release_attaches_human_grades_with_provenance(world: tuple) -> None:
    ws, _, cand, _ = world
    _reviewed(ws, cand)
    human = ws.evals.human_grades(cand)
    assert sorted(human) == ["capital", "hello", "math", "moon"]
    moon = human["moon"]
    assert (moon.kind, moon.passed, moon.verdict) == ("pass-fail", False, "fail")
    assert "ana: wrong year: Apollo 11 landed in 1969" in moon.reason
    assert moon.provenance["annotators"] == ["ana", "ben"]
    assert moon.provenance["guideline_version"] == 1
    assert moon.adjudicated is False and moon.provenance["project"] == "review"
    hello = human["hello"]
    assert hello.passed is True and hello.adjudicated
    assert hello.provenance["adjudicator"] == "cleo"
    assert hello.reason == "adjudicated by cleo: a greeting is all it asked"
    assert hello.attached_by == "tester"
    events = [e.action for e in ws.audit(object_id=str(cand))]
    assert "eval.human-grades.attach" in events and "eval.review.create" in events
    again = ws.reviews.attach("review")  # attaching the same release again changes nothing
    assert (again.changed, again.grades, again.passed, again.failed) == (False, 4, 2, 2)
    assert [e.action for e in ws.audit(object_id=str(cand))].count("eval.human-grades.attach") == 1
    assert ws.evals.review_projects(cand) == ["review"]


def test_scorecards_rest_on_auto_human_or_both(world: tuple) -> None:
    ws, _, cand, _ = world
    with pytest.raises(InputError, match="no human grades"):
        ws.evals.scorecard(cand, grades="human")
    _reviewed(ws, cand)
    rates = {
        g: ws.evals.scorecard(cand, grades=g).scorecard.metric("pass-rate")
        for g in ("auto", "human", "both")
    }
    assert (rates["auto"].value, rates["auto"].n) == (0.8, 5)
    assert (rates["human"].value, rates["human"].n) == (0.5, 4)  # only what people graded
    assert (rates["both"].value, rates["both"].n) == (0.6, 5)  # sky keeps its auto pass
    both = {o.case.id: o for o in ws.evals.scorecard(cand, grades="both").outcomes}
    assert both["moon"].status == "failed"  # auto passed it; people failed it
    assert both["moon"].grades[0].grader == "human"
    with pytest.raises(InputError, match="--grades"):
        ws.evals.scorecard(cand, grades="people")


def test_pairwise_review_stores_order_and_preference(world: tuple) -> None:
    ws, base, cand, _ = world
    made = ws.reviews.create(
        "duel", run=cand, baseline=base, task="pairwise", settings=ProjectSettings(overlap=2)
    )
    # missing: the candidate has no answer; the other four cases are compared (sky: the
    # baseline's recording has none)
    assert made.items == 4
    assert made.skipped == {"no output": 1, "no output in baseline": 1}
    prefer = {"capital": "candidate", "moon": "baseline", "math": "baseline", "hello": "tie"}
    cases = item_cases(ws, "duel")
    shown: dict[str, list[list[int]]] = {}
    for who in ("ana", "ben"):
        while (task := ws.projects.next_item("duel", who)) is not None:
            case = cases[task.item_id]
            order = task.shown["order"]  # true index (0: candidate, 1: baseline) of each side
            shown.setdefault(case, []).append(order)
            side = prefer[case]
            choice = (
                "tie" if side == "tie" else letter(order.index(0 if side == "candidate" else 1))
            )
            ws.projects.submit(
                "duel", task.item_id, {"choice": choice}, client_id=f"{who}{case}", annotator=who
            )
    assert any(o != [0, 1] for orders in shown.values() for o in orders)  # sides were shuffled
    ws.projects.release("duel")
    human = ws.evals.human_grades(cand)
    assert {c: h.label["preferred"] for c, h in human.items()} == prefer
    assert [human[c].passed for c in ("capital", "moon", "hello")] == [True, False, None]
    moon = human["moon"]
    assert moon.provenance["baseline_run"] == base and moon.kind == "pairwise"
    names = ("candidate", "baseline")
    assert [o["shown"] for o in moon.provenance["order"]] == [
        [names[i] for i in order] for order in shown["moon"]
    ]
    assert ws.evals.human_grades(base) == {}  # the grades belong to the candidate run


def test_bad_runs_create_nothing(world: tuple) -> None:
    ws, _, cand, other = world
    with pytest.raises(NotFoundError, match="no evaluation run 999"):
        ws.reviews.create("r1", run=999)
    with pytest.raises(InputError, match="ran suite 'other-suite'"):
        ws.reviews.create("r2", run=cand, baseline=other, task="pairwise")
    with pytest.raises(InputError, match="needs --baseline"):
        ws.reviews.create("r3", run=cand, task="pairwise")
    with pytest.raises(InputError, match="not a review task"):
        ws.reviews.create("r4", run=cand, task="ranking")
    assert ws.projects.all() == []
    assert not [d for d in ws.datasets.all() if d.name.endswith("-outputs")]
    with pytest.raises(InputError, match="no release yet"):
        ws.reviews.create("r6", run=cand)
        ws.reviews.attach("r6")


def test_cli_creates_reviews_and_shows_both_grades(world: tuple, db_url: str) -> None:
    ws, _, cand, other = world
    made = run_cli(
        "projects", "create", "review", "--from-run", str(cand), "--task", "pass-fail",
        "--overlap", "2", "--limit", "4", db=db_url,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "4 outputs of run" in made.stdout and "1 case(s): no output" in made.stderr
    bad = run_cli(
        "projects", "create", "x", "--from-run", str(cand), "--baseline", str(other),
        "--task", "pairwise", db=db_url,
    )  # fmt: skip
    assert bad.returncode != 0 and "same suite" in bad.stderr + bad.stdout
    annotate_pass_fail(ws, "review")
    [dispute] = ws.projects.adjudication_queue("review")
    ws.projects.adjudicate("review", dispute.item_id, {"labels": ["pass"]}, adjudicator="cleo")
    released = run_cli("projects", "release", "review", db=db_url)
    assert released.returncode == 0, released.stderr
    shown = run_cli(
        "eval", "show", str(cand), "--grades", "both", db=db_url, env={"COLUMNS": "300"}
    )
    assert shown.returncode == 0, shown.stderr
    assert "human" in shown.stdout and "status" in shown.stdout
    moon = next(line for line in shown.stdout.splitlines() if "moon" in line)
    assert "passed" in moon and "fail (ana, ben)" in moon
    assert "adjudicated" in next(ln for ln in shown.stdout.splitlines() if "hello" in ln)
    card = run_cli("eval", "scorecard", str(cand), "--grades", "both", db=db_url)
    assert "60.0%" in card.stdout and "both grades" in card.stdout
    assert "prediction-powered" in shown.stdout and "people alone" in shown.stdout
    again = run_cli("eval", "attach-review", "review", db=db_url)
    assert again.returncode == 0 and "unchanged" in again.stdout


def test_pass_rate_from_few_human_grades_is_prediction_powered(world: tuple) -> None:
    ws, _, cand, _ = world
    before = ws.judges.pass_rate(cand)
    assert before.estimate is None and "people graded none" in before.reason
    _reviewed(ws, cand)
    found = ws.judges.pass_rate(cand).estimate
    assert found is not None
    # people: capital, hello pass; moon, math fail. graders: the same four (moon passed, math
    # failed), and sky, which only the graders judged (passed)
    expected = ppi_mean([1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 1.0, 0.0], [1.0])
    assert found.estimate.value == expected.estimate.value
    for got, raw in ((found.estimate, expected.estimate), (found.judge_only, expected.judge_only)):
        assert (got.low, got.high) == (max(0.0, raw.low), min(1.0, raw.high))  # a rate's bounds
    assert (found.human_only.value, found.judge_only.value) == (0.5, 0.8)
    assert found.n_human == 4 and found.n_judged == 5
    # the graders pass moon where people failed it: the corrected rate sits below theirs
    assert found.estimate.value < found.judge_only.value


def test_a_fail_needs_a_reason(world: tuple) -> None:
    ws, _, cand, _ = world
    ws.reviews.create("review", run=cand, limit=4)
    task = ws.projects.next_item("review", "ana")
    assert task is not None
    with pytest.raises(InputError, match="needs a reason") as refused:
        ws.projects.submit(
            "review", task.item_id, {"labels": ["fail"], "comment": " "}, client_id="x",
            annotator="ana",
        )  # fmt: skip
    assert refused.value.field == "comment"
    done = ws.projects.submit(
        "review", task.item_id, {"labels": ["pass"]}, client_id="y", annotator="ana"
    )  # a pass needs none
    assert done.payload["labels"] == ["pass"]
