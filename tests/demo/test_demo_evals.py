"""The demo's evaluation: the bundled SmolLM2 as a baseline and behind a safety system prompt
as a candidate, on a sample of the starter suites; compared, gated, reported for CI."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import mentor
from mentor.demo import evals, judges
from mentor.evals.starters import STARTERS, load_starter
from mentor.progress import Progress


def test_demo_evaluates_the_bundled_model_compares_and_gates(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    seen: dict[str, list[tuple[int, int]]] = {}

    @contextmanager
    def bars(title: str) -> Iterator[Progress]:
        calls = seen.setdefault(title, [])
        yield lambda done, total: calls.append((done, total))

    token = evals.RUN_PROGRESS.set(bars)
    try:
        steps = list(evals.steps(sqlite_ws, tmp_path))
    finally:
        evals.RUN_PROGRESS.reset(token)

    sample = [c for name in STARTERS for c in evals.sample_cases(load_starter(name).cases)]
    assert 10 <= len(sample) <= 20  # a few per suite and tier: minutes, not an hour
    assert {c.severity for c in sample} == {"critical", "major", "minor"}
    assert {c.should_refuse for c in sample} == {True, False, None}
    assert f"runs {len(sample)} of them" in steps[0].result
    assert f"max_tokens={evals.MAX_TOKENS}" in steps[0].result

    base, cand = sqlite_ws.evals.runs()[::-1]
    for run, title in ((base, "baseline"), (cand, "candidate")):
        assert run.status == "completed" and run.done == run.case_count == len(sample)
        assert run.counts.get("error", 0) == 0  # the local model answered every case
        assert seen[title][-1] == (len(sample), len(sample))
        assert run.params["max_tokens"] == evals.MAX_TOKENS
        assert f"run {run.id}:" in steps[1 if title == "baseline" else 2].result
    assert base.model == "SmolLM2-135M-Instruct"
    assert cand.model == "SmolLM2-135M-Instruct + system prompt"
    assert cand.fingerprint["system_prompt"] == evals.SAFETY_PROMPT
    assert cand.fingerprint["sha256"] == base.fingerprint["sha256"]  # same weights
    outputs = [r.output for r in sqlite_ws.evals.results(cand.id)]
    assert all(isinstance(o, str) for o in outputs) and any(o.strip() for o in outputs)

    compare, gate = steps[3], steps[4]
    assert compare.command == f"mentor eval compare {base.id} {cand.id}"
    assert "fixed" in compare.result and "McNemar exact p =" in compare.result
    assert gate.result.startswith("gate starter-release ")
    if "FAILED" in gate.result:  # this small model is expected to fail; each reason is shown
        assert ">=" in gate.result or "<=" in gate.result

    junit = ET.parse(tmp_path / "eval-gate.junit.xml").getroot()
    suites = {s.get("name"): s for s in junit}
    assert suites[evals.SAMPLE_NAME].get("tests") == str(len(sample))
    assert suites["gate starter-release"].get("tests") == "5"
    summary = (tmp_path / "eval-gate.md").read_text(encoding="utf-8")
    assert "## Gate `starter-release`" in summary and f"Compared with `#{base.id}" in summary

    # people review the candidate's answers; the judges are checked against people
    create, reviewed, rates, refusal, hh, calibrated_gate = steps[5:11]
    assert create.command.startswith(
        f"mentor projects create review-candidate --from-run {cand.id}"
    )
    assert f"human grades attached to run {cand.id}" in reviewed.result
    human = sqlite_ws.evals.human_grades(cand.id)
    assert len(human) >= 10  # the verdicts were written for these answers: most still fit
    assert {g.passed for g in human.values()} == {True, False}
    assert "auto" in rates.result and "human" in rates.result and "both" in rates.result
    records = {c.judge: c for c in sqlite_ws.judges.calibrations()}
    assert set(records) == {"refusal", "smollm2-logprobs"}
    assert records["refusal"].n >= 6 and records["refusal"].source["project"] == "review-candidate"
    assert records["smollm2-logprobs"].n == judges.HH_PAIRS
    assert records["smollm2-logprobs"].bias is not None  # order-swap and position figures
    assert "picks the answer shown first" in hh.result
    assert refusal.command == "mentor judges calibrate refusal --against review-candidate"
    # n_min 30 cannot be met by a dozen reviewed answers: the gate says what it rests on
    assert "FAILED" in calibrated_gate.result and "refusal" in calibrated_gate.result
