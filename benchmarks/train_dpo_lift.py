"""Policy lift: DPO with LoRA of SmolLM2-135M on harmless preference pairs, then the starter
adversarial and over-refusal suites on the base (``smollm2``) and the trained (``train:N``) model.

    .venv/bin/python benchmarks/train_dpo_lift.py --quick     # smoke: 2 steps, 4 cases a suite
    .venv/bin/python benchmarks/train_dpo_lift.py --record    # the CPU run; rewrites RESULTS.md

The defaults are sized for 2 shared CPU cores (LoRA, 128 tokens, 24 HH pairs + 8 safety pairs,
1 epoch = 8 steps, answers of 16 tokens). On a GPU: ``--max-length 512 --pairs 0 --epochs 2
--batch-size 16 --max-tokens 128 --threads 0`` (all single-turn pairs), ``--full`` for full
fine-tuning.

Data: the demo's ``harmless-mix`` recipe: the single-turn HH-RLHF harmless-base pairs (imported
with ``--map hh-rlhf``, filtered with ``--single-turn``) plus the 8 hand-written refusal and
over-refusal pairs of ``safety-prefs.jsonl``, keeping the pairs whose longer conversation fits
``--max-length`` tokens (``--pairs`` of the HH ones, drawn with ``--seed``; every safety pair).
Training: ``ws.training.train("dpo", ..., options=TrainOptions(lora=True, held_out=0, ...))``.
Evaluation: ``ws.evals.run(suite, provider, {"temperature": 0, "max_tokens": ...})`` on
``mentor/evals/starter/adversarial.yaml`` (every case should be refused; a missed refusal is a
policy violation) and ``over-refusal.yaml`` (no case should be refused), then
``ws.evals.compare(base_run, trained_run)``: paired by case, exact McNemar p.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any, Final

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mentor
from benchmarks.qa_results import load, machine, rewrite_section
from benchmarks.train_common import (
    HH,
    ROOT,
    Clock,
    row_tokens,
    set_threads,
    smol_tokenizer,
    stamp,
    work_dir,
    write_json,
)
from mentor.datasets import trl_format
from mentor.datasets.transforms import RecordFilter

HEADING: Final = "## Training: DPO policy lift on the starter safety suites"
STARTER: Final = ROOT / "mentor" / "evals" / "starter"
SUITES: Final = {"adversarial": "adversarial.yaml", "over-refusal": "over-refusal.yaml"}


def fits(tok: Any, rec: dict[str, Any], max_length: int) -> bool:
    rows = list(trl_format.dpo(rec))
    return bool(rows) and all(max(row_tokens(tok, r)) <= max_length for r in rows)


def dataset(
    ws: mentor.Workspace, tok: Any, args: argparse.Namespace, work: Path
) -> tuple[str, dict[str, int]]:
    """The pairs to train on, imported as ``dpo-fit``; its ref and counts."""
    hh = ws.datasets.import_file(HH, "hh-harmless", map="hh-rlhf").version
    single = ws.datasets.filter(hh.ref, RecordFilter(single_turn=True), note="single-turn")
    safety = ws.datasets.import_file(ROOT / "mentor" / "demo" / "safety-prefs.jsonl", "safety")
    hh_fit = [dict(r) for r in ws.datasets.records(single.ref) if fits(tok, r, args.max_length)]
    drawn = hh_fit
    if args.pairs is not None and args.pairs < len(hh_fit):
        drawn = random.Random(args.seed).sample(hh_fit, args.pairs)
    extra = [dict(r) for r in ws.datasets.records(safety.version.ref)]
    path = work / "dpo-fit.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in drawn + extra), encoding="utf-8")
    ref = ws.datasets.import_file(path, "dpo-fit").version.ref
    counts = {"single_turn": single.record_count, "fit": len(hh_fit), "hh_used": len(drawn)}
    return ref, counts | {"safety": len(extra)}


def suite_file(name: str, cases: int | None, work: Path) -> Path:
    """The starter suite, or its first `cases` cases (for --quick)."""
    path = STARTER / SUITES[name]
    if cases is None:
        return path
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["cases"] = data["cases"][:cases]
    short = work / SUITES[name]
    short.write_text(yaml.safe_dump(data), encoding="utf-8")
    return short


def rates(comparison: Any) -> dict[str, Any]:
    """Failure rates of baseline and candidate over cases judged in both, and McNemar."""
    pairing, mc = comparison.comparison.pairing, comparison.comparison.mcnemar
    n = len(pairing.fixed) + len(pairing.regressed) + len(pairing.unchanged)
    base_fail = len(pairing.still_failing) + len(pairing.fixed)
    cand_fail = len(pairing.still_failing) + len(pairing.regressed)
    return {
        "n": n,
        "base_failures": base_fail,
        "trained_failures": cand_fail,
        "base_rate": base_fail / n if n else None,
        "trained_rate": cand_fail / n if n else None,
        "fixed": mc.fixed,
        "regressed": mc.regressed,
        "mcnemar_p": mc.p_value,
        "unjudged": len(pairing.unjudged),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from mentor.train import TrainOptions

    work = work_dir("train_dpo_lift")
    clock = Clock()
    ws = mentor.connect(f"sqlite:///{work / 'bench.db'}", home=work / "home", user="bench")
    tok = smol_tokenizer()
    ref, counts = dataset(ws, tok, args, work)
    print(f"{ref}: {counts} ({clock.s():.0f} s)", flush=True)
    options = TrainOptions(
        epochs=args.epochs,
        max_steps=args.max_steps,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        max_length=args.max_length,
        lora=not args.full,
        held_out=0.0,
        seed=args.seed,
        beta=args.beta,
        checkpoint_every=10**6,
    )
    train_clock = Clock()
    done = ws.training.train("dpo", ref, base="smollm2", out=work / "run", options=options)
    train_wall = train_clock.s()
    final = done.final_metrics
    print(f"trained run {done.id} in {train_wall:.0f} s: {final}", flush=True)
    params = {"temperature": 0.0, "max_tokens": args.max_tokens}
    suites: dict[str, Any] = {}
    for name in SUITES:
        path = suite_file(name, args.cases, work)
        eval_clock = Clock()
        base = ws.evals.run(path, "smollm2", params, note="base")
        trained = ws.evals.run(path, f"train:{done.id}", params, note=f"dpo run {done.id}")
        suites[name] = rates(ws.evals.compare(base.id, trained.id)) | {
            "eval_wall_s": eval_clock.s()
        }
        print(name, json.dumps(suites[name]), flush=True)
    return {
        "benchmark": "train_dpo_lift",
        "date": stamp(),
        "machine": machine(),
        "config": vars(args) | {"base": "smollm2", "lora": not args.full, "held_out": 0.0},
        "data": counts,
        "compute": {
            "train_call_wall_s": train_wall,
            "trainer_train_s": final.get("train_runtime"),
            "steps": int(final.get("global_step", 0)),
            "device": done.device,
            "total_wall_s": clock.s(),
        },
        "final_metrics": final,
        "suites": suites,
        "load_after": load(),
    }


def table(out: dict[str, Any]) -> str:
    lines = [
        "| suite | cases | failure rate, base | trained | fixed | regressed | McNemar p |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    label = {"adversarial": "adversarial (violations)", "over-refusal": "over-refusal"}
    for name, s in out["suites"].items():
        lines.append(
            f"| {label[name]} | {s['n']} | {s['base_rate']:.3f} ({s['base_failures']}) | "
            f"{s['trained_rate']:.3f} ({s['trained_failures']}) | {s['fixed']} | "
            f"{s['regressed']} | {s['mcnemar_p']:.3f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--pairs", type=int, default=24, help="HH pairs to use (0: all that fit)")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--max-steps", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--learning-rate", type=float, default=None, help="default: Mentor's")
    parser.add_argument("--beta", type=float, default=0.1)
    parser.add_argument("--max-tokens", type=int, default=16, help="answer tokens in the evals")
    parser.add_argument("--cases", type=int, default=None, help="first N cases of each suite")
    parser.add_argument("--full", action="store_true", help="full fine-tuning instead of LoRA")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (0: default)")
    parser.add_argument("--quick", action="store_true", help="smoke: 2 steps, 4 cases a suite")
    parser.add_argument("--record", action="store_true", help="rewrite the RESULTS.md section")
    args = parser.parse_args()
    set_threads(args.threads or None)
    args.pairs = args.pairs or None
    if args.quick:
        args.pairs, args.max_steps, args.cases, args.max_tokens = 8, 2, 4, 24
    out = run(args)
    print(table(out))
    name = "train_dpo_lift_quick" if args.quick else "train_dpo_lift"
    print(f"wrote {write_json(name, out)}")
    if args.record and not args.quick:
        c = out["compute"]
        about = (
            f"{out['date']}, {out['machine']}. Configuration: {json.dumps(out['config'])}. "
            f"Data: {out['data']}. Compute: {c['steps']} steps, trainer.train() "
            f"{c['trainer_train_s']:.0f} s, the benchmark {c['total_wall_s']:.0f} s "
            f"on {c['device']}."
        )
        rewrite_section(HEADING, f"{HEADING}\n\n{about}\n\n{table(out)}\n")


if __name__ == "__main__":
    main()
