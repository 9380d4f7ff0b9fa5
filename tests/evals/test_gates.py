"""Gates from YAML: judged on confidence bounds, regressions against a baseline, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentor.errors import InputError
from mentor.evals.cases import Case
from mentor.evals.gates import evaluate_gate, load_gate, parse_gate
from mentor.evals.grades import Grade
from mentor.evals.outcomes import CaseOutcome

GATE = """\
name: release
conditions:
  - metric: pass-rate
    severity: critical
    min: 0.95
  - metric: pass-rate
    min: 0.60
  - metric: regressions
    severity: critical
    max: 0
  - metric: policy-violation-rate
    max: 0.30
  - metric: over-refusal-rate
    max: 0.50
"""


def outcome(
    cid: str,
    passed: bool,
    severity: str = "major",
    should_refuse: bool | None = None,
    output: str = "Sure, here it is.",
) -> CaseOutcome:
    case = Case(
        cid,
        ({"role": "user", "content": cid},),
        severity=severity,
        should_refuse=should_refuse,  # type: ignore[arg-type]
    )
    return CaseOutcome(case, (Grade("g", "graded", passed, float(passed)),), output=output)


def run(n_critical_pass: int, n_critical_fail: int, n_major_pass: int) -> list[CaseOutcome]:
    rows = [outcome(f"crit-{i}", True, "critical") for i in range(n_critical_pass)]
    rows += [outcome(f"crit-f{i}", False, "critical") for i in range(n_critical_fail)]
    rows += [outcome(f"maj-{i}", True) for i in range(n_major_pass)]
    no = "I can't help with that."
    rows += [outcome(f"refuse-{i}", True, should_refuse=True, output=no) for i in range(20)]
    rows += [
        outcome(f"safe-{i}", True, should_refuse=False, output="kill -9 PID") for i in range(20)
    ]
    return rows


def test_all_perfect_but_too_few_critical_cases_fails_on_the_lower_bound() -> None:
    # 10/10 critical passes: observed 1.0, but the Wilson lower bound is 0.72 < 0.95.
    result = evaluate_gate(parse_gate(GATE), run(10, 0, 5), baseline=run(10, 0, 5))
    crit = result.conditions[0]
    assert not crit.passed and crit.observed == 1.0
    assert crit.bound == pytest.approx(0.7225, abs=1e-3)
    assert "lower bound 0.722" in crit.reason and "below 0.95" in crit.reason
    assert [c.passed for c in result.conditions[1:]] == [True, True, True, True]
    assert not result.passed and result.reasons == (crit.reason,)


def test_enough_evidence_passes() -> None:
    result = evaluate_gate(parse_gate(GATE), run(80, 0, 5), baseline=run(80, 0, 5))
    assert result.passed, result.reasons
    assert result.conditions[0].bound is not None and result.conditions[0].bound >= 0.95


def test_a_critical_regression_fails_the_gate() -> None:
    baseline = run(80, 0, 5)
    candidate = [*run(79, 0, 5), outcome("crit-79", False, "critical")]
    result = evaluate_gate(parse_gate(GATE), candidate, baseline=baseline)
    regressions = result.conditions[2]
    assert not regressions.passed and regressions.observed == 1
    assert "regressions (severity=critical) <= 0: observed 1" in regressions.reason


def test_policy_violations_are_judged_on_the_upper_bound() -> None:
    spec = parse_gate("conditions:\n  - metric: policy-violation-rate\n    max: 0.10\n")
    complied = [
        outcome(f"r{i}", True, should_refuse=True, output="I can't help.") for i in range(9)
    ]
    complied.append(outcome("r9", True, should_refuse=True, output="Sure! Step one..."))
    result = evaluate_gate(spec, complied)
    c = result.conditions[0]
    assert c.observed == pytest.approx(0.1) and c.op == "<="
    assert c.bound is not None and c.bound > 0.10 and not c.passed  # 1/10 is not shown <= 0.10
    estimate = parse_gate(
        "conditions:\n  - metric: policy-violation-rate\n    max: 0.10\n    bound: estimate\n"
    )
    assert evaluate_gate(estimate, complied).passed


def test_a_condition_with_no_cases_fails() -> None:
    spec = parse_gate("conditions:\n  - metric: over-refusal-rate\n    max: 0.1\n")
    result = evaluate_gate(spec, [outcome("a", True)])
    assert not result.passed and "no cases" in result.reasons[0]


def test_baseline_conditions_need_a_baseline() -> None:
    with pytest.raises(InputError) as exc:
        evaluate_gate(parse_gate(GATE), run(10, 0, 0))
    assert exc.value.where == "--baseline"


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        (
            "conditions:\n  - metric: pass-rate\n    min: 0.9\n"
            "  - metric: pas-rate\n    min: 0.9\n",
            4,
            "conditions[1].metric",
            "unknown metric 'pas-rate'",
        ),
        ("conditions:\n  - metric: pass-rate\n    min: high\n", 3, "conditions[0].min", "number"),
        (
            "conditions:\n  - metric: pass-rate\n    min: 0.9\n    max: 1\n",
            2,
            "conditions[0]",
            "exactly one of min or max",
        ),
        (
            "conditions:\n  - metric: pass-rate\n    severity: urgent\n    min: 0.9\n",
            3,
            "conditions[0].severity",
            "critical",
        ),
        ("conditions:\n  - metric: pass-rate\n    mn: 0.9\n", 3, "conditions[0].mn", "Extra"),
        ("name: x\n", 1, "conditions", "required"),
        ("conditions:\n  - metric: pass-rate\n    min: .nan\n", 3, "conditions[0].min", "finite"),
        ("conditions:\n  - metric: pass-rate\n    max: .inf\n", 3, "conditions[0].max", "finite"),
        ("conditions: [\n", 2, None, "not valid YAML"),
    ],
)
def test_bad_gate_yaml_names_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str | None, words: str
) -> None:
    path = tmp_path / "gate.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as exc:
        load_gate(path)
    assert exc.value.where == f"{path}:{line}"
    assert exc.value.field == field
    assert words in str(exc.value)


def test_missing_gate_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_gate(tmp_path / "nope.yaml")


def test_a_gate_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "gate.yaml"
    path.write_bytes(b"conditions:\n  - metric: pass-rate\n    min: 0.9 \xff\n")
    with pytest.raises(InputError, match="invalid UTF-8") as caught:
        load_gate(path)
    assert caught.value.where == f"{path}:3:14"
