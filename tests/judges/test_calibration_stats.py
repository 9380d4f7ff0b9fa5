"""Judge calibration statistics against scikit-learn, krippendorff and scipy, and the biases a
user would want flagged (position, length, self-preference)."""

from __future__ import annotations

import json

import krippendorff
import numpy as np
import pytest
from scipy.stats import binomtest
from sklearn.metrics import (
    accuracy_score,
    cohen_kappa_score,
    confusion_matrix,
    precision_recall_fscore_support,
)
from statsmodels.stats.inter_rater import cohens_kappa

from mentor.agreement import cohen_kappa, krippendorff_alpha
from mentor.errors import InputError
from mentor.judges import PairVerdict, label_agreement, pairwise_bias

TOL = 1e-9


def _noisy_judge(seed: int, n: int, labels: list[object], p_right: float) -> tuple[list, list]:
    rng = np.random.default_rng(seed)
    human = [labels[i] for i in rng.integers(0, len(labels), n)]
    judge = [
        h if rng.random() < p_right else labels[int(rng.integers(0, len(labels)))] for h in human
    ]
    return human, judge


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_nominal_statistics_match_reference_implementations(seed: int) -> None:
    labels = ["bad", "fine", "good", "unsafe"]
    human, judge = _noisy_judge(seed, 300, labels, 0.6)
    result = label_agreement(human, judge, resamples=200, seed=seed)
    assert result.labels == tuple(sorted(labels))
    assert result.n == 300 and result.unparsed == 0
    assert abs(result.accuracy.value - accuracy_score(human, judge)) < TOL
    assert abs(result.kappa.value - cohen_kappa_score(human, judge)) < TOL
    matrix = confusion_matrix(human, judge, labels=list(result.labels))
    assert np.array_equal(np.array(result.confusion), matrix)
    codes = {label: i for i, label in enumerate(result.labels)}
    data = [[codes[h] for h in human], [codes[j] for j in judge]]
    expected_alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert abs(result.alpha.value - expected_alpha) < TOL
    precision, recall, _, support = precision_recall_fscore_support(
        human, judge, labels=list(result.labels), zero_division=np.nan
    )
    for score, p, r, s in zip(result.per_class, precision, recall, support, strict=True):
        assert abs(score.precision - p) < TOL and abs(score.recall - r) < TOL
        assert score.support == s
    for estimate in (result.accuracy, result.kappa, result.alpha):
        assert estimate.low <= estimate.value <= estimate.high


@pytest.mark.parametrize("seed", [3, 4])
def test_ordinal_statistics_match_reference_implementations(seed: int) -> None:
    scale = [1, 2, 3, 4, 5, 6]  # 6 is never used: it changes the weights by position
    human, judge = _noisy_judge(seed, 250, scale[:5], 0.5)
    result = label_agreement(human, judge, ordinal=True, labels=scale, resamples=200)
    expected = cohen_kappa_score(human, judge, weights="quadratic", labels=scale)
    assert abs(result.kappa.value - expected) < TOL
    table = confusion_matrix(human, judge, labels=scale)
    statsmodels_kappa = cohens_kappa(table, wt="quadratic").kappa
    assert abs(result.kappa.value - statsmodels_kappa) < TOL
    expected_alpha = krippendorff.alpha(
        reliability_data=[human, judge], level_of_measurement="ordinal", value_domain=scale
    )
    assert abs(result.alpha.value - expected_alpha) < TOL
    assert result.per_class[-1].support == 0 and result.per_class[-1].recall is None


@pytest.mark.parametrize("ordinal", [False, True])
def test_intervals_match_mentor_agreement_on_the_same_resamples(ordinal: bool) -> None:
    human, judge = _noisy_judge(9, 180, [1, 2, 3, 4], 0.6)
    result = label_agreement(human, judge, ordinal=ordinal, resamples=300, seed=4)
    table = list(zip(human, judge, strict=True))
    kappa = cohen_kappa(table, weights="quadratic" if ordinal else None, n_boot=300, rng=4)
    alpha = krippendorff_alpha(table, level="ordinal" if ordinal else "nominal", n_boot=300, rng=4)
    for ours, theirs in ((result.kappa, kappa), (result.alpha, alpha)):
        assert theirs.ci is not None
        assert abs(ours.value - theirs.value) < TOL
        assert abs(ours.low - theirs.ci.low) < TOL and abs(ours.high - theirs.ci.high) < TOL


