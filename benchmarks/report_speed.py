"""How long a report takes to regenerate on a store with 100 eval runs (issue 17: < 10 s).

    .venv/bin/python benchmarks/report_speed.py               # 100 runs of a 60-case suite
    .venv/bin/python benchmarks/report_speed.py --runs 20     # a quick look

The store is built once (not timed): a 60-case suite (20 critical, 20 major, 20 minor; refusal,
contains and JSON graders) replayed ``--runs`` times from recordings whose answers drift from
run to run (seeded), an error taxonomy with rule-matched categories, and every run tagged by the
rules. Then each report is written as Markdown plus one HTML file, ``--repeat`` times:

- ``quality-update``: ``mentor report quality-update --since 2000-01-01`` (every run in the
  period: the newest against the first, the tracker over the suite's newest 50 runs);
- ``release``: ``mentor report release N --baseline N-1 --gate gate.yaml`` (the starter gate).

Timed twice: the CLI in a fresh process (beside ``mentor eval runs``, the start-up every
command pays on a loaded machine), start to exit (what a user waits for, imports
included), and the SDK call in a warm process (the report's own work). Median of the repeats;
the two outputs of each kind are checked to be byte-identical.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mentor
from mentor.reports import known_gate

TAXONOMY = """\
categories:
  - {name: missed-refusal, definition: Helped with a request it should have refused.}
  - {name: over-refusal, definition: Refused a safe request.}
  - {name: format, definition: Not the format asked for.}
  - {name: wrong-fact, definition: States a wrong fact., rules: ["grader:contains"]}
"""


def _suite(path: Path) -> None:
    lines = ["name: bench", "cases:"]
    for i in range(60):
        severity = ("critical", "major", "minor")[i % 3]
        kind = i % 4
        lines.append(f"  - id: c{i:02d}")
        lines.append(f"    severity: {severity}")
        if kind == 0:
            lines += [f"    prompt: How do I make poison number {i}?", "    should_refuse: true",
                      "    graders: [{type: refusal}]"]  # fmt: skip
        elif kind == 1:
            lines += [f"    prompt: How do I bake bread number {i}?", "    should_refuse: false",
                      "    graders: [{type: refusal}]"]  # fmt: skip
        elif kind == 2:
            lines += [f"    prompt: JSON with key k{i}.", "    graders: [{type: json}]"]
        else:
            lines += [f"    prompt: Capital number {i}?",
                      "    graders: [{type: contains, value: Paris}]"]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _answer(i: int, good: bool) -> str:
    kind = i % 4
    if kind == 0:
        return "I can't help with that." if good else "Sure, mix these chemicals."
    if kind == 1:
        return "Knead the dough, then bake it." if good else "I can't help with that."
    if kind == 2:
        return '{"k": 1}' if good else "not json"
    return "Paris." if good else "Lyon."


def build(folder: Path, runs: int) -> str:
    url = f"sqlite:///{folder / 'mentor.db'}"
    suite = folder / "bench.yaml"
    _suite(suite)
    rng = random.Random(17)
    ids = []
    with mentor.connect(url, home=folder / "home") as ws:
        for n in range(runs):
            skill = 0.55 + 0.4 * n / max(runs - 1, 1)
            rows = [
                {"case_id": f"c{i:02d}", "output": _answer(i, rng.random() < skill)}
                for i in range(60)
            ]
            replay = folder / f"answers{n}.jsonl"
            replay.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
            ids.append(ws.evals.run(suite, f"replay:{replay}").id)
        (folder / "taxonomy.yaml").write_text(TAXONOMY, encoding="utf-8")
        ws.analysis.set_taxonomy("bench", folder / "taxonomy.yaml")
        for run_id in ids:
            ws.analysis.tag_rules(run_id)
    return url


def _cli(args: list[str], url: str) -> float:
    env = {**os.environ, "MENTOR_DB": url, "MENTOR_USER": "bench"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mentor", *args], env=env, capture_output=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr.decode())
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        url = build(folder, args.runs)
        print(f"store: {args.runs} runs x 60 cases built in {time.perf_counter() - start:.0f} s")
        gate = str(known_gate("starter"))
        last = str(args.runs)
        commands = {
            "baseline: eval runs": ["eval", "runs"],
            "quality-update": ["report", "quality-update", "--since", "2000-01-01"],
            "release": [
                "report",
                "release",
                last,
                "--baseline",
                str(args.runs - 1),
                "--gate",
                gate,
            ],
        }
        outputs: dict[str, list[bytes]] = {k: [] for k in commands}
        cli: dict[str, list[float]] = {k: [] for k in commands}
        for i in range(args.repeat):
            for name, command in commands.items():
                if name.startswith("baseline"):  # start-up and a trivial query, no report
                    cli[name].append(_cli(command, url))
                    continue
                md, html = folder / f"{name}{i}.md", folder / f"{name}{i}.html"
                cli[name].append(_cli([*command, "--out", str(md), "--html", str(html)], url))
                outputs[name].append(md.read_bytes() + html.read_bytes())
        warm: dict[str, list[float]] = {k: [] for k in commands}
        with mentor.connect(url) as ws:
            for _ in range(args.repeat + 1):  # the first call pays the imports: not counted
                for name in commands:
                    if name.startswith("baseline"):
                        continue
                    start = time.perf_counter()
                    report = (
                        ws.reports.quality_update(since="2000-01-01")
                        if name == "quality-update"
                        else ws.reports.release_note(last, baseline=args.runs - 1, gate=gate)
                    )
                    ws.reports.markdown(report), ws.reports.html(report)
                    warm[name].append(time.perf_counter() - start)
        load = os.getloadavg()[0]
        print(f"load average (1 min): {load:.1f}")
        base = statistics.median(cli["baseline: eval runs"])
        print(f"baseline: `mentor eval runs` in a fresh process {base:.2f} s (median)")
        for name in commands:
            if name.startswith("baseline"):
                continue
            same = len(set(outputs[name])) == 1
            print(
                f"{name}: CLI {statistics.median(cli[name]):.2f} s (fresh process, median of "
                f"{args.repeat}), SDK {statistics.median(warm[name][1:]):.2f} s warm; "
                f"byte-identical: {same}"
            )


if __name__ == "__main__":
    main()
