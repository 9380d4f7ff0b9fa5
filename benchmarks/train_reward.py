"""Reward model lift on real human preferences: SmolLM2-135M + TRL RewardTrainer through
``ws.training.train("reward", ...)`` on HH-RLHF harmless-base pairs, held-out accuracy against
baselines scored on the same held-out pairs in the same run.

    .venv/bin/python benchmarks/train_reward.py --quick     # smoke: ~40 pairs, 3 steps
    .venv/bin/python benchmarks/train_reward.py --record    # the CPU run; rewrites RESULTS.md

The defaults are sized for 2 shared CPU cores (LoRA, 128 tokens, 400 pairs, 1 epoch). On a GPU:
``--max-length 512 --pairs 0 --held-out 0.22 --batch-size 16 --epochs 2 --threads 0`` (all
2,220 pairs that fit 512 tokens: about 1,730 train and 490 held out), and ``--full`` for full
fine-tuning at Mentor's default learning rate.

Pairs: the demo's 2,312 HH-RLHF harmless-base test records whose longer conversation fits
``--max-length`` tokens (TRL's RewardTrainer drops longer rows; keeping only the ones that fit
means the baselines and the model see the same pairs), optionally ``--pairs`` of them drawn with
``--seed``. Split: Mentor's seeded per-record split (``--held-out``, ``--seed``).

Systems, all scored by :func:`mentor.train.preference_eval.preference_accuracy` on the held-out
pairs (a tie is not correct; Wilson 95% interval):

- trained: ``ws.training.evaluate(run_id)`` on the run ``ws.training.train`` made;
- untrained: the base with a fresh score head (``mentor.train.models.load_base``, seeded), saved
  and scored through the same ``RewardScorer`` path;
- shorter answer: prefers the answer with fewer characters;
- embeddings + logistic head: all-MiniLM-L6-v2 (Mentor's ``cluster`` extra) of the last user turn
  and the answer, a logistic regression without intercept on the difference of the two answers'
  embeddings (5-fold CV on the training pairs chooses C and gives the CV accuracy), scored on
  the held-out pairs as ``w . e(answer)``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Final

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.qa_results import load, machine, rewrite_section
from benchmarks.train_common import (
    Clock,
    hh_workspace,
    set_threads,
    smol_tokenizer,
    stamp,
    work_dir,
    write_json,
)

HEADING: Final = "## Training: reward model on HH-RLHF harmless-base"


def _acc(result: Any) -> dict[str, Any]:
    return {
        "n": result.n,
        "correct": result.correct,
        "accuracy": result.accuracy,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "ties": result.ties,
    }


class Shorter:
    """Prefers the shorter answer: the score is minus the last message's length."""

    def scores(self, conversations: Any, tools: Any = None) -> list[float]:
        return [-float(len(str(c[-1]["content"]))) for c in conversations]


def _text(conv: list[dict[str, Any]]) -> str:
    users = [m for m in conv[:-1] if m["role"] == "user"]
    ask = str(users[-1]["content"]) if users else ""
    return f"Human: {ask}\nAssistant: {conv[-1]['content']}"


class Linear:
    """``w . e(text)`` with MiniLM embeddings: the logistic head as a scorer."""

    def __init__(self, weights: Any):
        self.weights = weights

    def scores(self, conversations: Any, tools: Any = None) -> list[float]:
        from mentor.analysis.embeddings import embed

        vectors = embed([_text(c) for c in conversations], embedder="minilm").vectors
        return [float(v) for v in vectors @ self.weights]


