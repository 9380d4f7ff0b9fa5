"""Calibrate the SmolLM2 log-probability pairwise judge against people's choices on HH-RLHF.

The harmless-base test split in ``mentor/demo`` holds pairs of conversations that share a prompt
and differ in the final Assistant turn; people preferred ``chosen``. A seeded sample of pairs is
judged by the bundled SmolLM2 scoring P("A") / P("B") in both orders
(:class:`~mentor.judges.choice_scoring.ChoicePairwiseJudge`); which answer is shown as "a" is
randomised per pair with the seed, so people's choice is not always "a". The figures come from
:func:`mentor.judges.calibration_stats.pairwise_bias` (per-order verdicts: agreement, kappa,
flip rate, first-position rate, length bias, with bootstrap CIs) plus the agreement of the
order-averaged probability verdict, which is what the grader reports.

    .venv/bin/python -m benchmarks.judge_calibration_hh [--n 100] [--seed 0] [--record]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.qa_results import load, machine, rewrite_section
from mentor.datasets.maps import hh_rlhf
from mentor.judges.calibration_stats import (
    Estimate,
    PairVerdict,
    PairwiseBias,
    Verdict,
    label_agreement,
    pairwise_bias,
)
from mentor.judges.choice_scoring import TIE_MARGIN, ChoicePairwiseJudge, verdict_of
from mentor.providers.local import SmolLM2Provider, bundled_model_path, load_model

DATA = Path(__file__).resolve().parents[1] / "mentor/demo/hh-rlhf-harmless-base-test.jsonl.gz"
HEADING = "## Judge calibration: SmolLM2 log-probability pairwise judge on HH-RLHF"
CRITERIA = "harmlessness first, then helpfulness"
Pairs = list[tuple[str, list[dict[str, Any]], str, str, Verdict]]  # item, prompt, a, b, people


@dataclass(frozen=True)
class Judged:
    """One pair: what people chose, the judge's per-order probabilities and its verdicts."""

    item: str
    a: str
    b: str
    pair: PairVerdict
    p_a_forward: float
    p_a_backward: float
    winner: str  # the order-averaged verdict


def sample_pairs(n: int, seed: int) -> Pairs:
    """`n` seeded pairs: (file line, prompt messages, answer a, answer b, people's verdict)."""
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    rng = random.Random(seed)
    out: Pairs = []
    for index in rng.sample(range(len(rows)), min(n, len(rows))):
        record = hh_rlhf(rows[index])
        chosen = "\n\n".join(m["content"] for m in record["chosen"])
        rejected = "\n\n".join(m["content"] for m in record["rejected"])
        if rng.random() < 0.5:
            out.append((f"line-{index + 1}", record["prompt"], chosen, rejected, "a"))
        else:
            out.append((f"line-{index + 1}", record["prompt"], rejected, chosen, "b"))
    return out


async def judge_all(pairs: Pairs) -> list[Judged]:
    judge = ChoicePairwiseJudge(SmolLM2Provider(), CRITERIA)
    out = []
    for i, (item, prompt, a, b, human) in enumerate(pairs, start=1):
        v = await judge.judge(prompt, a, b)
        if v.state != "graded" or v.p_a_forward is None or v.p_a_backward is None:
            raise SystemExit(f"pair {i}: the judge failed: {v.reason}")
        pair = PairVerdict(human, v.forward, v.backward, len(a), len(b))
        out.append(Judged(item, a, b, pair, v.p_a_forward, v.p_a_backward, v.winner or "tie"))
        if i % 10 == 0:
            print(f"  {i}/{len(pairs)} judged", flush=True)
    return out


def ci(e: Estimate, pct: bool = True) -> str:
    if math.isnan(e.value):
        return f"undefined ({e.reason})"
    if pct:
        return f"{e.value:.1%} [{e.low:.1%}, {e.high:.1%}]"
    return f"{e.value:+.3f} [{e.low:+.3f}, {e.high:+.3f}]"


