r"""Paired comparison of two runs of one suite: pure functions of per-case results.

* Cases are paired by id. A case judged in both runs is *fixed* (fail → pass), *regressed*
  (pass → fail) or unchanged.
* **McNemar's exact test** asks whether regressions and fixes are equally likely: with b
  regressed and c fixed pairs, under H0 b ~ Binomial(b + c, 1/2), and the two-sided
  p-value is :math:`\min(1, 2\,P(X \le \min(b, c)))`.
* **Paired bootstrap**: the per-case differences :math:`d_i = y^{cand}_i - y^{base}_i`
  (pass as 1/0, or scores) are resampled with replacement (seeded); the percentile interval
  of the resampled means is the CI of the mean difference.
* **Wilson score interval** for a proportion p̂ = k/n at normal quantile z:
  :math:`\frac{\hat p + z^2/2n}{1 + z^2/n} \pm \frac{z}{1 + z^2/n}\sqrt{\hat p(1-\hat p)/n
  + z^2/4n^2}`. With n = 0 it is [0, 1]: nothing is known.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from mentor.agreement.bootstrap import resample_weights
from mentor.evals.outcomes import CaseOutcome

CONFIDENCE = 0.95
N_BOOT = 2000
MAX_BOOT = 1_000_000  # more resamples than this only spends time: the interval has settled


@dataclass(frozen=True)
class Proportion:
    """k successes out of n, with a Wilson interval at `confidence`."""

    successes: int
    n: int
    low: float
    high: float
    confidence: float = CONFIDENCE

    @property
    def value(self) -> float | None:
        """k / n (None when n is 0)."""
        return self.successes / self.n if self.n else None


def wilson(successes: int, n: int, confidence: float = CONFIDENCE) -> Proportion:
    """The Wilson score interval of `successes` out of `n`."""
    if not 0 <= successes <= n:
        raise ValueError(f"expected 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return Proportion(0, 0, 0.0, 1.0, confidence)
    z = NormalDist().inv_cdf(1.0 - (1.0 - confidence) / 2.0)
    p, z2 = successes / n, z * z
    denom = 1.0 + z2 / n
    center = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n)) / denom
    return Proportion(successes, n, max(0.0, center - half), min(1.0, center + half), confidence)


@dataclass(frozen=True)
class McNemar:
    """McNemar's exact test on the discordant pairs: `regressed` (b) and `fixed` (c)."""

    regressed: int
    fixed: int
    p_value: float


def mcnemar_exact(regressed: int, fixed: int) -> McNemar:
    """Two-sided exact McNemar test: binomial test of b against b + c at 1/2."""
    n = regressed + fixed
    # P(X <= min(b, c)) for X ~ Binomial(n, 1/2), in exact integers, then one division.
    tail = sum(math.comb(n, k) for k in range(min(regressed, fixed) + 1))
    p = min(1.0, 2 * tail / 2**n)
    return McNemar(regressed, fixed, p)


@dataclass(frozen=True)
class Difference:
    """Mean paired difference (candidate - baseline) with a bootstrap percentile interval."""

    mean: float
    low: float
    high: float
    n: int
    confidence: float = CONFIDENCE
    n_boot: int = N_BOOT


def paired_bootstrap(
    baseline: Sequence[float],
    candidate: Sequence[float],
    *,
    n_boot: int = N_BOOT,
    confidence: float = CONFIDENCE,
    seed: int = 0,
) -> Difference | None:
    """The mean of candidate - baseline over pairs, with a seeded percentile bootstrap CI."""
    base = np.asarray(baseline, dtype=np.float64)
    cand = np.asarray(candidate, dtype=np.float64)
    if base.shape != cand.shape or base.ndim != 1:
        raise ValueError(f"expected two equal-length 1-D arrays, got {base.shape}, {cand.shape}")
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1, got {n_boot}")
    if base.size == 0:
        return None
    diffs = cand - base
    means = np.concatenate(
        [w @ diffs / base.size for w in resample_weights(base.size, n_boot, seed)]
    )
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return Difference(
        float(diffs.mean()), float(low), float(high), int(base.size), confidence, n_boot
    )


@dataclass(frozen=True)
class Pairing:
    """Case ids by what changed between the runs."""

    fixed: tuple[str, ...]
    regressed: tuple[str, ...]
    still_passing: tuple[str, ...]
    still_failing: tuple[str, ...]
    unjudged: tuple[str, ...]  # in both runs, but not judged in one or both
    only_baseline: tuple[str, ...]
    only_candidate: tuple[str, ...]

    @property
    def unchanged(self) -> tuple[str, ...]:
        """Cases judged the same in both runs."""
        return self.still_passing + self.still_failing