def test_unweighted_kappa_with_labels_the_judge_never_used() -> None:
    human, judge = _noisy_judge(5, 200, ["a", "b", "c"], 0.7)
    judge = ["a" if j == "c" else j for j in judge]
    result = label_agreement(human, judge, resamples=0)
    assert abs(result.kappa.value - cohen_kappa_score(human, judge)) < TOL
    never = result.per_class[result.labels.index("c")]
    assert never.precision is None and never.recall == 0.0 and never.support > 0


def test_intervals_are_seeded_and_shrink_with_more_items() -> None:
    human, judge = _noisy_judge(6, 2000, ["x", "y"], 0.8)
    small = label_agreement(human[:100], judge[:100], resamples=500, seed=1)
    again = label_agreement(human[:100], judge[:100], resamples=500, seed=1)
    other = label_agreement(human[:100], judge[:100], resamples=500, seed=2)
    large = label_agreement(human, judge, resamples=500, seed=1)
    assert small == again and small.kappa != other.kappa
    assert large.kappa.high - large.kappa.low < (small.kappa.high - small.kappa.low) / 2


def test_ordinal_text_labels_follow_the_given_order() -> None:
    scale = ["poor", "fair", "good", "great"]
    human, judge = _noisy_judge(8, 150, scale, 0.5)
    result = label_agreement(human, judge, ordinal=True, labels=scale, resamples=0)
    assert result.labels == tuple(scale)
    expected = cohen_kappa_score(human, judge, weights="quadratic", labels=scale)
    assert abs(result.kappa.value - expected) < TOL
    assert np.isnan(result.kappa.low) and result.to_dict()["kappa"]["low"] is None


def test_unparsed_verdicts_are_left_out_and_counted() -> None:
    human = ["a", "b", "a", "b", "a"]
    judge = ["a", None, "a", "b", float("nan")]
    result = label_agreement(human, judge, resamples=50)
    assert result.n == 3 and result.unparsed == 2 and result.accuracy.value == 1.0
    assert result.to_dict()["unparsed"] == 2


def test_undefined_kappa_is_null_with_a_reason_in_json() -> None:
    result = label_agreement(["yes"] * 10, ["yes"] * 10, resamples=50)
    assert result.accuracy.value == 1.0 and np.isnan(result.kappa.value)
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["kappa"]["value"] is None and "same label 'yes'" in data["kappa"]["reason"]
    assert data["alpha"]["value"] is None


@pytest.mark.parametrize(
    ("human", "judge", "options", "words"),
    [
        ([], [], {}, "at least 2 items"),
        (["a"], ["a"], {}, "at least 2 items"),
        (["a", "b"], [None, "b"], {}, "1 unparsed"),
        (["a", "b"], ["a"], {}, "2 human labels but 1"),
        (["a", None], ["a", "b"], {}, "human label 1 is missing"),
        (["a", "b"], ["a", "c"], {"labels": ["a", "b"]}, "'c' (item 1)"),
        (["lo", "hi"], ["lo", "hi"], {"ordinal": True}, "order of the labels"),
        (["a", "b"], ["a", "b"], {"confidence": 95}, "confidence is 95"),
    ],
)
def test_unusable_input_says_what_is_wrong(
    human: list[object], judge: list[object], options: dict[str, object], words: str
) -> None:
    with pytest.raises(InputError, match=words.replace("(", r"\(").replace(")", r"\)")):
        label_agreement(human, judge, **options)  # type: ignore[arg-type]


