"""`mentor train`: SFT, DPO and reward models with TRL on a dataset version, and their runs."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from mentor.cli import render
from mentor.cli.lineage_tree import print_lift, print_lineage
from mentor.cli.options import Db, Json, workspace
from mentor.train import TrainingRun, TrainOptions

app = typer.Typer(help="Train with TRL on dataset versions; each run is a record with lineage.")

Dataset = Annotated[str, typer.Argument(help="The dataset version to train on, NAME@vN.")]
Base = Annotated[
    str, typer.Option("--base", help="smollm2 (the bundled GGUF), a .gguf file or a HF folder.")
]
Out = Annotated[Path, typer.Option("--out", help="A new folder for checkpoints and the model.")]
Epochs = Annotated[float, typer.Option("--epochs", help="Passes over the training rows.")]
MaxSteps = Annotated[int | None, typer.Option("--max-steps", help="Stop after N optimiser steps.")]
Batch = Annotated[int, typer.Option("--batch-size", help="Rows per device per step.")]
Accum = Annotated[int, typer.Option("--grad-accum", help="Gradient accumulation steps.")]
Lr = Annotated[
    float | None,
    typer.Option("--learning-rate", help="Default: 2e-5 SFT, 5e-6 DPO, 1e-5 reward; 2e-4 LoRA."),
]
MaxLength = Annotated[int, typer.Option("--max-length", help="Tokens per row (longer is cut).")]
Lora = Annotated[bool, typer.Option("--lora", help="Train LoRA adapters, merged when saved.")]
LoraR = Annotated[int, typer.Option("--lora-r", help="LoRA rank.")]
HeldOut = Annotated[
    float, typer.Option("--held-out", help="Fraction of records held out (seeded, per record).")
]
Seed = Annotated[int, typer.Option("--seed", help="Seed of the split, the data order and init.")]
Beta = Annotated[float, typer.Option("--beta", help="DPO's beta (ignored by the others).")]
Limit = Annotated[int | None, typer.Option("--limit", help="Only the first N records.")]
Every = Annotated[int, typer.Option("--checkpoint-every", help="Save a checkpoint every N steps.")]
Checkpointing = Annotated[
    bool,
    typer.Option(
        "--gradient-checkpointing", help="Recompute activations: less memory, about 1/3 slower."
    ),
]
Mlflow = Annotated[
    str | None,
    typer.Option("--mlflow", help="MLflow tracking URI (default: MLFLOW_TRACKING_URI, if set)."),
]
Resume = Annotated[
    bool, typer.Option("--resume", help="Continue the stopped run in --out from its checkpoint.")
]


def _train(
    kind: str, dataset: str, base: str, out: Path, options: TrainOptions, db: str | None, json: bool
) -> None:
    ws = workspace(db)
    with render.progress(f"training {kind} on {dataset}", "steps") as bar:
        run = ws.training.train(kind, dataset, base=base, out=out, options=options, progress=bar)
    if json:
        render.emit_json(_json(run))
        return
    render.success(f"training run {run.id}: {run.kind} on {run.dataset_ref} succeeded")
    _fields(run)


def _command(kind: str, summary: str) -> None:
    def command(
        dataset: Dataset,
        base: Base,
        out: Out,
        epochs: Epochs = 1.0,
        max_steps: MaxSteps = None,
        batch_size: Batch = 8,
        grad_accum: Accum = 1,
        learning_rate: Lr = None,
        max_length: MaxLength = 256,
        lora: Lora = False,
        lora_r: LoraR = 16,
        held_out: HeldOut = 0.1,
        seed: Seed = 0,
        beta: Beta = 0.1,
        limit: Limit = None,
        checkpoint_every: Every = 50,
        gradient_checkpointing: Checkpointing = False,
        mlflow: Mlflow = None,
        resume: Resume = False,
        db: Db = None,
        json: Json = False,
    ) -> None:
        options = TrainOptions(
            epochs=epochs,
            max_steps=max_steps,
            batch_size=batch_size,
            grad_accum=grad_accum,
            learning_rate=learning_rate,
            max_length=max_length,
            lora=lora,
            lora_r=lora_r,
            lora_alpha=2 * lora_r,
            held_out=held_out,
            seed=seed,
            beta=beta,
            limit=limit,
            checkpoint_every=checkpoint_every,
            gradient_checkpointing=gradient_checkpointing,
            mlflow=mlflow,
            resume=resume,
        )
        _train(kind, dataset, base, out, options, db, json)

    command.__doc__ = summary
    app.command(kind)(command)


_command("sft", "Supervised fine-tuning (TRL SFTTrainer) on the SFT chats of a version.")
_command("dpo", "Direct preference optimisation (TRL DPOTrainer) on preference or ranking records.")
_command("reward", "A reward model (TRL RewardTrainer) on preference or ranking records.")


@app.command("runs")
def runs(db: Db = None, json: Json = False) -> None:
    """Every training run, newest first."""
    found = workspace(db).training.runs()
    if json:
        render.emit_json([_json(r) for r in found])
        return
    render.table(
        "training runs",
        ["id", "kind", "dataset", "base", "status", "steps", "wall", "by"],
        [
            (
                r.id,
                r.kind,
                r.dataset_ref,
                r.base_model.get("spec", ""),
                r.status,
                int(r.final_metrics.get("global_step", 0)) or "",
                f"{r.wall_s:.0f} s" if r.wall_s is not None else "",
                r.created_by,
            )
            for r in found
        ],
    )


@app.command("show")
def show(
    run: Annotated[int, typer.Argument(help="The training run id.")],
    db: Db = None,
    json: Json = False,
) -> None:
    """One training run: data, base, parameters, metrics, model, where it was tracked, its
    lineage (project → version → run → model → eval runs) and its lift over the base model."""
    ws = workspace(db)
    found = ws.training.get(run)
    graph, lift = ws.quality.lineage(found.ref), ws.quality.training_lift(run)
    if json:
        extra = {"metrics": ws.training.metrics(run), "lineage": graph, "lift": lift}
        render.emit_json({**_json(found), **extra})
        return
    _fields(found)
    print_lineage(graph)
    print_lift(lift)


@app.command("eval")
def evaluate(
    run: Annotated[int, typer.Argument(help="A reward model's training run id.")],
    on: Annotated[
        str | None,
        typer.Option("--on", help="Version to score (default: the run's own held-out records)."),
    ] = None,
    db: Db = None,
    json: Json = False,
) -> None:
    """Held-out preference accuracy of a reward model, with its 95% interval."""
    result = workspace(db).training.evaluate(run, on)
    if json:
        render.emit_json({**asdict(result), "note": result.note})
        return
    acc = result.accuracy
    render.fields(
        f"reward model of training run {run} on {result.dataset_ref}",
        [
            ("scored", result.note),
            ("accuracy", f"{acc.accuracy:.3f} [{acc.ci_low:.3f}, {acc.ci_high:.3f}] (95% Wilson)"),
            ("pairs", f"{acc.correct} of {acc.n} preferred as people did ({acc.ties} ties)"),
            ("mean margin", f"{acc.mean_margin:.3f}" if acc.mean_margin is not None else "-"),
        ],
    )


def _json(run: TrainingRun) -> dict[str, object]:
    return {**asdict(run), "model_dir": str(run.model_dir), "ref": run.ref}


def _dropped(run: TrainingRun) -> str:
    used = run.final_metrics.get("train_rows_used")
    if used is None or used >= run.split["train_rows"]:
        return ""
    return f"; TRL used {used:.0f} (rows longer than --max-length dropped)"


def _fields(run: TrainingRun) -> None:
    split = run.split
    rows = [
        ("kind", run.kind),
        ("dataset", f"{run.dataset_ref} (content {run.content_hash[:12]})"),
        (
            "split",
            f"{split['train_rows']} rows train, {split['held_out_rows']} held out "
            f"(seed {split['seed']})" + _dropped(run),
        ),
        ("base", f"{run.base_model['spec']} (sha256 {run.base_model['sha256'][:12]})"),
        ("device", run.device),
        ("status", run.status + (f": {run.error}" if run.error else "")),
        ("wall time", f"{run.wall_s:.1f} s" if run.wall_s is not None else "-"),
    ]
    rows += [(k, f"{v:.4g}") for k, v in sorted(run.final_metrics.items())]
    if run.status == "succeeded":
        rows.append(("model", f"{run.model_dir} (weights {str(run.weights_sha256)[:12]})"))
        rows.append(
            (
                "use it",
                f"--provider {run.ref}"
                if run.kind != "reward"
                else f"grader reward, model {run.ref}",
            )
        )
    if run.mlflow:
        rows.append(("mlflow", f"{run.mlflow.get('tracking_uri')} run {run.mlflow.get('run_id')}"))
    render.fields(f"training run {run.id}", rows)
