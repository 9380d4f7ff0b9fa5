"""The evaluation pages over HTTP: runs, a run's scorecard and cases (with filters), the
side-by-side comparison, and gating a run — on two runs made through the SDK (eval_world)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

import mentor

from .annotate_world import client_for
from .conftest import csrf_of, serving
from .eval_world import JUDGE_REPLY, EvalWorld, build_eval_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> EvalWorld:
    return build_eval_world(tmp_path_factory.mktemp("eval-pages"))


@pytest.fixture(scope="module")
def base(world: EvalWorld) -> Iterator[str]:
    with serving(world.url) as url:
        yield url


@pytest.fixture(scope="module")
def viewer(base: str) -> Iterator[httpx.Client]:
    client = client_for(base, "vic")
    yield client
    client.close()


@pytest.fixture(scope="module")
def trainer(base: str) -> Iterator[httpx.Client]:
    client = client_for(base, "trina")
    yield client
    client.close()


def _section(html: str, element_id: str) -> str:
    """The HTML of the element with `element_id` up to the next section (good enough here)."""
    start = html.index(f'id="{element_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def _case_ids(html: str) -> list[str]:
    return re.findall(r"<h3><code>([\w-]+)</code>", html)


def test_runs_list_shows_each_run_with_pass_rate_and_unjudged_counts(
    viewer: httpx.Client, world: EvalWorld
) -> None:
    page = viewer.get("/evals")
    assert page.status_code == 200
    assert '<a href="/evals" aria-current="page">Evals</a>' in page.text
    rows = page.text.split('<tr>\n    <td><a href="/evals/runs/')[1:]
    by_id = {int(row.split('"', 1)[0]): row for row in rows}
    assert set(by_id) >= {world.baseline, world.candidate}
    cand = by_id[world.candidate]
    assert "web-eval" in cand and "replay:cand.jsonl" in cand and "(replay)" in cand
    assert "60.0%" in cand  # 3 passed of 5 judged
    assert f'href="/evals/runs/{world.candidate}?show=error#cases">1<' in cand
    assert f'href="/evals/runs/{world.candidate}?show=unparsed#cases">1<' in cand
    assert "66.7%" in by_id[world.baseline]  # 4 of 6 judged
    # Runs of one suite with different models have different fingerprints.
    prints = re.findall(r'<code class="hash" title="model[^"]*">(\w+)</code>', page.text)
    assert len(set(prints)) == 2


def test_run_page_has_a_scorecard_with_wilson_intervals_by_tier_and_intent(
    viewer: httpx.Client, world: EvalWorld
) -> None:
    page = viewer.get(f"/evals/runs/{world.candidate}")
    assert page.status_code == 200
    html = page.text
    metrics = _section(html, "metrics")
    # 3 of 5 judged cases passed: Wilson 95% interval [23%, 88%].
    assert re.search(r"<td>pass-rate</td><td class=\"num\">60.0%</td><td class=\"num\">"
                     r"\[23\u201388%\]</td><td class=\"num\">5</td>", metrics)  # fmt: skip
    # The candidate answered the one should-refuse case: policy violation 1 of 1.
    assert re.search(r"<td>policy-violation-rate</td><td class=\"num\">100.0%</td>", metrics)
    assert re.search(r"<td>over-refusal-rate</td><td class=\"num\">100.0%</td>", metrics)
    for name in ("helpfulness", "correctness", "groundedness", "safety", "refusal-correctness",
                 "hallucination-rate"):  # fmt: skip
        assert f"<td>{name}</td>" in metrics
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 3
    assert 'aria-label="Pass rate by severity tier"' in html
    assert "67% [30%, 90%]" not in html  # that is the baseline's, not this run's
    assert "<title>pass-rate — run: 60% [23%, 88%] n=5</title>" in html
    tiers = _section(html, "by-severity")
    assert '<th class="num">critical</th>' in tiers and '<th class="num">minor</th>' in tiers
    assert '<th class="num">weapons</th>' in _section(html, "by-intent")


def test_run_page_lists_cases_with_output_grades_latency_and_tokens(
    viewer: httpx.Client, world: EvalWorld
) -> None:
    html = viewer.get(f"/evals/runs/{world.baseline}").text
    assert _case_ids(html) == [
        "capital-france", "math-add", "bomb", "kill-process", "xss-echo", "judge-essay", "missing",
    ]  # fmt: skip
    math = html[html.index("<code>math-add</code>") : html.index("<code>bomb</code>")]
    assert "It is 41." in math and "41 is 1 from 42" in math and "<strong>fail</strong>" in math
    assert "latency 0.00 s" in math and "tokens — in / — out" in math
    judge = html[html.index("<code>judge-essay</code>") :]
    assert "unparsed" in judge and "no JSON object in the judge" in judge
    assert JUDGE_REPLY not in html  # the judge's reply is shown escaped, never as markup


def test_filters_show_failures_unparsed_and_errors(viewer: httpx.Client, world: EvalWorld) -> None:
    def shown(query: str) -> list[str]:
        response = viewer.get(f"/evals/runs/{world.candidate}?{query}")
        assert response.status_code == 200
        return _case_ids(response.text)

    assert shown("show=failed") == ["bomb", "kill-process"]
    assert shown("show=unparsed") == ["judge-essay"]
    assert shown("show=error") == ["missing"]
    assert shown("show=not-passed") == ["bomb", "kill-process", "judge-essay", "missing"]
    errors = viewer.get(f"/evals/runs/{world.candidate}?show=error").text
    assert "Model call failed:" in errors and "no recorded output for case" in errors
    bad = viewer.get(f"/evals/runs/{world.candidate}?show=nope")
    assert bad.status_code == 400 and "not-passed" in bad.text
    assert viewer.get(f"/evals/runs/{world.candidate}?page=2").status_code == 400
    assert viewer.get("/evals/runs/999").status_code == 404


def test_compare_shows_fixed_and_regressed_side_by_side_with_the_sdk_statistics(
    viewer: httpx.Client, world: EvalWorld
) -> None:
    page = viewer.get(f"/evals/compare?baseline={world.baseline}&candidate={world.candidate}")
    assert page.status_code == 200
    html = page.text
    with mentor.connect(world.url) as ws:
        expected = ws.evals.compare(world.baseline, world.candidate).comparison
    assert f"p = {expected.mcnemar.p_value:.3g}" in _section(html, "mcnemar")
    diff = expected.pass_rate
    assert diff is not None
    change = _section(html, "pass-rate-change")
    assert f"[{diff.low * 100:+.1f}, {diff.high * 100:+.1f}], n={diff.n}" in change
    regressed = _section(html, "regressed")
    assert _case_ids(regressed) == ["bomb"]
    sides = regressed[regressed.index('class="sides"') :]
    assert sides.index("I can't help with that request.") < sides.index("Sure! Step 1")
    assert "missed-refusal" in sides
    assert _case_ids(_section(html, "fixed")) == ["math-add"]
    assert _case_ids(_section(html, "still-failing")) == ["kill-process"]
    assert _case_ids(_section(html, "unjudged")) == ["judge-essay", "missing"]
    chart = _section(html, "tier-chart")
    assert f"critical — #{world.baseline} baseline: 100%" in chart
    assert f"critical — #{world.candidate} candidate: 50%" in chart


def test_compare_without_runs_offers_a_picker_and_refuses_unrelated_runs(
    viewer: httpx.Client, world: EvalWorld
) -> None:
    picker = viewer.get(f"/evals/compare?candidate={world.candidate}")
    assert picker.status_code == 200
    assert f'<option value="{world.candidate}" selected>' in picker.text
    missing = viewer.get(f"/evals/compare?baseline=999&candidate={world.candidate}")
    assert missing.status_code == 404


def test_gate_with_the_starter_gate_lists_failed_conditions(
    viewer: httpx.Client, world: EvalWorld
) -> None:
    form = viewer.get(f"/evals/runs/{world.candidate}/gate")
    assert form.status_code == 200 and "starter-release" in form.text
    assert 'method="post" action="/evals' not in form.text  # viewers may look, not gate
    asked = viewer.get(f"/evals/runs/{world.candidate}/gate?gate=starter")
    assert "compares with a baseline run" in asked.text and 'id="verdict"' not in asked.text
    page = viewer.get(f"/evals/runs/{world.candidate}/gate?gate=starter&baseline={world.baseline}")
    assert page.status_code == 200
    verdict = _section(page.text, "verdict")
    assert "Gate starter-release: FAILED" in verdict and "exits with code 6" in verdict
    conditions = _section(page.text, "conditions")
    assert "regressions (severity=critical) &lt;= 0: observed 1, n=2" in conditions
    assert conditions.count("FAIL</td>") == 5
    assert "starter-release" not in _gate_verdicts(world)  # looking is not deciding


def _gate_verdicts(world: EvalWorld) -> list[str]:
    with mentor.connect(world.url) as ws:
        events = ws.audit(object_id=str(world.candidate))
    return [f"{e.detail['gate']} {e.detail['passed']} by {e.actor}" for e in events
            if e.action == "eval.gate" and e.detail]  # fmt: skip


def test_a_trainer_gates_with_a_pasted_gate_file(trainer: httpx.Client, world: EvalWorld) -> None:
    url = f"/evals/runs/{world.candidate}/gate"
    token = csrf_of(trainer.get(url).text)
    easy = "name: easy\nconditions:\n  - metric: pass-rate\n    min: 0.5\n    bound: estimate\n"
    passed = trainer.post(url, data={"gate_yaml": easy, "baseline": "", "csrf_token": token})
    assert passed.status_code == 200
    assert "Gate easy: passed" in _section(passed.text, "verdict")
    assert "easy True by trina" in _gate_verdicts(world)  # kept in the audit log
    typo = "conditions:\n  - metric: pas-rate\n    min: 0.5\n"
    wrong = trainer.post(url, data={"gate_yaml": typo, "csrf_token": token})
    assert wrong.status_code == 200
    assert "gate:2" in wrong.text and "unknown metric &#39;pas-rate&#39;" in wrong.text
    assert re.search(r"<textarea[^>]*>conditions:\s+- metric: pas-rate", wrong.text)  # to fix
    forged = trainer.post(url, data={"gate_yaml": easy})
    assert forged.status_code == 403


def test_viewers_may_not_post_a_gate_and_annotators_see_no_evals(
    base: str, viewer: httpx.Client, world: EvalWorld
) -> None:
    url = f"/evals/runs/{world.candidate}/gate"
    token = csrf_of(viewer.get("/account").text)
    refused = viewer.post(url, data={"gate_yaml": "conditions: []", "csrf_token": token})
    assert refused.status_code == 403
    annotator = client_for(base, "ana")
    try:
        assert annotator.get("/evals").status_code == 403
        assert 'href="/evals"' not in annotator.get("/account").text
    finally:
        annotator.close()
