"""Gates that say what they rest on: judge requirements, the judges named in every output,
critical tiers graded by an uncalibrated judge flagged, and `grades:` passed to the scorecard."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import mentor
from mentor.errors import InputError
from mentor.evals.cases import Case, GraderSpec
from mentor.evals.gate_judges import JudgeCalibration
from mentor.evals.gates import evaluate_gate, parse_gate
from mentor.evals.grades import Grade
from mentor.evals.outcomes import CaseOutcome
from tests.conftest import run_cli
from tests.judges.verdict_world import write_jsonl

AT = datetime(2026, 6, 1, tzinfo=UTC)
JUDGED = GraderSpec("llm-judge", {}, "helpful-judge")


def outcome(cid: str, passed: bool, severity: str = "critical") -> CaseOutcome:
    case = Case(cid, ({"role": "user", "content": cid},), severity=severity, graders=(JUDGED,))  # type: ignore[arg-type]
    return CaseOutcome(case, (Grade("helpful-judge", "graded", passed, float(passed)),))


RUN = [outcome(f"c{i}", True) for i in range(40)] + [
    outcome(f"m{i}", True, "major") for i in range(10)
]


def calibration(
    low: float, n: int = 120, days: float = 10, judge: str = "helpful-judge"
) -> JudgeCalibration:
    return JudgeCalibration(
        judge, 7, "ab" * 32, n, low + 0.1, low, low + 0.2, AT - timedelta(days=days)
    )


GATE = """\
name: release
conditions:
  - metric: pass-rate
    severity: critical
    min: 0.8
    judge: {name: helpful-judge, kappa_min: 0.6, n_min: 100, max_age_days: 90}
