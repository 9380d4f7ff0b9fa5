"""Turning several annotators' labels into one: majority vote and Dawid-Skene."""

from __future__ import annotations

import numpy as np
import pytest

from mentor.agreement import AgreementError, dawid_skene, majority_vote


def test_majority_vote_tie_policies() -> None:
    table = [["cat", "dog", None], ["dog", "dog", "cat"], [None, None, None], ["eel", "dog", "eel"]]
    abstain = majority_vote(table)
    assert abstain.labels == (None, "dog", None, "eel")
    assert abstain.tied.tolist() == [True, False, False, False]
    assert abstain.categories == ("cat", "dog", "eel")
    assert abstain.votes[1].tolist() == [1, 2, 0]
    first = majority_vote(table, ties="first")
    assert first.labels[0] == "cat"
    reordered = majority_vote(table, ties="first", categories=["eel", "dog", "cat"])
    assert reordered.labels[0] == "dog"
    assert first.labels[2] is None  # nobody labelled item 2, whatever the policy


def test_random_ties_are_seeded_and_pick_only_tied_labels() -> None:
    table = [["a", "b", "c", None]] * 300 + [["a", "a", "b", "c"]]
    picks = majority_vote(table, ties="random", rng=42).labels
    assert picks == majority_vote(table, ties="random", rng=42).labels
    assert picks != majority_vote(table, ties="random", rng=43).labels
    assert set(picks[:300]) == {"a", "b", "c"}
    assert picks[300] == "a"
    with pytest.raises(AgreementError, match="'abstain', 'random' or 'first'"):
        majority_vote(table, ties="coin")  # type: ignore[arg-type]


def _simulate(seed: int, n_items: int = 1500, n_annotators: int = 15, per_item: int = 5) -> tuple:
    """Annotators of mixed quality, each with a known confusion matrix, label 3 classes."""
    rng = np.random.default_rng(seed)
    k = 3
    truth = rng.choice(k, n_items, p=[0.5, 0.3, 0.2])
    confusion = np.empty((n_annotators, k, k))
    for a in range(n_annotators):
        accuracy = 0.9 if a < 4 else 0.45  # four experts, the rest barely above chance
        confusion[a] = (1 - accuracy) / (k - 1)
        np.fill_diagonal(confusion[a], accuracy)
    table = np.full((n_items, n_annotators), np.nan)
    for i in range(n_items):
        for a in rng.choice(n_annotators, per_item, replace=False):
            table[i, a] = rng.choice(k, p=confusion[a, truth[i]])
    return table, truth, confusion


def test_dawid_skene_beats_majority_vote_when_annotators_differ_in_skill() -> None:
    table, truth, confusion = _simulate(0)
    result = dawid_skene(table)
    ds_accuracy = np.mean(np.array(result.labels) == truth)
    mv = majority_vote(table, ties="random", rng=0)
    mv_accuracy = np.mean(np.array(mv.labels) == truth)
    assert result.converged
    assert ds_accuracy > mv_accuracy + 0.03
    assert ds_accuracy > 0.85
    # It also learns who the experts are: their estimated accuracy stands out.
    estimated = np.diagonal(result.confusion, axis1=1, axis2=2).mean(axis=1)
    assert estimated[:4].min() > estimated[4:].max()
    assert np.abs(estimated - np.diagonal(confusion, axis1=1, axis2=2).mean(axis=1)).max() < 0.1
    assert result.priors == pytest.approx([0.5, 0.3, 0.2], abs=0.05)
    assert result.posteriors.sum(axis=1) == pytest.approx(np.ones(len(truth)))
    assert result.confusion.sum(axis=2) == pytest.approx(np.ones((15, 3)))


def test_dawid_skene_labels_and_unlabelled_items() -> None:
    table = [["spam", "spam", "ham"], ["ham", "ham", "ham"], [None, None, None]]
    result = dawid_skene(table)
    assert result.labels == ("spam", "ham", None)
    assert result.categories == ("ham", "spam")
    assert result.posteriors[2] == pytest.approx(result.priors)
    assert result.n_iter >= 1 and np.isfinite(result.log_likelihood)


def test_dawid_skene_reports_when_it_stopped_early_and_refuses_bad_options() -> None:
    table, _, _ = _simulate(1, n_items=300)
    assert not dawid_skene(table, max_iter=1).converged
    with pytest.raises(AgreementError, match="smoothing > 0"):
        dawid_skene(table, smoothing=0)
