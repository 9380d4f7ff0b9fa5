"""Training overhead: ``ws.training.train("reward", ...)`` (what ``mentor train reward`` calls)
against the same TRL RewardTrainer built by hand with identical arguments on the same rows.

    .venv/bin/python benchmarks/train_overhead.py --quick    # smoke: 3 steps, 1 run each
    .venv/bin/python benchmarks/train_overhead.py --record   # 20 steps, median of 3 runs each

Both sides, in one process, after one untimed one-step warm-up (imports, first calls),
alternating which goes first in each run:

- Mentor: ``ws.training.train("reward", "hh-fit@v1", base="smollm2", out=..., options=...)``:
  resolves and hashes the base, reads the rows, loads the GGUF, opens the run record, trains
  (metrics recorded per step), evaluates on the held-out rows, merges LoRA, saves, hashes the
  weights and closes the record.
- Direct: the rows from ``mentor.train.rows.training_rows`` (same seed and split), the model from
  ``mentor.train.models.load_base`` (the same GGUF load a user needs without Mentor), a
  ``trl.RewardConfig`` written out here (checked equal to the one Mentor builds), a
  ``peft.LoraConfig``, ``trl.RewardTrainer(...)``, ``train()``, ``evaluate()``,
  ``merge_and_unload()`` and ``save_pretrained`` of model and tokenizer.

Base: ``--base tiny`` (default; a 4-layer, width-256 Llama with SmolLM2's tokenizer, random
weights, saved as a model folder: steps are quick, so Mentor's fixed costs weigh the most) or
``--base smollm2`` (the bundled GGUF). Wall seconds and CPU seconds (this process; the trainers
use no worker processes) of the whole call, and wall seconds of ``trainer.train()`` alone (TRL's
``train_runtime``). On a shared machine the CPU seconds are the steadier figure.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Final

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.qa_results import load, machine, rewrite_section
from benchmarks.train_common import (
    hh_workspace,
    set_threads,
    smol_tokenizer,
    stamp,
    work_dir,
    write_json,
)

HEADING: Final = "## Training: overhead of mentor train"


def trl_config(options: Any, out: Path) -> Any:
    """The RewardConfig for `options`, written out as a user would (no Mentor code)."""
    import torch
    import trl

    return trl.RewardConfig(
        output_dir=str(out),
        num_train_epochs=options.epochs,
        max_steps=options.max_steps or -1,
        per_device_train_batch_size=options.batch_size,
        per_device_eval_batch_size=options.batch_size,
        gradient_accumulation_steps=options.grad_accum,
        learning_rate=options.lr("reward"),
        seed=options.seed,
        data_seed=options.seed,
        max_length=options.max_length,
        report_to=[],
        use_cpu=not torch.cuda.is_available(),
        bf16=torch.cuda.is_available() and torch.cuda.is_bf16_supported(),  # float32 on a CPU
        gradient_checkpointing=options.gradient_checkpointing,
        save_strategy="steps",
        save_steps=options.checkpoint_every,
        save_total_limit=2,
        logging_steps=1,
        dataloader_num_workers=0,
        disable_tqdm=True,
    )


def check_identical(options: Any, out: Path) -> None:
    """Stop unless the config here equals the one Mentor builds (output folder aside)."""
    from mentor.train.trainers import _args

    ours = trl_config(options, out).to_dict()
    theirs = _args("reward", options, out).to_dict()
    differ = {k for k in ours.keys() | theirs.keys() if ours.get(k) != theirs.get(k)}
    assert not differ, f"configs differ in {sorted(differ)}"


def tiny_base(folder: Path, tok: Any) -> Path:
    """A small Llama (4 layers, width 256) with SmolLM2's tokenizer, saved as a model folder."""
    import transformers

    config = transformers.LlamaConfig(
        vocab_size=len(tok),
        hidden_size=256,
        intermediate_size=512,
        num_hidden_layers=4,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=512,
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
    )
    transformers.set_seed(0)
    transformers.LlamaForCausalLM(config).save_pretrained(str(folder))
    tok.save_pretrained(str(folder))
    return folder


def direct(ws: Any, ref: str, base: str, options: Any, out: Path) -> tuple[float, float]:
    """TRL alone: (wall s of the whole, trainer.train() s)."""
    import trl
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import PrinterCallback

    from mentor.datasets.versions import resolve
    from mentor.train.models import load_base, resolve_base
    from mentor.train.rows import training_rows

    started = time.perf_counter()
    with ws.engine.connect() as conn:
        version = resolve(conn, ref)
    rows = training_rows(ws.engine, version, "reward", seed=options.seed, fraction=options.held_out)
    model, tokenizer = load_base(resolve_base(base), "reward")
    lora = LoraConfig(
        r=options.lora_r,
        lora_alpha=options.lora_alpha,
        lora_dropout=0.0,
        target_modules="all-linear",
        task_type="SEQ_CLS",
    )
    trainer = trl.RewardTrainer(
        model=model,
        args=trl_config(options, out),
        train_dataset=Dataset.from_list(rows.train),
        eval_dataset=Dataset.from_list(rows.held_out),
        processing_class=tokenizer,
        peft_config=lora,
    )
    trainer.remove_callback(PrinterCallback)
    result = trainer.train()
    trainer.evaluate()
    merged = trainer.model.merge_and_unload()
    merged.save_pretrained(str(out / "model"), safe_serialization=True)
    tokenizer.save_pretrained(str(out / "model"))
    return time.perf_counter() - started, float(result.metrics["train_runtime"])


