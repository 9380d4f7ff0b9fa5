"""Generation speed: `mentor generate` beside a plain `transformers` loop, and its overhead.

    .venv/bin/python benchmarks/generate_speed.py            # 16 prompts x 2 samples, 2 runs
    .venv/bin/python benchmarks/generate_speed.py --record   # also rewrite its RESULTS.md section

Local model: the bundled SmolLM2-135M-Instruct, loaded once in this process (not timed). The
plain loop applies the chat template and calls ``model.generate`` for every prompt and sample
with the parameters Mentor uses (sampling at temperature 0.7, top_p 1, ``max_new_tokens`` 32,
``torch.manual_seed(seed + i)`` before sample i) on the same loaded model; Mentor runs
``ws.generations.run(..., ["smollm2"])`` with the cache off into a SQLite workspace, so it stores
every answer and writes the version. Runs interleave plain and Mentor; the median is reported.
The plain loop runs twice per run: with torch's default thread count and with one thread. All
make the same tokens (same seeds): the new-token counts are reported per run.

Harness overhead: ``mentor generate --provider openai:stub-model@URL --concurrency 32
--no-cache`` end to end (a subprocess, start-up included) and the same number of calls through
``mentor eval run`` at concurrency 32, against ``benchmarks/eval_stub.py`` (an instant
OpenAI-compatible endpoint). The stub's own count and first/last answer times give the calling
phase without start-up.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Final

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.eval_stub import start_stub
from benchmarks.qa_results import machine, rewrite_section

HEADING: Final = "## Generation speed"
MENTOR: Final = Path(sys.executable).parent / "mentor"
TOPICS: Final = (
    "the sea", "a cat", "rain", "coffee", "a library", "trains", "the moon", "bread",
    "a bicycle", "snow", "music", "a garden", "clocks", "bees", "maps", "tea",
)  # fmt: skip


def _prompts(n: int) -> list[dict[str, Any]]:
    return [
        {"id": f"p{i}", "kind": "sft", "messages": [{"role": "user", "content": _ask(i)}]}
        for i in range(n)
    ]


def _ask(i: int) -> str:
    return f"Write one sentence about {TOPICS[i % len(TOPICS)]} ({i})."


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def plain_loop(loaded: Any, rows: list[dict[str, Any]], samples: int, args: Any) -> int:
    """The loop a user would write with transformers alone; returns new tokens made."""
    import torch

    tok, model = loaded.tokenizer, loaded.model
    eos = model.generation_config.eos_token_id
    made = 0
    for row in rows:
        inputs = tok.apply_chat_template(
            row["messages"], add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        for i in range(samples):
            with torch.inference_mode():
                torch.manual_seed(args.seed + i)
                out = model.generate(
                    **inputs,
                    max_new_tokens=args.max_tokens,
                    do_sample=True,
                    temperature=args.temperature,
                    top_p=1.0,
                    pad_token_id=eos,
                )
            made += int(out.shape[1] - inputs["input_ids"].shape[1])
    return made


def local_model(args: Any, work: Path) -> dict[str, Any]:
    """Responses/s of the plain loop and of Mentor on the bundled model (medians of runs)."""
    import torch

    import mentor
    from mentor.generate import GenerateOptions
    from mentor.providers.local import bundled_model_path, load_model

    loaded = load_model(bundled_model_path())
    rows = _prompts(args.prompts)
    ws = mentor.connect(f"sqlite:///{work / 'local.db'}", home=work / "home", user="bench")
    ref = ws.datasets.import_file(_write(work / "prompts.jsonl", rows), "prompts").version.ref
    params = {"temperature": args.temperature, "max_tokens": args.max_tokens}
    plain_loop(loaded, rows[:1], 1, args)  # warm up
    default_threads = torch.get_num_threads()
    plain, single, ours, tokens = [], [], [], []
    for run in range(args.runs):
        started = time.perf_counter()
        plain_tokens = plain_loop(loaded, rows, args.samples, args)
        plain.append(time.perf_counter() - started)
        torch.set_num_threads(1)
        started = time.perf_counter()
        single_tokens = plain_loop(loaded, rows, args.samples, args)
        single.append(time.perf_counter() - started)
        torch.set_num_threads(default_threads)
        started = time.perf_counter()
        result = ws.generations.run(
            ref,
            ["smollm2"],
            samples=args.samples,
            params=params,
            seed=args.seed,
            out=f"run{run}",
            options=GenerateOptions(use_cache=False),
        )
        ours.append(time.perf_counter() - started)
        assert result.version is not None
        mentor_tokens = sum(
            r["completion_tokens"] or 0
            for rec in ws.datasets.records(result.version.ref)
            for r in rec["meta"]["generation"]["responses"]
        )
        tokens.append((plain_tokens, single_tokens, mentor_tokens))
    n = args.prompts * args.samples
    return {
        "responses": n,
        "threads": default_threads,
        "plain_s": statistics.median(plain),
        "single_s": statistics.median(single),
        "single_rps": n / statistics.median(single),
        "mentor_s": statistics.median(ours),
        "plain_rps": n / statistics.median(plain),
        "mentor_rps": n / statistics.median(ours),
        "tokens": tokens,
    }


def _stub_stats(port: int, reset: bool = False) -> dict[str, Any]:
    method = "POST" if reset else "GET"
    url = f"http://127.0.0.1:{port}/{'reset' if reset else 'stats'}"
    with urllib.request.urlopen(
        urllib.request.Request(url, method=method, data=b"" if reset else None)
    ) as r:
        body = r.read()
    return json.loads(body) if body else {}


def _timed(cmd: list[str], env: dict[str, str], port: int) -> dict[str, Any]:
    _stub_stats(port, reset=True)
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed:\n{done.stderr[-2000:]}")
    stats = _stub_stats(port)
    return {"wall_s": wall, "calls": stats["count"], "calling_s": stats["last"] - stats["first"]}


def stub_overhead(args: Any, work: Path) -> dict[str, Any]:
    """`mentor generate` and `mentor eval run` end to end against the instant stub."""
    proc, port = start_stub()
    try:
        url = f"http://127.0.0.1:{port}/v1"
        n = args.stub_prompts
        rows = [
            {"id": f"s{i}", "kind": "sft", "messages": [{"role": "user", "content": f"Say w{i}"}]}
            for i in range(n)
        ]
        prompts = _write(work / "stub-prompts.jsonl", rows)
        suite = _write(
            work / "suite.jsonl",
            [
                {
                    "id": f"c{i}",
                    "prompt": f"Say w{i}",
                    "reference": f"w{i}",
                    "graders": ["exact"],
                }
                for i in range(n * 2)
            ],
        )
        env = {**os.environ, "MENTOR_DB": f"sqlite:///{work / 'stub.db'}", "MENTOR_USER": "bench"}
        subprocess.run(
            [str(MENTOR), "datasets", "import", str(prompts), "--name", "stub"],
            env=env,
            check=True,
            capture_output=True,
        )
        gen = _timed(
            [str(MENTOR), "generate", "stub@v1", "--provider", f"openai:stub-model@{url}",
             "--samples", "2", "--param", "temperature=0.7", "--concurrency", "32", "--no-cache",
             "--json"],
            env,
            port,
        )  # fmt: skip
        ev = _timed(
            [str(MENTOR), "eval", "run", str(suite), "--provider", f"openai:stub-model@{url}",
             "--concurrency", "32", "--no-cache", "--json"],
            env,
            port,
        )  # fmt: skip
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return {"responses": n * 2, "generate": gen, "eval": ev}


def report(local: dict[str, Any], stub: dict[str, Any], args: Any) -> str:
    ratio = local["mentor_s"] / min(local["plain_s"], local["single_s"])
    g, e = stub["generate"], stub["eval"]
    lines = [
        HEADING,
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()} by `benchmarks/generate_speed.py`.",
        "",
        f"Bundled SmolLM2-135M-Instruct on the CPU, {args.prompts} prompts x {args.samples}"
        " samples,"
        f" temperature {args.temperature}, max_new_tokens {args.max_tokens}, median of {args.runs}"
        " interleaved runs (model loaded once, not timed):",
        "",
        "| loop | responses | seconds | responses/s |",
        "|---|---:|---:|---:|",
        f"| plain `transformers` generate loop, torch's default {local['threads']} threads | "
        f"{local['responses']} | {local['plain_s']:.1f} | {local['plain_rps']:.2f} |",
        f"| the same loop, `torch.set_num_threads(1)` | {local['responses']} | "
        f"{local['single_s']:.1f} | {local['single_rps']:.2f} |",
        f"| `ws.generations.run` (stores answers, writes the version) | {local['responses']} | "
        f"{local['mentor_s']:.1f} | {local['mentor_rps']:.2f} |",
        "",
        f"Mentor / fastest plain loop, wall time: {ratio:.2f}x. New tokens (plain, plain 1 thread,"
        f" Mentor) per run: {local['tokens']} (same seeds, same tokens). Mentor generates in a"
        " worker thread, where torch computed as fast as the 1-thread loop here; torch's default"
        " thread pool in the main thread is slower on these 2 shared cores.",
        "",
        f"Harness overhead against the instant stub, {stub['responses']} calls at concurrency 32,"
        " cache off, end to end as a subprocess (start-up included) and the calling phase alone:",
        "",
        "| command | calls | wall s | responses/s (wall) | calling s | responses/s (calling) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, m in (("mentor generate", g), ("mentor eval run (same calls)", e)):
        lines.append(
            f"| {name} | {m['calls']} | {m['wall_s']:.1f} | {m['calls'] / m['wall_s']:.0f} | "
            f"{m['calling_s']:.1f} | {m['calls'] / max(m['calling_s'], 1e-9):.0f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=16)
    parser.add_argument("--samples", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--temperature", type=float, default=0.7)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--stub-prompts", type=int, default=1000)
    parser.add_argument("--record", action="store_true", help="rewrite the RESULTS.md section")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mentor-gen-bench-") as tmp:
        work = Path(tmp)
        stub = stub_overhead(args, work)
        print(json.dumps(stub), flush=True)
        local = local_model(args, work)
    text = report(local, stub, args)
    print(text)
    if args.record:
        rewrite_section(HEADING, text)


if __name__ == "__main__":
    main()
