"""The lift table: each eval run of a trained model against the base model's run of the same
suite version, its paired change with an interval, and lift per 1,000 labels from the labels
actually behind the training data."""

from __future__ import annotations

from pathlib import Path

import pytest

import mentor
from mentor.quality import LiftRow
from mentor.train import TrainOptions
from tests.quality.training_world import LABELS, TrainingWorld

pytestmark = pytest.mark.train


def _passed(ws: mentor.Workspace, run_id: int) -> dict[str, float]:
    return {r.case_id: float(r.status == "passed") for r in ws.evals.results(run_id)}


def test_lift_pairs_the_trained_models_run_with_the_base_models_run_of_that_suite(
    training_world: TrainingWorld, tmp_path: Path
) -> None:
    world = training_world
    with mentor.connect(world.url, home=tmp_path, user="tester") as ws:
        _check_lift(ws, world)


def _check_lift(ws: mentor.Workspace, world: TrainingWorld) -> None:
    lift = ws.quality.training_lift(world.run.id)
    assert lift.model == world.run.ref
    assert (lift.labels.count, lift.labels.basis) == (LABELS, "annotations")
    assert lift.labels.projects == (world.project,)
    [row] = lift.rows
    assert isinstance(row, LiftRow)
    # the other suite's base run has no case in common: the run of this suite is the base
    assert (row.eval_run, row.base_run, row.suite) == (
        world.trained_eval,
        world.base_eval,
        "tiny-lift",
    )
    base, trained = _passed(ws, world.base_eval), _passed(ws, world.trained_eval)
    delta = sum(trained[c] - base[c] for c in base) / len(base)
    assert row.paired == 4 and row.delta == pytest.approx(delta)
    assert row.low is not None and row.high is not None and row.low <= delta <= row.high
    assert row.base_pass_rate == pytest.approx(sum(base.values()) / 4)
    assert row.trained_pass_rate == pytest.approx(sum(trained.values()) / 4)
    assert row.lift_per_1000 == pytest.approx(delta / LABELS * 1000)
    assert row.lift_low == pytest.approx(row.low / LABELS * 1000)
    assert (row.labels, row.labels_basis) == (LABELS, "annotations")
    # the same numbers as comparing the two runs directly
    direct = ws.evals.compare(world.base_eval, world.trained_eval).comparison
    assert direct.pass_rate is not None and row.p_value == direct.mcnemar.p_value
    assert (row.low, row.high) == (direct.pass_rate.low, direct.pass_rate.high)


def test_without_human_labels_the_training_records_are_counted_and_no_eval_means_no_rows(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tiny_base: Path
) -> None:
    pytest.importorskip("trl")
    from tests.train.test_train_runs import FAST, chats, dataset

    ref = dataset(sqlite_ws, tmp_path, "chats", chats(8))
    run = sqlite_ws.training.train(
        "sft",
        ref,
        base=str(tiny_base),
        out=tmp_path / "sft",
        options=TrainOptions(held_out=0.25, **{**FAST, "max_steps": 2}),  # type: ignore[arg-type]
    )
    lift = sqlite_ws.quality.training_lift(run.id)
    assert (lift.labels.count, lift.labels.basis) == (6, "training records")
    assert lift.rows == ()