def report(judged: list[Judged], bias: PairwiseBias, seconds: float, seed: int) -> str:
    n = len(judged)
    human = [j.pair.human for j in judged]
    averaged = label_agreement(human, [j.winner for j in judged], labels=("a", "b", "tie"))
    signs = [verdict_of((j.p_a_forward + j.p_a_backward) / 2, 0.0) for j in judged]
    by_sign = label_agreement(human, signs, labels=("a", "b", "tie"))
    p_chosen = [j.p_a_forward if j.pair.human == "a" else 1 - j.p_a_forward for j in judged]
    p_chosen_avg = [
        (j.p_a_forward + j.p_a_backward) / 2
        if j.pair.human == "a"
        else 1 - (j.p_a_forward + j.p_a_backward) / 2
        for j in judged
    ]
    p_first = [(j.p_a_forward + (1 - j.p_a_backward)) / 2 for j in judged]
    decided = [j for j in judged if j.winner != "tie"]
    right = sum(1 for j in decided if j.winner == j.pair.human)
    a = bias.agreement
    lines = [
        HEADING,
        "",
        f"{n} pairs drawn with seed {seed} from `mentor/demo/hh-rlhf-harmless-base-test.jsonl.gz`"
        " (people preferred `chosen`; which answer is shown as a is randomised per pair), judged"
        f' by the bundled SmolLM2-135M-Instruct scoring P("A")/P("B") in both orders'
        f" (`mentor.judges.choice_scoring`, tie margin {TIE_MARGIN}). {seconds:.0f} s on"
        f" {machine()}, load {load():.1f}. Reproduce: `.venv/bin/python -m"
        f" benchmarks.judge_calibration_hh --n {n} --seed {seed} --record`.",
        "",
        "| figure (95% bootstrap CI) | value |",
        "|---|---|",
        f"| accuracy vs people, per-order verdicts combined (flips = tie) | {ci(a.accuracy)} |",
        f"| Cohen's kappa, same | {ci(a.kappa, pct=False)} |",
        f"| flip rate (verdict changes when the answers swap places) | {ci(bias.flip_rate)} |",
        f"| first-position rate (of single verdicts naming a winner) | "
        f"{ci(bias.first_position_rate)}, binomial p = {bias.first_position_p:.2g} |",
        f"| tie rate (single verdicts within the margin) | {ci(bias.tie_rate)} |",
        f"| length bias: P(judge prefers longer) - P(people do) | {ci(bias.length_bias, False)} |",
        f"| accuracy of the order-averaged verdict (what the grader reports) | "
        f"{ci(averaged.accuracy)} |",
        f"| kappa of the order-averaged verdict | {ci(averaged.kappa, pct=False)} |",
        f"| order-averaged verdicts that are ties | {n - len(decided)} of {n} |",
        f"| accuracy of the order-averaged probability's side of 0.5 (no margin) | "
        f"{ci(by_sign.accuracy)} |",
        f"| accuracy of the non-tie order-averaged verdicts | {right} of {len(decided)} |",
        f"| mean P(people's choice wins), one order / order-averaged | "
        f"{sum(p_chosen) / n:.3f} / {sum(p_chosen_avg) / n:.3f} |",
        f"| mean P(first-shown answer wins) | {sum(p_first) / n:.3f} |",
        "",
    ]
    return "\n".join(lines)


def write_verdicts(judged: list[Judged], path: Path) -> None:
    """A pairwise verdict file (docs/judges.md) for `mentor judges calibrate --against FILE`."""
    with path.open("w", encoding="utf-8") as fh:
        for j in judged:
            row = {"item": j.item, "a": j.a, "b": j.b, "human": j.pair.human}
            verdicts = {"verdict_ab": j.pair.forward, "verdict_ba": j.pair.backward}
            fh.write(json.dumps({**row, **verdicts, "judge": "smollm2-logprobs"}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100, help="pairs to judge (default 100, ~10 min)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--record", action="store_true", help="rewrite the RESULTS.md section")
    parser.add_argument("--verdicts", type=Path, help="also write the verdicts to this JSONL file")
    args = parser.parse_args()
    pairs = sample_pairs(args.n, args.seed)
    load_model(bundled_model_path())  # ~30 s, not part of the judging time
    started = time.perf_counter()
    judged = asyncio.run(judge_all(pairs))
    seconds = time.perf_counter() - started
    bias = pairwise_bias([j.pair for j in judged], seed=args.seed)
    text = report(judged, bias, seconds, args.seed)
    print(text)
    if args.record:
        rewrite_section(HEADING, text)
    if args.verdicts:
        write_verdicts(judged, args.verdicts)


if __name__ == "__main__":
    main()
