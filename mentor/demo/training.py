"""Demo steps: the loop closes. People's released preferences train SmolLM2 with DPO, and the
trained model answers the same sample of the starter suites as the base, side by side.

This is a reduced configuration so the training step stays within a few minutes on a 2-core
CPU: LoRA rank :data:`LORA_R`, :data:`STEPS` optimiser steps of :data:`BATCH` pairs, prompts and
answers cut to :data:`MAX_LENGTH` tokens, on the project's released labels plus the hand-written
safety pairs. The full configuration, for a GPU, is in :data:`FULL`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Final

from mentor.demo import evals
from mentor.demo.steps import DemoStep
from mentor.evals import RunInfo
from mentor.train import TrainingRun, TrainOptions
from mentor.workspace import Workspace

TRAINER: Final = "trina"
LABELS: Final = "hh-harmless-prefs-labels"
SAFETY: Final = "safety-prefs@v1"
DATASET: Final = "dpo-train"
STEPS: Final = 20
BATCH: Final = 2
MAX_LENGTH: Final = 128
LORA_R: Final = 8
FULL: Final = (
    "mentor train dpo harmless-mix@v2 --base smollm2 --epochs 3 --batch-size 16 "
    "--max-length 512 --learning-rate 5e-6 (full fine-tuning, on a GPU)"
)


def options(steps: int = STEPS) -> TrainOptions:
    """The demo's reduced DPO configuration."""
    return TrainOptions(
        max_steps=steps,
        batch_size=BATCH,
        max_length=MAX_LENGTH,
        lora=True,
        lora_r=LORA_R,
        lora_alpha=2 * LORA_R,
        held_out=0.2,
        checkpoint_every=steps,
    )


def _train(ws: Workspace, ref: str, out: Path, steps: int) -> TrainingRun:
    factory = evals.RUN_PROGRESS.get()
    context = factory("training") if factory is not None else nullcontext(None)
    with context as bar:
        return ws.acting_as(TRAINER).training.train(
            "dpo", ref, base="smollm2", out=out, options=options(steps), progress=bar
        )


def steps(ws: Workspace, out: Path, base: RunInfo, steps: int = STEPS) -> Iterator[DemoStep]:
    """Merge the released labels with the safety pairs, train with DPO, evaluate the trained
    model on the demo's sample suite and compare it with `base` (the shipped model's run)."""
    labels = ws.datasets.versions(LABELS)[-1].ref
    data = ws.acting_as(TRAINER).datasets.merge(
        [labels, SAFETY],
        DATASET,
        note="people's released preferences plus the hand-written safety pairs",
        description="DPO training data: the demo project's released labels and safety probes",
    )
    yield DemoStep(
        f"mentor datasets merge {labels} {SAFETY} --into {DATASET}",
        f"{data.ref}: {data.record_count} preference pairs",
    )
    run = _train(ws, data.ref, out / "train-dpo", steps)
    final = run.final_metrics
    accuracy = final.get("eval_rewards/accuracies")
    yield DemoStep(
        f"mentor train dpo {data.ref} --base smollm2 --lora --lora-r {LORA_R} "
        f"--max-steps {steps} --batch-size {BATCH} --max-length {MAX_LENGTH} --held-out 0.2 "
        "--out train-dpo",
        f"training run {run.id}: {int(final['global_step'])} steps in {run.wall_s:.0f} s on "
        f"{run.device}; {run.split['train_rows']} pairs trained, {run.split['held_out_rows']} "
        "held out"
        + (f", held-out reward accuracy {accuracy:.0%}" if accuracy is not None else "")
        + f". Reduced configuration; the full one: {FULL}",
    )
    trained = evals.run(
        ws, "trained", suite=evals.sample_suite(), provider=run.ref, note=f"DPO run {run.id}"
    )
    yield DemoStep(
        f"mentor eval run {evals.SAMPLE_NAME} --provider {run.ref} "
        f"--param max_tokens={evals.MAX_TOKENS}",
        f"TRAINED {evals.rate(trained)}",
    )
    compared = ws.evals.compare(base.id, trained.id)
    c, p = compared.comparison, compared.comparison.pairing
    yield DemoStep(
        f"mentor eval compare {base.id} {trained.id}",
        f"{len(p.fixed)} fixed, {len(p.regressed)} regressed, {len(p.unchanged)} unchanged "
        f"(McNemar exact p = {c.mcnemar.p_value:.2g}); lineage and loss curves at "
        f"/training/runs/{run.id}",
    )
