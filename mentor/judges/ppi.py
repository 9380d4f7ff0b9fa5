"""Prediction-powered inference: a judge's grades on many cases plus people's on a few.

People labelled n cases (``human``), the judge graded those same cases (``judge_on_human``)
and N more (``judge_on_rest``). The prediction-powered mean (Angelopoulos et al., "PPI++:
Efficient Prediction-Powered Inference", 2023) is the judge's mean on the N cases corrected
by the judge's average error on the n, with the correction weighted by the power-tuning
factor lambda in [0, 1] that minimises the variance: the interval stays valid when the judge
is biased and narrows as the judge tracks people. lambda = 1 is plain PPI, lambda = 0 the
human-only mean. All intervals are normal approximations, so their widths compare directly;
the results match ``ppi_py.ppi_mean_pointestimate`` / ``ppi_py.ppi_mean_ci``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mentor.errors import InputError
from mentor.judges.calibration_stats import Estimate


@dataclass(frozen=True)
class PPIEstimate:
    """The prediction-powered mean beside the human-only and judge-only means.

    `lam` is the power-tuning factor used (1.0 without power tuning).
    """

    estimate: Estimate  # prediction-powered mean and interval
    human_only: Estimate  # classical interval from the n human labels alone
    judge_only: Estimate  # mean of the judge on all judged cases (biased; interval ignores bias)
    n_human: int
    n_judged: int  # cases the judge graded: n human-labelled + N others
    lam: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON."""
        return {
            "estimate": self.estimate.to_dict(),
            "human_only": self.human_only.to_dict(),
            "judge_only": self.judge_only.to_dict(),
            "n_human": self.n_human,
            "n_judged": self.n_judged,
            "lam": self.lam,
        }


def ppi_mean(
    human: Sequence[float],
    judge_on_human: Sequence[float],
    judge_on_rest: Sequence[float],
    *,
    confidence: float = 0.95,
    power_tuning: bool = True,
) -> PPIEstimate:
    """The mean of a metric people would give, estimated from few human and many judge grades.

    ``human[i]`` and ``judge_on_human[i]`` grade the same case (e.g. 1.0 pass, 0.0 fail);
    ``judge_on_rest`` are the judge's grades on the cases people did not label. Raises
    InputError when the first two differ in length, fewer than 2 cases have human labels,
    no case is judge-only, or a value is not a finite number.
    """
    if not 0.0 < confidence < 1.0:
        raise InputError(
            f"confidence is {confidence}; expected a level such as 0.95", field="confidence"
        )
    y = _finite(human, "human")
    yhat = _finite(judge_on_human, "judge_on_human")
    rest = _finite(judge_on_rest, "judge_on_rest")
    if len(y) != len(yhat):
        raise InputError(
            f"got {len(y)} human labels but {len(yhat)} judge grades on them; expected the "
            "judge's grade of every case people labelled",
            field="judge_on_human",
        )
    if len(y) < 2:
        raise InputError(
            f"prediction-powered inference needs at least 2 cases with human labels; got {len(y)}",
            field="human",
        )
    if len(rest) == 0:
        raise InputError(
            "judge_on_rest is empty; PPI needs the judge's grades on cases people did not label",
            field="judge_on_rest",
        )
    n, big_n = len(y), len(rest)
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    lam = _tuned_lambda(y, yhat, rest) if power_tuning else 1.0
    value = float(lam * rest.mean() + (y - lam * yhat).mean())
    spread = math.sqrt((lam * rest).var() / big_n + (y - lam * yhat).var() / n)
    everything = np.concatenate([yhat, rest])
    return PPIEstimate(
        estimate=_normal(value, spread, z),
        human_only=_normal(float(y.mean()), float(y.std()) / math.sqrt(n), z),
        judge_only=_normal(
            float(everything.mean()), float(everything.std()) / math.sqrt(len(everything)), z
        ),
        n_human=n,
        n_judged=len(everything),
        lam=lam,
    )


def _tuned_lambda(
    y: NDArray[np.float64], yhat: NDArray[np.float64], rest: NDArray[np.float64]
) -> float:
    """Variance-minimising lambda, clipped to [0, 1]: cov(Y, Yhat) / ((1 + n/N) var(Yhat))."""
    n, big_n = len(y), len(rest)
    covariance = float(((y - y.mean()) * (yhat - yhat.mean())).mean())
    variance = float(np.var(np.concatenate([yhat, rest]), ddof=1))
    if variance == 0.0:
        return 0.0  # a judge that always says the same adds nothing: use the human mean
    return float(np.clip(covariance / ((1.0 + n / big_n) * variance), 0.0, 1.0))


def _normal(value: float, spread: float, z: float) -> Estimate:
    return Estimate(value, value - z * spread, value + z * spread)


def _finite(values: Sequence[float], name: str) -> NDArray[np.float64]:
    try:
        array = np.asarray(values, dtype=np.float64).ravel()
    except (TypeError, ValueError) as exc:
        raise InputError(f"expected numbers (e.g. 1.0 pass, 0.0 fail): {exc}", field=name) from exc
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise InputError(
            f"value {int(bad[0])} is {array[bad[0]]}; expected a finite number (drop "
            "unparsed grades before estimating)",
            field=name,
        )
    return array