"""


def test_a_condition_passes_only_with_a_calibrated_judge() -> None:
    spec = parse_gate(GATE)
    good = evaluate_gate(spec, RUN, calibrations={"helpful-judge": calibration(0.65)}, at=AT)
    assert good.passed and good.conditions[0].notes == ()
    assert [(j.name, j.required) for j in good.judges] == [("helpful-judge", True)]
    assert good.judges[0].summary == "kappa 0.75 [0.65, 0.85], n=120, 2026-05-22 (#7)"
    cases = {
        "no calibration": ({}, "has no calibration against people"),
        "low kappa": ({"helpful-judge": calibration(0.5)}, "kappa lower bound 0.5 is below 0.6"),
        "few items": (
            {"helpful-judge": calibration(0.7, n=60)},
            "rests on 60 items, fewer than 100",
        ),
        "too old": ({"helpful-judge": calibration(0.7, days=120)}, "120 days old, older than 90"),
    }
    for what, (cals, says) in cases.items():
        result = evaluate_gate(spec, RUN, calibrations=cals, at=AT)
        assert not result.passed, what
        assert says in result.reasons[0], what
        assert result.reasons[0].startswith(
            "pass-rate (severity=critical) >= 0.8: judge helpful-judge"
        )


def test_a_top_level_requirement_is_its_own_line_and_pins_a_version() -> None:
    spec = parse_gate(
        "conditions: [{metric: pass-rate, min: 0.5}]\n"
        "judges: [{name: helpful-judge, kappa_min: 0.4, fingerprint: abab}]\n"
    )
    ok = evaluate_gate(spec, RUN, calibrations={"helpful-judge": calibration(0.45)}, at=AT)
    assert ok.passed and ok.conditions[0].metric == "judge-calibration"
    assert ok.conditions[0].bound == 0.45 and ok.conditions[0].n == 120
    pinned = parse_gate(
        "conditions: [{metric: pass-rate, min: 0.5}]\n"
        "judges: [{name: helpful-judge, kappa_min: 0.4, fingerprint: ffff}]\n"
    )
    other = evaluate_gate(pinned, RUN, calibrations={"helpful-judge": calibration(0.45)}, at=AT)
    assert not other.passed and "not ffff" in other.reasons[0]


def test_a_critical_tier_graded_by_an_uncalibrated_judge_is_flagged_not_failed() -> None:
    spec = parse_gate(
        "conditions:\n  - {metric: pass-rate, severity: critical, min: 0.5}\n"
        "  - {metric: pass-rate, severity: major, min: 0.5}\n"
    )
    result = evaluate_gate(spec, RUN, at=AT)
    assert result.passed
    assert result.conditions[0].notes == ("uncalibrated judge: helpful-judge",)
    assert result.conditions[1].notes == ()  # not a critical tier
    assert [(j.name, j.summary) for j in result.judges] == [("helpful-judge", "uncalibrated judge")]
    calibrated = evaluate_gate(spec, RUN, calibrations={"helpful-judge": calibration(0.2)}, at=AT)
    assert calibrated.conditions[0].notes == ()


C = "conditions: [{metric: pass-rate, min: 0.5, judge: "


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (C + "{kappa_min: 0.6}}]", "conditions[0].judge.name"),
        (C + "{name: j, kappa_min: 2}}]", "conditions[0].judge.kappa_min"),
        (C + "{name: j, n: 5}}]", "conditions[0].judge.n"),
        ("grades: people\nconditions: [{metric: pass-rate, min: 0.5}]", "grades"),
    ],
)
def test_bad_judge_requirements_name_the_field(text: str, field: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_gate(text, "gate.yaml")
    assert caught.value.field == field and caught.value.where is not None


MODEL = "import json, sys\nreq = json.load(sys.stdin)\nprint('fine answer')\n"


def _run(ws: mentor.Workspace, tmp_path: Path) -> int:
    script = tmp_path / "model.py"
    script.write_text(MODEL, encoding="utf-8")
    lines = ["name: gated", "cases:"]
    for i in range(6):
        lines += [
            f"  - id: c{i}",
            f"    prompt: question {i}",
            "    severity: critical",
            "    graders: [{type: contains, value: fine, name: helpful-judge}]",
        ]
    (tmp_path / "suite.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ws.evals.run(tmp_path / "suite.yaml", f"command:{sys.executable} {script}").id


def test_gate_outputs_name_the_judges_and_their_calibration(
    ws: mentor.Workspace, db_url: str, tmp_path: Path
) -> None:
    run_id = _run(ws, tmp_path)
    gate = tmp_path / "gate.yaml"
    gate.write_text(
        "grades: auto\nconditions:\n  - metric: pass-rate\n    severity: critical\n    min: 0.5\n"
        "    judge: {name: helpful-judge, kappa_min: 0.3, n_min: 40}\n",
        encoding="utf-8",
    )
    junit, md = tmp_path / "junit.xml", tmp_path / "summary.md"
    refused = ws.evals.gate(run_id, gate, junit=junit, markdown=md)
    assert not refused.passed and "has no calibration against people" in refused.gate.reasons[0]
    assert "uncalibrated judge" in md.read_text(encoding="utf-8")
    typed = run_cli("eval", "gate", str(run_id), "--gate", str(gate), db=db_url)
    assert typed.returncode == 6 and "has no calibration against people" in typed.stderr
    assert "Judges the verdict rests on" in typed.stdout and "uncalibrated judge" in typed.stdout
    labels = [
        {"item": str(i), "human_label": i % 3, "judge_label": i % 3 if i % 7 else (i + 1) % 3}
        for i in range(60)
    ]
    ws.judges.calibrate("helpful-judge", write_jsonl(tmp_path / "l.jsonl", labels))
    report = ws.evals.gate(run_id, gate, junit=junit, markdown=md)
    assert report.passed, report.gate.reasons
    typed = run_cli("eval", "gate", str(run_id), "--gate", str(gate), db=db_url)
    assert typed.returncode == 0 and report.gate.judges[0].summary in typed.stdout
    summary = report.gate.judges[0].summary
    assert summary.startswith("kappa 0.") and "n=60" in summary
    text = md.read_text(encoding="utf-8")
    assert "Judges the verdict rests on" in text and summary in text
    props = ET.parse(junit).getroot().find("testsuite[@name='gate gate']/properties")
    assert props is not None
    assert props.find("property").attrib == {"name": "judge:helpful-judge", "value": summary}  # type: ignore[union-attr]


def test_grades_human_in_the_gate_file_reaches_the_scorecard(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    run_id = _run(ws, tmp_path)
    gate = tmp_path / "gate.yaml"
    gate.write_text(
        "grades: human\nconditions: [{metric: pass-rate, min: 0.5}]\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="has no human grades"):
        ws.evals.gate(run_id, gate)
    gate.write_text("grades: both\nconditions: [{metric: pass-rate, min: 0.5}]\n", encoding="utf-8")
    assert ws.evals.gate(run_id, gate).run.scorecard.grades == "both"
