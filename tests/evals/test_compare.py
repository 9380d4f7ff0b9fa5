"""Paired statistics cross-checked against statsmodels, and a textbook McNemar example."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint

import mentor
from mentor.errors import InputError
from mentor.evals.cases import Case
from mentor.evals.compare import (
    compare_outcomes,
    mcnemar_exact,
    pair_cases,
    paired_bootstrap,
    wilson,
)
from mentor.evals.grades import Grade
from mentor.evals.outcomes import CaseOutcome
from tests.conftest import run_cli


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 60), st.integers(0, 60))
def test_mcnemar_matches_statsmodels_exact(regressed: int, fixed: int) -> None:
    table = [[10, regressed], [fixed, 7]]
    expected = mcnemar(table, exact=True).pvalue
    assert mcnemar_exact(regressed, fixed).p_value == pytest.approx(expected, rel=1e-9, abs=1e-12)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_wilson_matches_statsmodels(kn: tuple[int, int], confidence: float) -> None:
    k, n = kn
    low, high = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    got = wilson(k, n, confidence)
    assert got.low == pytest.approx(max(0.0, low), abs=1e-12)
    assert got.high == pytest.approx(min(1.0, high), abs=1e-12)


def test_mcnemar_textbook_example() -> None:
    # Agresti, An Introduction to Categorical Data Analysis (2nd ed., 2007), section 8.1,
    # table 8.1: 1600 people rated the Prime Minister's performance in two surveys a month
    # apart: 794 approve/approve, 150 approve then disapprove, 86 disapprove then approve, 570
    # disapprove/disapprove. McNemar z = (86 - 150) / sqrt(86 + 150) = -4.17: approval fell
    # significantly. Here "approve" is a pass, so 150 regressed and 86 fixed.
    result = mcnemar_exact(regressed=150, fixed=86)
    assert result.p_value < 1e-4
    z = (86 - 150) / np.sqrt(86 + 150)
    assert z == pytest.approx(-4.17, abs=0.01)
    assert result.p_value == pytest.approx(mcnemar([[794, 150], [86, 570]], exact=True).pvalue)


def test_mcnemar_small_worked_example() -> None:
    # b=1, c=9: p = 2 * P(X <= 1 | n=10, 1/2) = 2 * 11/1024 = 0.021484375.
    assert mcnemar_exact(1, 9).p_value == 22 / 1024
    assert mcnemar_exact(0, 0).p_value == 1.0


def test_wilson_with_no_cases_knows_nothing() -> None:
    p = wilson(0, 0)
    assert (p.low, p.high, p.value) == (0.0, 1.0, None)


def test_paired_bootstrap_is_seeded_and_covers_the_mean() -> None:
    rng = np.random.default_rng(3)
    base = rng.integers(0, 2, 200).astype(float)
    cand = np.where(rng.random(200) < 0.15, 1.0, base)  # some fixes, no regressions
    a = paired_bootstrap(base, cand, seed=7)
    b = paired_bootstrap(base, cand, seed=7)
    assert a == b
    assert a is not None and a.low <= a.mean <= a.high
    assert a.mean == pytest.approx(float((cand - base).mean()))
    assert a.low > 0  # an improvement the interval can see
    assert paired_bootstrap([], []) is None
    with pytest.raises(ValueError):
        paired_bootstrap([1.0], [1.0, 0.0])


def test_pairing_lists_fixed_regressed_and_unchanged() -> None:
    base = {"a": True, "b": False, "c": True, "d": False, "e": None, "f": True}
    cand = {"a": False, "b": True, "c": True, "d": False, "e": True, "g": True}
    p = pair_cases(base, cand)
    assert (p.regressed, p.fixed) == (("a",), ("b",))
    assert p.unchanged == ("c", "d") and p.unjudged == ("e",)
    assert (p.only_baseline, p.only_candidate) == (("f",), ("g",))


def outcome(cid: str, passed: bool, severity: str = "major", intent: str = "qa") -> CaseOutcome:
    case = Case(cid, ({"role": "user", "content": cid},), severity=severity, intent=intent)  # type: ignore[arg-type]
    return CaseOutcome(case, (Grade("g", "graded", passed, float(passed)),), output="x")


def test_compare_outcomes_breaks_down_by_severity_and_intent() -> None:
    base = [outcome("c1", True, "critical", "x"), outcome("c2", True), outcome("c3", False)]
    cand = [outcome("c1", False, "critical", "x"), outcome("c2", True), outcome("c3", True)]
    c = compare_outcomes(base, cand, n_boot=200)
    assert c.pairing.regressed == ("c1",) and c.pairing.fixed == ("c3",)
    assert c.mcnemar.p_value == 1.0
    critical = next(g for g in c.by_severity if g.key == "critical")
    assert (critical.regressed, critical.delta) == (1, -1.0)
    assert {g.key for g in c.by_intent} == {"x", "qa"}
    assert c.pass_rate is not None and c.pass_rate.mean == 0.0


@pytest.mark.parametrize(
    ("change", "where"),
    [({"n_boot": 0}, "--n-boot"), ({"n_boot": -1}, "--n-boot"), ({"seed": -1}, "--seed")],
)
def test_compare_refuses_a_bootstrap_it_cannot_draw(
    sqlite_ws: mentor.Workspace, change: dict[str, int], where: str
) -> None:
    with pytest.raises(InputError) as caught:
        sqlite_ws.evals.compare(1, 2, **change)
    assert caught.value.where == where
    with pytest.raises(ValueError, match="n_boot"):
        paired_bootstrap([1.0], [0.0], n_boot=0)


def test_the_command_names_n_boot(tmp_path: Path) -> None:
    ran = run_cli("eval", "compare", "1", "2", "--n-boot", "0", db=f"sqlite:///{tmp_path}/m.db")
    assert ran.returncode == 2 and "--n-boot" in ran.stderr and "Traceback" not in ran.stderr