def pair_cases(
    baseline: Mapping[str, bool | None], candidate: Mapping[str, bool | None]
) -> Pairing:
    """Pair two runs' pass/fail (None: not judged) by case id, in the baseline's order."""
    groups: dict[tuple[bool | None, bool | None], list[str]] = {}
    unjudged = []
    for case_id, before in baseline.items():
        if case_id not in candidate:
            continue
        after = candidate[case_id]
        if before is None or after is None:
            unjudged.append(case_id)
        else:
            groups.setdefault((before, after), []).append(case_id)
    return Pairing(
        fixed=tuple(groups.get((False, True), [])),
        regressed=tuple(groups.get((True, False), [])),
        still_passing=tuple(groups.get((True, True), [])),
        still_failing=tuple(groups.get((False, False), [])),
        unjudged=tuple(unjudged),
        only_baseline=tuple(k for k in baseline if k not in candidate),
        only_candidate=tuple(k for k in candidate if k not in baseline),
    )


@dataclass(frozen=True)
class GroupChange:
    """Pass rates of one group (a severity tier, an intent, a category) in both runs."""

    key: str
    baseline: Proportion
    candidate: Proportion
    regressed: int
    fixed: int

    @property
    def delta(self) -> float | None:
        """Candidate pass rate - baseline pass rate (None for an empty group)."""
        b, c = self.baseline.value, self.candidate.value
        return None if b is None or c is None else c - b


@dataclass(frozen=True)
class Comparison:
    """Everything a paired comparison of a baseline and a candidate run says."""

    pairing: Pairing
    mcnemar: McNemar
    pass_rate: Difference | None  # over cases judged in both runs
    score: Difference | None  # over cases scored in both runs
    by_severity: tuple[GroupChange, ...]
    by_intent: tuple[GroupChange, ...]
    by_category: tuple[GroupChange, ...]


def _groups(
    pairs: Sequence[tuple[CaseOutcome, CaseOutcome]],
    key: Callable[[CaseOutcome], str | None],
    confidence: float,
) -> tuple[GroupChange, ...]:
    keyed: dict[str, list[tuple[bool, bool]]] = {}
    for base, cand in pairs:
        name = key(cand)
        if name is not None and base.passed is not None and cand.passed is not None:
            keyed.setdefault(name, []).append((base.passed, cand.passed))
    out = []
    for name in sorted(keyed):
        rows = keyed[name]
        out.append(
            GroupChange(
                name,
                wilson(sum(b for b, _ in rows), len(rows), confidence),
                wilson(sum(c for _, c in rows), len(rows), confidence),
                regressed=sum(1 for b, c in rows if b and not c),
                fixed=sum(1 for b, c in rows if c and not b),
            )
        )
    return tuple(out)


def compare_outcomes(
    baseline: Sequence[CaseOutcome],
    candidate: Sequence[CaseOutcome],
    *,
    n_boot: int = N_BOOT,
    confidence: float = CONFIDENCE,
    seed: int = 0,
) -> Comparison:
    """Pair `candidate` with `baseline` by case id and compare them."""
    cand_by_id = {o.case.id: o for o in candidate}
    pairs = [(b, cand_by_id[b.case.id]) for b in baseline if b.case.id in cand_by_id]
    pairing = pair_cases(
        {o.case.id: o.passed for o in baseline}, {o.case.id: o.passed for o in candidate}
    )
    judged = [(b, c) for b, c in pairs if b.passed is not None and c.passed is not None]
    scored = [(b.score, c.score) for b, c in pairs if b.score is not None and c.score is not None]
    return Comparison(
        pairing=pairing,
        mcnemar=mcnemar_exact(len(pairing.regressed), len(pairing.fixed)),
        pass_rate=paired_bootstrap(
            [float(bool(b.passed)) for b, _ in judged],
            [float(bool(c.passed)) for _, c in judged],
            n_boot=n_boot,
            confidence=confidence,
            seed=seed,
        ),
        score=paired_bootstrap(
            [b for b, _ in scored],
            [c for _, c in scored],
            n_boot=n_boot,
            confidence=confidence,
            seed=seed,
        ),
        by_severity=_groups(pairs, lambda o: o.case.severity, confidence),
        by_intent=_groups(pairs, lambda o: o.case.intent, confidence),
        by_category=_groups(pairs, lambda o: o.case.category, confidence),
    )