def mentor(ws: Any, ref: str, base: str, options: Any, out: Path) -> tuple[float, float]:
    """Mentor: (wall s of ws.training.train, trainer.train() s)."""
    started = time.perf_counter()
    done = ws.training.train("reward", ref, base=base, out=out, options=options)
    wall = time.perf_counter() - started
    return wall, float(done.final_metrics["train_runtime"])


def run(args: argparse.Namespace) -> dict[str, Any]:
    from mentor.train import TrainOptions

    work = work_dir("train_overhead")
    tok = smol_tokenizer()
    pairs = hh_workspace(work, tok, args.max_length, args.pairs, args.seed)
    base = "smollm2" if args.base == "smollm2" else str(tiny_base(work / "tiny-base", tok))
    options = TrainOptions(
        max_steps=args.steps,
        batch_size=args.batch_size,
        max_length=args.max_length,
        lora=True,
        held_out=args.held_out,
        seed=args.seed,
    )
    check_identical(options, work / "check")
    # One untimed step first, so that neither side pays the one-off imports and first calls.
    direct(pairs.ws, pairs.ref, base, dataclasses.replace(options, max_steps=1), work / "warm")
    times: dict[str, list[tuple[float, float, float]]] = {"mentor": [], "direct": []}
    for i in range(args.runs):
        order = ("mentor", "direct") if i % 2 == 0 else ("direct", "mentor")
        for side in order:
            call = mentor if side == "mentor" else direct
            cpu = time.process_time()
            wall, train_s = call(pairs.ws, pairs.ref, base, options, work / f"{side}-{i}")
            took = (wall, train_s, time.process_time() - cpu)
            times[side].append(took)
            print(f"run {i} {side}: {wall:.1f} s, CPU {took[2]:.1f} s (train() {train_s:.1f} s)")
    med = {k: [statistics.median(t[j] for t in v) for j in range(3)] for k, v in times.items()}
    return {
        "benchmark": "train_overhead",
        "date": stamp(),
        "machine": machine(),
        "load_before_after": None,
        "config": vars(args) | {"lora": True, "trainer": "reward"},
        "pairs": {"fit": pairs.kept},
        "runs": times,
        "median_wall_s": {k: v[0] for k, v in med.items()},
        "median_train_s": {k: v[1] for k, v in med.items()},
        "median_cpu_s": {k: v[2] for k, v in med.items()},
        "ratio_wall": med["mentor"][0] / med["direct"][0],
        "ratio_cpu": med["mentor"][2] / med["direct"][2],
        "ratio_train": med["mentor"][1] / med["direct"][1],
        "load_after": load(),
    }


def table(out: dict[str, Any]) -> str:
    rows = [
        "| side | runs: wall s (CPU s) | median wall s | median CPU s | median train() s |",
        "|---|---|---:|---:|---:|",
    ]
    for side in ("mentor", "direct"):
        runs = ", ".join(f"{t[0]:.1f} ({t[2]:.1f})" for t in out["runs"][side])
        rows.append(
            f"| {side} | {runs} | {out['median_wall_s'][side]:.1f} | "
            f"{out['median_cpu_s'][side]:.1f} | {out['median_train_s'][side]:.1f} |"
        )
    rows.append(
        f"| Mentor / direct | | {out['ratio_wall']:.3f}x | {out['ratio_cpu']:.3f}x "
        f"| {out['ratio_train']:.3f}x |"
    )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", choices=("tiny", "smollm2"), default="tiny")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--pairs", type=int, default=120)
    parser.add_argument("--held-out", type=float, default=0.2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (0: default)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 steps, 1 run each")
    parser.add_argument("--record", action="store_true", help="rewrite the RESULTS.md section")
    args = parser.parse_args()
    set_threads(args.threads or None)
    if args.quick:
        args.steps, args.runs, args.pairs, args.batch_size = 3, 1, 40, 4
    before = load()
    out = run(args)
    out["load_before_after"] = [before, out.pop("load_after")]
    print(f"wrote {write_json('train_overhead_quick' if args.quick else 'train_overhead', out)}")
    print(table(out))
    if args.record and not args.quick:
        about = (
            f"{out['date']}, {out['machine']}, load average {out['load_before_after']}. "
            f"Configuration: {json.dumps(out['config'])}."
        )
        rewrite_section(HEADING, f"{HEADING}\n\n{about}\n\n{table(out)}\n")
    print(json.dumps({"ratio_wall": out["ratio_wall"], "ratio_cpu": out["ratio_cpu"]}))


if __name__ == "__main__":
    main()