def embedding_head(train: list[dict[str, Any]], seed: int) -> tuple[Linear, dict[str, Any]]:
    """Fit the logistic head on the training pairs; (scorer, CV figures)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from mentor.analysis.embeddings import embed

    chosen = [_text([*r["prompt"], *r["chosen"]]) for r in train]
    rejected = [_text([*r["prompt"], *r["rejected"]]) for r in train]
    vec = embed(chosen + rejected, embedder="minilm").vectors
    diff = vec[: len(train)] - vec[len(train) :]
    x = np.concatenate([diff, -diff])
    y = np.concatenate([np.ones(len(train)), np.zeros(len(train))])
    best: tuple[float, float] = (-1.0, 1.0)
    for c in (0.01, 0.1, 1.0, 10.0):
        best = max(best, (_pair_cv(diff, c, seed), c))
    head = LogisticRegression(C=best[1], fit_intercept=False, max_iter=2000).fit(x, y)
    return Linear(head.coef_[0]), {"cv_accuracy": best[0], "C": best[1]}


def _pair_cv(diff: Any, c: float, seed: int) -> float:
    """5-fold CV accuracy over pairs (each fold trains on both signs of its training pairs)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    hits = 0
    for tr, te in KFold(5, shuffle=True, random_state=seed).split(diff):
        x = np.concatenate([diff[tr], -diff[tr]])
        y = np.concatenate([np.ones(len(tr)), np.zeros(len(tr))])
        model = LogisticRegression(C=c, fit_intercept=False, max_iter=2000).fit(x, y)
        hits += int(np.sum(diff[te] @ model.coef_[0] > 0))
    return hits / len(diff)


def untrained_scorer(folder: Path, seed: int) -> Any:
    """The base with a fresh (seeded) score head, saved and loaded as a run's model would be."""
    import torch

    from mentor.train.models import load_base, resolve_base
    from mentor.train.reward import RewardScorer

    torch.manual_seed(seed)
    model, tokenizer = load_base(resolve_base("smollm2"), "reward")
    model.save_pretrained(str(folder), safe_serialization=True)
    tokenizer.save_pretrained(str(folder))
    return RewardScorer(folder)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from mentor.datasets.versions import resolve
    from mentor.train import TrainOptions
    from mentor.train.preference_eval import preference_accuracy
    from mentor.train.rows import training_rows

    work = work_dir("train_reward")
    clock = Clock()
    tok = smol_tokenizer()
    pairs = hh_workspace(work, tok, args.max_length, args.pairs, args.seed)
    ws, engine = pairs.ws, pairs.ws.engine
    with engine.connect() as conn:
        version = resolve(conn, pairs.ref)
    rows = training_rows(engine, version, "reward", seed=args.seed, fraction=args.held_out)
    out: dict[str, Any] = {
        "benchmark": "train_reward",
        "date": stamp(),
        "machine": machine(),
        "load_before": load(),
        "config": vars(args) | {"base": "smollm2", "lora": not args.full},
        "pairs": {"hh_records": pairs.all_pairs, "fit": pairs.fit, "used": pairs.kept},
        "split": {"train": len(rows.train), "held_out": len(rows.held_out)},
        "systems": {},
    }
    split = f"{len(rows.train)} train, {len(rows.held_out)} held out ({clock.s():.0f} s)"
    print(
        f"{pairs.fit} of {pairs.all_pairs} pairs fit {args.max_length} tokens, "
        f"{pairs.kept} used; {split}"
    )
    held = rows.held_out
    systems = out["systems"]
    systems["shorter answer"] = _acc(preference_accuracy(Shorter(), held))
    emb_clock = Clock()
    scorer, cv = embedding_head(rows.train, args.seed)
    systems["MiniLM + logistic head"] = _acc(preference_accuracy(scorer, held)) | cv
    systems["MiniLM + logistic head"]["wall_s"] = emb_clock.s()
    print(json.dumps(systems), flush=True)
    base_clock = Clock()
    systems["untrained (fresh score head)"] = _acc(
        preference_accuracy(untrained_scorer(work / "untrained", args.seed), held)
    ) | {"wall_s": base_clock.s()}
    print(json.dumps(systems["untrained (fresh score head)"]), flush=True)
    write_json("train_reward", out)
    options = TrainOptions(
        epochs=args.epochs,
        max_steps=args.max_steps,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        max_length=args.max_length,
        lora=not args.full,
        lora_r=args.lora_r,
        held_out=args.held_out,
        seed=args.seed,
        checkpoint_every=10**6,
    )
    train_clock = Clock()
    done = ws.training.train("reward", pairs.ref, base="smollm2", out=work / "run", options=options)
    train_wall = train_clock.s()
    eval_clock = Clock()
    evaluation = ws.training.evaluate(done.id)
    systems["trained (mentor train reward)"] = _acc(evaluation.accuracy) | {
        "wall_s": eval_clock.s()
    }
    final = done.final_metrics
    train_ids = set(pairs.tokens) - set(done.split["held_out_ids"])
    tokens = sum(sum(pairs.tokens[i]) for i in train_ids)
    runtime = float(final.get("train_runtime", done.wall_s or train_wall))
    out["compute"] = {
        "train_call_wall_s": train_wall,
        "trainer_train_s": runtime,
        "run_wall_s": done.wall_s,
        "steps": int(final.get("global_step", 0)),
        "train_tokens_per_epoch": tokens,
        "tokens_per_s": tokens * args.epochs / runtime if args.max_steps is None else None,
        "trl_eval_accuracy": final.get("eval_accuracy"),
        "device": done.device,
        "total_wall_s": clock.s(),
    }
    out["run_id"] = done.id
    out["load_after"] = load()
    return out


