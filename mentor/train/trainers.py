"""TRL's own trainers, set up from a run's options: SFTTrainer, DPOTrainer, RewardTrainer.

Nothing here reimplements training: Mentor chooses the arguments, hands TRL the rows the exports
write, and records what TRL logs. On a machine with a GPU the same arguments run there
(``use_cpu`` is set only when CUDA is absent); ``accelerate launch`` spreads it over several.
"""

from __future__ import annotations

import copy
import importlib
from pathlib import Path
from typing import Any

from mentor.train.options import TrainOptions
from mentor.train.rows import TrainingRows


def device() -> str:
    """Where training runs: ``cuda`` (with the GPU's name) or ``cpu``."""
    import torch

    if torch.cuda.is_available():
        return f"cuda:{torch.cuda.get_device_name(0)}"[:100]
    return "cpu"


def _datasets(rows: TrainingRows) -> tuple[Any, Any]:
    from datasets import Dataset

    def table(found: list[dict[str, Any]]) -> Any:
        if found and not all("margin" in r for r in found):
            found = [{k: v for k, v in r.items() if k != "margin"} for r in found]
        return Dataset.from_list(found) if found else None

    return table(rows.train), table(rows.held_out)


def bf16() -> bool:
    """Whether to train in bfloat16 mixed precision: on a GPU that has it, never on a CPU.

    TRL's configs turn bf16 on by default; on a CPU that means autocast to bfloat16, whose matrix
    products fall back to a scalar loop on CPUs without bfloat16 instructions (most laptops and
    the 2-core machines Mentor is tested on): DPO on SmolLM2 ran 70 s a step instead of a few."""
    import torch

    return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())


def _args(kind: str, options: TrainOptions, out: Path) -> Any:
    import torch

    trl: Any = importlib.import_module("trl")
    common: dict[str, Any] = {
        "output_dir": str(out),
        "num_train_epochs": options.epochs,
        "max_steps": options.max_steps or -1,
        "per_device_train_batch_size": options.batch_size,
        "per_device_eval_batch_size": options.batch_size,
        "gradient_accumulation_steps": options.grad_accum,
        "learning_rate": options.lr(kind),
        "seed": options.seed,
        "data_seed": options.seed,
        "max_length": options.max_length,
        "report_to": [],
        "use_cpu": not torch.cuda.is_available(),
        "bf16": bf16(),
        # TRL turns it on by default to save GPU memory; it recomputes every forward pass, a
        # third more time for nothing on the small models a CPU trains.
        "gradient_checkpointing": options.gradient_checkpointing,
        "save_strategy": "steps",
        "save_steps": options.checkpoint_every,
        "save_total_limit": 2,
        "logging_steps": 1,
        "dataloader_num_workers": 0,
        "disable_tqdm": True,
    }
    if kind == "sft":
        return trl.SFTConfig(**common)
    if kind == "dpo":
        return trl.DPOConfig(beta=options.beta, **common)
    return trl.RewardConfig(**common)


def _lora(kind: str, options: TrainOptions) -> Any:
    if not options.lora:
        return None
    from peft import LoraConfig

    return LoraConfig(
        r=options.lora_r,
        lora_alpha=options.lora_alpha,
        lora_dropout=0.0,
        target_modules="all-linear",
        task_type="SEQ_CLS" if kind == "reward" else "CAUSAL_LM",
    )


def build_trainer(
    kind: str,
    model: Any,
    tokenizer: Any,
    rows: TrainingRows,
    options: TrainOptions,
    out: Path,
    callbacks: list[Any],
) -> Any:
    """The TRL trainer for `kind`, ready to ``train()``."""
    trl: Any = importlib.import_module("trl")

    train, held = _datasets(rows)
    shared: dict[str, Any] = {
        "args": _args(kind, options, out),
        "train_dataset": train,
        "eval_dataset": held,
        "processing_class": tokenizer,
        "callbacks": callbacks,
        "peft_config": _lora(kind, options),
    }
    if kind == "sft":
        trainer = trl.SFTTrainer(model=model, **shared)
    elif kind == "dpo":
        # With LoRA the reference is the model with its adapters off; otherwise a frozen copy
        # (TRL would reload the base by name from the Hub, which does not work offline).
        ref = None if options.lora else copy.deepcopy(model)
        trainer = trl.DPOTrainer(model=model, ref_model=ref, **shared)
    else:
        trainer = trl.RewardTrainer(model=model, **shared)
    # Without tqdm, transformers prints every log entry to stdout; the run records them instead
    # and stdout stays the command's own (``--json``).
    from transformers import PrinterCallback

    trainer.remove_callback(PrinterCallback)
    return trainer


def final_model(trainer: Any) -> Any:
    """The trained model to save: LoRA adapters merged into the base weights."""
    model = trainer.model
    if hasattr(model, "merge_and_unload"):
        model = model.merge_and_unload()
    return model
