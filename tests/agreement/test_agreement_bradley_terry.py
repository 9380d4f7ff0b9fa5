"""Bradley-Terry scores from pairwise preferences, against the truth and against `choix`."""

from __future__ import annotations

import choix
import numpy as np
import pytest

from mentor.agreement import AgreementError, bradley_terry, rankings_to_comparisons


def _simulate(seed: int, n_items: int, n_comparisons: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    true = rng.normal(0.0, 1.0, n_items)
    a = rng.integers(0, n_items, n_comparisons)
    b = (a + rng.integers(1, n_items, n_comparisons)) % n_items
    a_wins = rng.random(n_comparisons) < 1.0 / (1.0 + np.exp(true[b] - true[a]))
    pairs = np.column_stack([np.where(a_wins, a, b), np.where(a_wins, b, a)])
    return pairs, true - true.mean()


def test_recovers_the_true_order_and_covers_true_scores() -> None:
    pairs, true = _simulate(0, n_items=30, n_comparisons=6000)
    result = bradley_terry(pairs)
    assert result.converged
    ranks_true = np.argsort(np.argsort(-true))
    ranks_fit = np.argsort(np.argsort(-result.scores))
    assert np.corrcoef(ranks_true, ranks_fit)[0, 1] > 0.97
    assert result.ranking[0] == int(np.argmax(true))
    assert result.scores.mean() == pytest.approx(0.0, abs=1e-12)
    covered = (result.ci_low <= true) & (true <= result.ci_high)
    assert covered.mean() >= 0.85  # 95% intervals: most true scores inside
    assert result.n_comparisons == 6000


def test_matches_choix_up_to_a_shift() -> None:
    pairs, _ = _simulate(1, n_items=200, n_comparisons=20_000)
    ours = bradley_terry(pairs).scores
    reference = choix.ilsr_pairwise(200, pairs.tolist(), tol=1e-12)
    assert ours - ours.mean() == pytest.approx(reference - reference.mean(), abs=1e-6)


def test_a_tie_counts_as_half_a_win_each() -> None:
    """Ties as half wins: doubling every comparison and splitting each tie into one win each
    way is the same likelihood, so it gives the same scores."""
    pairs, _ = _simulate(2, n_items=12, n_comparisons=800)
    ties = np.random.default_rng(2).random(800) < 0.2
    with_ties = bradley_terry(pairs, ties=ties)
    doubled = np.vstack([pairs[~ties], pairs[~ties], pairs[ties], pairs[ties][:, ::-1]])
    assert with_ties.scores == pytest.approx(bradley_terry(doubled).scores, abs=1e-7)


def test_probability_ranking_and_item_names() -> None:
    pairs = [("gpt", "bard")] * 8 + [("bard", "gpt")] * 2 + [("bard", "llama")] * 6
    pairs += [("llama", "bard")] * 4 + [("llama", "gpt")] * 1 + [("gpt", "llama")] * 9
    result = bradley_terry(pairs)
    assert result.items == ("bard", "gpt", "llama")
    assert result.ranking[0] == "gpt"
    assert result.probability("gpt", "bard") == pytest.approx(1 - result.probability("bard", "gpt"))
    assert result.probability("gpt", "bard") > 0.5
    assert all(result.ci_low < result.scores) and all(result.scores < result.ci_high)
    with pytest.raises(AgreementError, match="'claude' is not one of the fitted items"):
        result.probability("claude", "gpt")


def test_rankings_become_pairwise_comparisons() -> None:
    comparisons = rankings_to_comparisons([["a", "b", "c"], ["c", {"a", "b"}]])
    assert sorted(comparisons.pairs[:3]) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert comparisons.ties[:3] == (False, False, False)
    second = dict(zip(comparisons.pairs[3:], comparisons.ties[3:], strict=True))
    assert second[("c", "a")] is False and second[("c", "b")] is False
    assert sum(second.values()) == 1  # a and b tied with each other
    result = bradley_terry(comparisons)
    assert result.n_comparisons == 6
    with pytest.raises(AgreementError, match="lists an item twice"):
        rankings_to_comparisons([["a", "b", "a"]])


def test_rankings_recover_a_consistent_order() -> None:
    rng = np.random.default_rng(4)
    strength = np.linspace(2.0, -2.0, 8)
    rankings = []
    for _ in range(400):
        noisy = strength + rng.gumbel(size=8)
        chosen = rng.choice(8, 4, replace=False)
        rankings.append([f"m{i}" for i in chosen[np.argsort(-noisy[chosen])]])
    result = bradley_terry(rankings_to_comparisons(rankings))
    assert result.ranking == tuple(f"m{i}" for i in range(8))


def test_scores_that_would_be_infinite_are_explained() -> None:
    always_loses = [("a", "b"), ("b", "a"), ("a", "c"), ("b", "c")]
    with pytest.raises(AgreementError, match=r"'c' never won.*prior"):
        bradley_terry(always_loses)
    result = bradley_terry(always_loses, prior=1.0)
    assert result.ranking[-1] == "c" and np.isfinite(result.scores).all()
    split = [("a", "b"), ("b", "a"), ("c", "d"), ("d", "c"), ("a", "c")]
    with pytest.raises(AgreementError, match="split the items into groups"):
        bradley_terry(split)
    with pytest.raises(AgreementError, match="'z' appears in no comparison"):
        bradley_terry([("a", "b"), ("b", "a")], items=["a", "b", "z"])


def test_bad_comparisons() -> None:
    with pytest.raises(AgreementError, match="no comparisons"):
        bradley_terry([])
    with pytest.raises(AgreementError, match="compares an item with itself"):
        bradley_terry([("a", "b"), ("a", "a")])
    with pytest.raises(AgreementError, match="comparison 1 is"):
        bradley_terry([("a", "b"), ("a", "b", "c")])
    with pytest.raises(AgreementError, match="'q', which is not in items"):
        bradley_terry([("a", "q")], items=["a", "b"])
    with pytest.raises(AgreementError, match="2 flags for 3 comparisons"):
        bradley_terry([("a", "b"), ("b", "a"), ("a", "b")], ties=[True, False])