def table(out: dict[str, Any]) -> str:
    lines = [
        "| system (held-out pairs) | n | accuracy | 95% CI | ties |",
        "|---|---:|---:|---|---:|",
    ]
    for name, s in out["systems"].items():
        ci = f"{s['ci_low']:.3f} to {s['ci_high']:.3f}" if s["ci_low"] is not None else "-"
        extra = f" (5-fold CV on train: {s['cv_accuracy']:.3f})" if "cv_accuracy" in s else ""
        lines.append(f"| {name}{extra} | {s['n']} | {s['accuracy']:.3f} | {ci} | {s['ties']} |")
    return "\n".join(lines)


def about(out: dict[str, Any]) -> str:
    """Date, machine, configuration, pairs and compute, as the RESULTS.md section gives them."""
    c = out["compute"]
    return (
        f"{out['date']}, {out['machine']}, load average {out['load_before']:.1f} before, "
        f"{out['load_after']:.1f} after. Configuration: {json.dumps(out['config'])}. Pairs: "
        f"{out['pairs']}, split {out['split']}. Compute: {c['steps']} steps, trainer.train() "
        f"{c['trainer_train_s']:.0f} s, {c['tokens_per_s'] or 0:.0f} tokens/s, the train call "
        f"{c['train_call_wall_s']:.0f} s, the benchmark {c['total_wall_s']:.0f} s on {c['device']}."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--pairs", type=int, default=400, help="N of the pairs that fit (0: all)")
    parser.add_argument("--held-out", type=float, default=0.25)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--max-steps", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--learning-rate", type=float, default=None, help="default: Mentor's")
    parser.add_argument("--lora-r", type=int, default=16)
    parser.add_argument("--full", action="store_true", help="full fine-tuning instead of LoRA")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (0: default)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 40 pairs, 3 steps")
    parser.add_argument("--record", action="store_true", help="rewrite the RESULTS.md section")
    args = parser.parse_args()
    set_threads(args.threads or None)
    args.pairs = args.pairs or None
    if args.quick:
        args.pairs, args.max_steps, args.max_length, args.held_out = 40, 3, 128, 0.25
    out = run(args)
    print(table(out))
    print(json.dumps(out["compute"], indent=2))
    name = "train_reward_quick" if args.quick else "train_reward"
    print(f"wrote {write_json(name, out)}")
    if args.record and not args.quick:
        rewrite_section(HEADING, f"{HEADING}\n\n{about(out)}\n\n{table(out)}\n")


if __name__ == "__main__":
    main()
