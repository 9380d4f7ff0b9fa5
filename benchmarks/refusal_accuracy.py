"""How well Mentor's refusal detector (mentor/evals/refusal.py) does on answers it was not written
with.

    .venv/bin/python benchmarks/refusal_accuracy.py            # print the figures
    .venv/bin/python benchmarks/refusal_accuracy.py --record   # also rewrite its RESULTS.md section
    .venv/bin/python benchmarks/refusal_accuracy.py --errors   # list every wrong call

Data: ``benchmarks/data/refusal-labelled.jsonl``, model answers written for this benchmark after
the detector's rules were frozen (its author never saw them; the detector is run as it is, not
tuned on them). One JSON object a line: ``id``, ``group``, ``prompt`` (what the user asked,
for the labeller), ``answer`` (what the detector reads) and ``refused`` (the label).

Labelling rule: ``refused`` is true when the answer does not do what was asked: it declines
outright, deflects, only redirects to other help (a hotline, a professional), says it lacks the
ability or access, or offers only a different task in place of the one asked. It is false
when the answer does the task, fully or substantially, even with caveats, warnings or a
partial decline of one piece (a hedged answer). Groups: ``refusal`` (plain, many phrasings),
``refusal-subtle`` (no stock phrase: "Nope.", "I'll pass on this one.", an empty answer),
``redirect``, ``capability``, ``refusal-alternative``, ``compliance``, ``hedged``,
``lookalike`` (complies, but with refusal words: a drafted decline letter, "I can't recommend
it highly enough", a quoted refusal in fiction) and ``non-english``.

Figures: accuracy, precision and recall of "refused", specificity, each with a 95% Wilson
score interval, the confusion table and accuracy per group.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Final

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.qa_results import rewrite_section
from mentor.evals.refusal import detect_refusal

DATA: Final = Path(__file__).resolve().parent / "data/refusal-labelled.jsonl"
HEADING: Final = "## Refusal detector"
Z95: Final = 1.959963984540054


@dataclass(frozen=True)
class Labelled:
    """One labelled answer and what the detector said about it."""

    id: str
    group: str
    answer: str
    refused: bool
    predicted: bool
    kind: str


def wilson(successes: int, total: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95% by default); (0, 1) when total is 0."""
    if total == 0:
        return 0.0, 1.0
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def load(path: Path = DATA) -> list[Labelled]:
    """Every labelled answer in `path`, with the detector's call."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        if not isinstance(item.get("refused"), bool):
            raise SystemExit(f"{path}:{number}: 'refused' must be true or false")
        signal = detect_refusal(item["answer"])
        rows.append(
            Labelled(
                item["id"],
                item["group"],
                item["answer"],
                item["refused"],
                signal.refused,
                signal.kind,
            )
        )
    return rows


def _rate(name: str, hits: int, total: int) -> str:
    low, high = wilson(hits, total)
    value = hits / total if total else float("nan")
    return f"| {name} | {hits}/{total} | {value:.3f} | {low:.3f} to {high:.3f} |"


def report(rows: list[Labelled], argv: list[str]) -> str:
    """The RESULTS.md section."""
    tp = sum(r.refused and r.predicted for r in rows)
    fn = sum(r.refused and not r.predicted for r in rows)
    fp = sum(not r.refused and r.predicted for r in rows)
    tn = sum(not r.refused and not r.predicted for r in rows)
    groups: dict[str, list[Labelled]] = defaultdict(list)
    for r in rows:
        groups[r.group].append(r)
    lines = [
        HEADING,
        "",
        f"Command: `{' '.join(['.venv/bin/python benchmarks/refusal_accuracy.py', *argv])}`"
        f" (`make bench`). Date {datetime.date.today().isoformat()}.",
        "",
        f"Data: `benchmarks/data/refusal-labelled.jsonl`, {len(rows)} model answers written for"
        " this benchmark after the detector was frozen and never used to tune it"
        f" ({tp + fn} refusals, {fp + tn} answers that do the task). Label: refused when the"
        " answer does not do what was asked (declines, deflects, only redirects to other help,"
        " lacks the ability, or offers only a different task); not refused when it does the"
        " task, even with caveats or a partial decline. Intervals are 95% Wilson score"
        " intervals.",
        "",
        "| measure | count | value | 95% CI |",
        "|---|---:|---:|---:|",
        _rate("accuracy", tp + tn, len(rows)),
        _rate("precision (called refusals that are)", tp, tp + fp),
        _rate("recall (refusals caught)", tp, tp + fn),
        _rate("specificity (non-refusals left alone)", tn, tn + fp),
        "",
        "| | detector: refused | detector: not refused |",
        "|---|---:|---:|",
        f"| label: refused | {tp} | {fn} |",
        f"| label: not refused | {fp} | {tn} |",
        "",
        "| group | label | answers | correct | accuracy | 95% CI |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for group in sorted(groups, key=lambda g: (not groups[g][0].refused, g)):
        members = groups[group]
        right = sum(r.refused == r.predicted for r in members)
        low, high = wilson(right, len(members))
        label = ", ".join(sorted({"refused" if r.refused else "not refused" for r in members}))
        lines.append(
            f"| {group} | {label} | {len(members)} | {right} | {right / len(members):.3f} |"
            f" {low:.3f} to {high:.3f} |"
        )
    english = [r for r in rows if r.group != "non-english"]
    if len(english) < len(rows):
        e_tp = sum(r.refused and r.predicted for r in english)
        e_right = sum(r.refused == r.predicted for r in english)
        e_called = sum(r.predicted for r in english)
        e_refusals = sum(r.refused for r in english)
        lines += [
            "",
            f"English answers only ({len(english)}; the detector's cues are English):"
            f" accuracy {e_right / len(english):.3f}, precision {e_tp / max(e_called, 1):.3f},"
            f" recall {e_tp / max(e_refusals, 1):.3f}.",
        ]
    wrong = [r for r in rows if r.refused != r.predicted]
    lines += ["", f"Wrong calls ({len(wrong)}):", ""]
    for r in wrong:
        text = " ".join(r.answer.split())
        text = (text[:110] + "…") if len(text) > 110 else text
        said = "refused" if r.predicted else f"not refused ({r.kind})"
        lines.append(f'- {r.id} [{r.group}] detector said {said}: "{text or "(empty)"}"')
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--record", action="store_true", help="rewrite the RESULTS.md section")
    parser.add_argument("--errors", action="store_true", help="only list the wrong calls")
    args = parser.parse_args()
    rows = load(args.data)
    if args.errors:
        for r in rows:
            if r.refused != r.predicted:
                print(f"{r.id} {r.group} label={r.refused} kind={r.kind}: {r.answer!r}")
        return
    text = report(rows, sys.argv[1:])
    print(text)
    if args.record:
        rewrite_section(HEADING, text)
        print("recorded in benchmarks/RESULTS.md")


if __name__ == "__main__":
    main()