def test_binomial_p_matches_scipy() -> None:
    rng = np.random.default_rng(7)
    pairs = [
        PairVerdict("a", rng.choice(["a", "b", "tie"]), rng.choice(["a", "b", "tie"]), 9, 9)
        for _ in range(123)
    ]
    bias = pairwise_bias(pairs, resamples=100)
    first = sum((p.forward == "a") + (p.backward == "b") for p in pairs)
    winners = sum((p.forward != "tie") + (p.backward != "tie") for p in pairs)
    assert abs(bias.first_position_rate.value - first / winners) < TOL
    assert abs(bias.first_position_p - binomtest(first, winners, 0.5).pvalue) < TOL


def _people(n: int, seed: int) -> list[tuple[str, int, int]]:
    """People's verdicts on n pairs, unrelated to which answer is longer."""
    rng = np.random.default_rng(seed)
    return [
        (str(rng.choice(["a", "b"])), int(rng.integers(50, 500)), int(rng.integers(50, 500)))
        for _ in range(n)
    ]


def test_judge_that_always_picks_the_first_shown_answer() -> None:
    pairs = [PairVerdict(h, "a", "b", la, lb) for h, la, lb in _people(200, 0)]
    bias = pairwise_bias(pairs, resamples=200)
    assert bias.flip_rate.value == 1.0 and bias.first_position_rate.value == 1.0
    assert bias.first_position_p < 1e-100
    assert bias.agreement.confusion[0][2] + bias.agreement.confusion[1][2] == 200  # all ties
    data = json.loads(json.dumps(bias.to_dict(), allow_nan=False))
    assert (
        data["length_bias"]["value"] is None
        and "different lengths" in data["length_bias"]["reason"]
    )


def test_judge_that_agrees_with_people_in_both_orders() -> None:
    pairs = [PairVerdict(h, h, h, la, lb) for h, la, lb in _people(200, 1)]  # type: ignore[arg-type]
    bias = pairwise_bias(pairs, resamples=200)
    assert bias.flip_rate.value == 0.0 and bias.flip_rate.high == 0.0
    assert bias.agreement.accuracy.value == 1.0 and bias.agreement.kappa.value == 1.0
    assert abs(bias.length_bias.value) < TOL and bias.first_position_p > 0.05
    assert bias.self_preference is None


def test_judge_that_prefers_the_longer_answer() -> None:
    pairs = []
    for h, la, lb in _people(300, 2):
        longer = "a" if la > lb else "b"
        pairs.append(PairVerdict(h, longer, longer, la, lb))  # type: ignore[arg-type]
    bias = pairwise_bias(pairs, resamples=500)
    assert bias.length_bias.value > 0.3 and bias.length_bias.low > 0.2
    assert bias.flip_rate.value == 0.0


def test_judge_that_prefers_its_own_family() -> None:
    pairs = []
    for i, (h, la, lb) in enumerate(_people(300, 3)):
        own_a = i % 2 == 0
        own = "a" if own_a else "b"
        fam_a, fam_b = ("qwen", "llama") if own_a else ("llama", "qwen")
        pairs.append(PairVerdict(h, own, own, la, lb, fam_a, fam_b, "qwen"))  # type: ignore[arg-type]
    pairs.append(PairVerdict("a", None, None, 1, 2))  # unparsed in both orders
    bias = pairwise_bias(pairs, resamples=500)
    assert bias.self_preference is not None and bias.self_preference.low > 0.3
    assert bias.unparsed == 1 and bias.n == 301 and bias.agreement.n == 300
    json.dumps(bias.to_dict(), allow_nan=False)


def test_a_verdict_that_is_not_a_b_or_tie_names_the_pair() -> None:
    pairs = [PairVerdict("a", "a", "a", 1, 2), PairVerdict("a", "A", "a", 1, 2)]  # type: ignore[arg-type]
    with pytest.raises(InputError, match="pair 1: 'A'"):
        pairwise_bias(pairs)
    with pytest.raises(InputError, match="no pairs"):
        pairwise_bias([])
