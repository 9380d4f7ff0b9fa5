"""Agreement, annotator quality and drift of a project built through the annotate SDK, against
figures worked out by hand from the label table in builder.py (on SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import krippendorff
import numpy as np
import pytest
from statsmodels.stats.inter_rater import fleiss_kappa
from statsmodels.stats.proportion import proportions_ztest

import mentor
from mentor.quality import GoldWatch, QualityConfig

from .builder import ANNOTATORS, LABELS, build

CONFIG = QualityConfig(n_boot=200, watch=GoldWatch(window=2, threshold=0.8, min_answers=2))


def _coded() -> np.ndarray:
    code = {"A": 0, "B": 1, "tie": 2}
    return np.array([[code[LABELS[i][j]] for i in LABELS] for j in range(3)], dtype=float)


def test_agreement_per_question_matches_hand_and_reference_values(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    built = build(ws, tmp_path)
    q = ws.quality.project(built.project, CONFIG)
    assert [x.name for x in q.questions] == ["choice"]
    choice = q.questions[0]
    assert choice.report is not None and choice.level == "nominal"
    metrics = {m.name: m for m in choice.report.metrics}
    # Per item, the share of agreeing ordered pairs: 1, 1/3, 1, 1/3, 1/3, 1/3.
    assert metrics["percent agreement"].value == pytest.approx(10 / 18)
    # Fleiss by hand: P-bar = 10/18; category shares 9/18, 8/18, 1/18.
    pe = (9 / 18) ** 2 + (8 / 18) ** 2 + (1 / 18) ** 2
    assert metrics["Fleiss' kappa"].value == pytest.approx((10 / 18 - pe) / (1 - pe))
    counts = np.array([[row.count(c) for c in ("A", "B", "tie")] for row in LABELS.values()])
    assert metrics["Fleiss' kappa"].value == pytest.approx(fleiss_kappa(counts))
    alpha = krippendorff.alpha(reliability_data=_coded(), level_of_measurement="nominal")
    assert metrics["Krippendorff's alpha (nominal)"].value == pytest.approx(alpha)
    for m in metrics.values():
        assert m.low is not None and m.high is not None and m.low <= m.value <= m.high  # type: ignore[operator]
    assert choice.distribution == {"A": 9, "B": 8, "tie": 1}
    # Ordered pairs of labels on the same item: p1 gives six (A, A), p2 two (A, A), four A/B...
    assert choice.pairs.labels == ["A", "B", "tie"]
    assert choice.pairs.counts == [[10, 6, 2], [6, 10, 0], [2, 0, 0]]
    assert choice.report.pairwise["ana"]["ben"] == pytest.approx(4 / 6)
    assert choice.report.pairwise["ana"]["cleo"] == pytest.approx(2 / 6)
    # Gold: g1 (A) got A, A, tie; g2 (B) got B, A, tie.
    assert q.gold_confusion.labels == ["A", "B", "tie"]
    assert q.gold_confusion.counts == [[2, 0, 1], [1, 1, 1], [0, 0, 0]]
    assert (q.gold.n, q.gold.value) == (6, pytest.approx(0.5))
    assert (q.review_pass.hits, q.review_pass.n) == (6, 8)
    assert (q.labels, q.gold_answers, q.clarifications, q.clarifications_answered) == (18, 6, 1, 1)


def test_each_annotator_against_gold_consensus_and_review(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    built = build(ws, tmp_path)
    q = ws.quality.project(built.project, CONFIG)
    people = {p.annotator: p for p in q.people}
    assert sorted(people) == list(ANNOTATORS)
    assert [people[a].gold_accuracy for a in ANNOTATORS] == [1.0, 0.5, 0.0]
    assert [people[a].gold_answered for a in ANNOTATORS] == [2, 2, 2]
    assert people["ana"].alert is None
    assert "50%" in (people["ben"].alert or "") and "0%" in (people["cleo"].alert or "")
    # ben answered g2 (wrong) then g1 (right): the rolling mean goes 0, then 0.5.
    assert [g.rolling for g in people["ben"].gold_trend] == [0.0, 0.5]
    majority = {a: next(c for c in people[a].consensus if c.method == "majority") for a in people}
    # Leave-one-out majority of the other two; items where they split are skipped.
    assert (majority["ana"].agreed, majority["ana"].compared) == (2, 4)
    assert (majority["ben"].agreed, majority["ben"].compared) == (2, 2)
    assert (majority["cleo"].agreed, majority["cleo"].compared) == (2, 4)
    assert majority["ana"].low is not None and majority["ana"].low < 0.5 < (
        majority["ana"].high or 0
    )
    skene = [c for c in people["ana"].consensus if c.method == "dawid-skene"]
    assert skene and skene[0].compared == 6
    assert [people[a].review_pass_rate for a in ANNOTATORS] == [1.0, 0.5, 0.75]
    assert [people[a].median_seconds for a in ANNOTATORS] == [10.0, 20.0, 30.0]
    assert [people[a].labels for a in ANNOTATORS] == [6, 6, 6]
    assert all(sum(people[a].throughput.values()) == 6 for a in ANNOTATORS)


def test_trend_throughput_and_drift_between_guideline_rounds(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    built = build(ws, tmp_path)
    q = ws.quality.project(built.project, CONFIG)
    week1, week2 = sorted(q.throughput)
    assert q.throughput == {week1: 9, week2: 9}
    trend = {t.period: t for t in q.trend}
    assert trend[week1].value == pytest.approx(7 / 9) and trend[week1].items == 3
    assert trend[week2].value == pytest.approx(1 / 3)
    assert trend[week1].low is not None and trend[week1].low <= 7 / 9 <= (trend[week1].high or 0)
    rounds = {r.key: r for r in q.drift.rounds}
    assert sorted(rounds) == ["v1", "v2"]
    assert (rounds["v1"].agreement.hits, rounds["v1"].agreement.n) == (7, 9)
    assert (rounds["v2"].agreement.hits, rounds["v2"].agreement.n) == (3, 9)
    change = next(c for c in q.drift.changes if c.metric == "agreement")
    z, p = proportions_ztest([3, 7], [9, 9])
    assert change.test.z == pytest.approx(z) and change.test.p_value == pytest.approx(p)
    assert change.test.difference == pytest.approx(3 / 9 - 7 / 9) and not change.significant
    by_week = ws.quality.project(built.project, QualityConfig(n_boot=0, drift_by="week"))
    assert [r.key for r in by_week.drift.rounds] == [week1, week2]
    assert by_week.questions[0].report is not None
    assert by_week.questions[0].report.metrics[0].low is None  # n_boot=0: no interval
