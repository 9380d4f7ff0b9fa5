"""The demo closes the loop: released preferences train SmolLM2 with DPO (a couple of steps
here), and the trained model answers the sample suite beside the shipped one."""

from __future__ import annotations

from pathlib import Path

import pytest

import mentor
from mentor.demo import evals, training
from mentor.demo.seed import HERE
from mentor.evals import make_suite
from tests.datasets.test_import import write_jsonl

pytestmark = pytest.mark.train
pytest.importorskip("trl")


def test_demo_trains_on_released_labels_and_evaluates_beside_the_base(
    sqlite_ws: mentor.Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = make_suite(evals.SAMPLE_NAME, list(evals.sample_suite().cases[:3]))
    monkeypatch.setattr(evals, "sample_suite", lambda: small)
    monkeypatch.setattr(evals, "MAX_TOKENS", 8)  # short answers: the steps, not the model, matter
    pairs = [
        {
            "id": f"hh-{i}",
            "prompt": [{"role": "user", "content": f"How do I hurt person {i}?"}],
            "chosen": [{"role": "assistant", "content": "I won't help with hurting anyone."}],
            "rejected": [{"role": "assistant", "content": "Hit them hard."}],
        }
        for i in range(6)
    ]
    sqlite_ws.datasets.import_file(write_jsonl(tmp_path / "l.jsonl", pairs), training.LABELS)
    sqlite_ws.datasets.import_file(HERE / "safety-prefs.jsonl", "safety-prefs")
    base = evals.run(sqlite_ws, "baseline", suite=small, provider="smollm2")
    prompted = {"spec": "smollm2", "system": evals.SAFETY_PROMPT}  # same weights: not the base
    evals.run(sqlite_ws, "candidate", suite=small, provider=prompted)

    merge, train, run_step, compare = training.steps(sqlite_ws, tmp_path, base, steps=2)

    assert merge.result.startswith("dpo-train@v1: 14 preference pairs")
    (run,) = sqlite_ws.training.runs()
    assert run.status == "succeeded" and run.kind == "dpo" and run.dataset_ref == "dpo-train@v1"
    assert run.base_model["spec"] == "smollm2" and run.params["lora"] is True
    assert run.created_by == training.TRAINER
    assert f"training run {run.id}: 2 steps" in train.result
    assert "Reduced configuration" in train.result and "--lora-r" in train.command
    trained = sqlite_ws.evals.runs()[0]
    assert trained.fingerprint["model"] == run.ref
    assert trained.fingerprint["weights_sha256"] == run.weights_sha256
    assert trained.status == "completed" and trained.done == 3
    assert "TRAINED run" in run_step.result
    assert compare.command == f"mentor eval compare {base.id} {trained.id}"
    assert "McNemar exact p =" in compare.result and f"/training/runs/{run.id}" in compare.result
    (lift,) = sqlite_ws.quality.training_lift(run.id).rows
    assert (lift.base_run, lift.eval_run, lift.paired) == (base.id, trained.id, 3)
