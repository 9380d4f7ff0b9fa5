"""Prediction-powered means against the ppi-python reference, and what a user sees: an interval
narrower than people alone when the judge tracks people, and no worse when it does not."""

from __future__ import annotations

import json

import numpy as np
import pytest
from ppi_py import classical_mean_ci, ppi_mean_ci, ppi_mean_pointestimate

from mentor.errors import InputError
from mentor.judges import ppi_mean

TOL = 1e-9


def _data(seed: int, n: int = 100, big_n: int = 1000, noise: float = 0.2) -> tuple[np.ndarray, ...]:
    """Binary human labels, and a judge that flips a share `noise` of them (biased to pass)."""
    rng = np.random.default_rng(seed)
    truth = (rng.random(n + big_n) < 0.6).astype(float)
    flip = rng.random(n + big_n) < noise
    judge = np.where(flip, 1.0, truth)
    return truth[:n], judge[:n], judge[n:]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("confidence", [0.9, 0.95])
def test_power_tuned_ppi_matches_ppi_python(seed: int, confidence: float) -> None:
    y, yhat, rest = _data(seed)
    result = ppi_mean(y, yhat, rest, confidence=confidence)
    point = float(np.squeeze(ppi_mean_pointestimate(y, yhat, rest)))
    low, high = (float(np.squeeze(v)) for v in ppi_mean_ci(y, yhat, rest, alpha=1 - confidence))
    assert abs(result.estimate.value - point) < TOL
    assert abs(result.estimate.low - low) < TOL and abs(result.estimate.high - high) < TOL
    h_low, h_high = classical_mean_ci(y, alpha=1 - confidence)
    assert abs(result.human_only.low - h_low) < TOL and abs(result.human_only.high - h_high) < TOL
    assert 0.0 <= result.lam <= 1.0


@pytest.mark.parametrize("seed", [4, 5])
def test_plain_ppi_matches_ppi_python_with_lambda_one(seed: int) -> None:
    y, yhat, rest = _data(seed, n=60, big_n=500, noise=0.4)
    result = ppi_mean(y, yhat, rest, power_tuning=False)
    point = float(np.squeeze(ppi_mean_pointestimate(y, yhat, rest, lam=1)))
    low, high = (float(np.squeeze(v)) for v in ppi_mean_ci(y, yhat, rest, alpha=0.05, lam=1))
    assert result.lam == 1.0
    assert abs(result.estimate.value - point) < TOL
    assert abs(result.estimate.low - low) < TOL and abs(result.estimate.high - high) < TOL


def test_a_good_judge_narrows_the_interval_and_judge_only_shows_its_bias() -> None:
    y, yhat, rest = _data(6, noise=0.1)
    result = ppi_mean(y, yhat, rest)
    ppi_width = result.estimate.high - result.estimate.low
    human_width = result.human_only.high - result.human_only.low
    assert ppi_width < 0.75 * human_width
    assert result.n_human == 100 and result.n_judged == 1100
    assert result.judge_only.value > result.human_only.value  # the judge passes too much
    json.dumps(result.to_dict(), allow_nan=False)


def test_a_judge_that_always_says_the_same_falls_back_to_people() -> None:
    y, _, _ = _data(7)
    result = ppi_mean(y, np.ones_like(y), np.ones(500))
    assert result.lam == 0.0
    assert abs(result.estimate.value - result.human_only.value) < TOL
    assert abs(result.estimate.low - result.human_only.low) < TOL


@pytest.mark.parametrize(
    ("human", "on_human", "rest", "words"),
    [
        ([1.0], [1.0], [0.0, 1.0], "at least 2 cases"),
        ([1.0, 0.0], [1.0], [0.0], "2 human labels but 1"),
        ([1.0, 0.0], [1.0, 0.0], [], "judge_on_rest is empty"),
        ([1.0, float("nan")], [1.0, 0.0], [0.0], "value 1 is nan"),
        (["pass", "fail"], [1.0, 0.0], [0.0], "expected numbers"),
    ],
)
def test_unusable_input_says_what_is_wrong(
    human: list[object], on_human: list[float], rest: list[float], words: str
) -> None:
    with pytest.raises(InputError, match=words):
        ppi_mean(human, on_human, rest)  # type: ignore[arg-type]
