"""How well Mentor's refusal detectors agree with people, per source model, tune vs held-out.

    .venv/bin/python benchmarks/refusal_accuracy.py                 # print the figures
    .venv/bin/python benchmarks/refusal_accuracy.py --judge smollm2 # add the judge detector
    .venv/bin/python benchmarks/refusal_accuracy.py --learned       # add the learned detector
    .venv/bin/python benchmarks/refusal_accuracy.py --record        # rewrite its RESULTS.md section
    .venv/bin/python benchmarks/refusal_accuracy.py --errors        # wrong calls on tune sources
    .venv/bin/python benchmarks/refusal_accuracy.py --errors --show-heldout  # ... and held-out

Data: ``benchmarks/data/refusal-dev/``, one JSONL file per source (a model or a writing style),
each line ``id, source, prompt, answer, label (compliance|refusal|partial), should_refuse,
note``, labelled by the rule in docs/refusal-labelling.md; ``split.json`` says which sources
the rules may be tuned on (``tune``) and which are only reported (``heldout``). Whole sources
are held out, so the held-out figures say how the detector does on model styles it was not
written with.

Figures, per source and for the tune and held-out totals: binary agreement (refused = refusal
or partial), three-class agreement, Cohen's kappa on the binary reading, precision and recall
of "refused", and the policy-violation rate (full compliance on ``should_refuse: true``) by
the detector against the labels. Proportions carry 95% Wilson intervals, kappa a 95%
percentile bootstrap interval (1,000 resamples, seeded). A judge reply that cannot be read
(unparsed) counts as a wrong call and is counted apart.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.qa_results import rewrite_section
from mentor.agreement import cohen_kappa
from mentor.agreement.errors import AgreementError
from mentor.evals.compare import wilson
from mentor.evals.refusal import LABELS, detect_refusal, detect_refusal_learned

DATA: Final = Path(__file__).resolve().parent / "data/refusal-dev"
HEADING: Final = "## Refusal detector"
UNPARSED: Final = "unparsed"


@dataclass(frozen=True)
class Row:
    """One labelled answer and each detector's call on it."""

    id: str
    source: str
    prompt: str
    answer: str
    label: str
    should_refuse: bool | None
    calls: dict[str, str]  # detector -> compliance | refusal | partial | unparsed


def load(data: Path = DATA) -> tuple[list[Row], dict[str, list[str]]]:
    """Every labelled answer under `data` (with no calls yet) and the split."""
    split = json.loads((data / "split.json").read_text(encoding="utf-8"))
    rows = []
    for path in sorted(data.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            item = json.loads(line)
            if item.get("label") not in LABELS:
                raise SystemExit(f"{path}:{number}: label must be one of {', '.join(LABELS)}")
            rows.append(
                Row(
                    str(item["id"]),
                    str(item.get("source") or path.stem),
                    str(item.get("prompt") or ""),
                    str(item.get("answer") or ""),
                    item["label"],
                    item.get("should_refuse"),
                    {},
                )
            )
    return rows, {"tune": list(split.get("tune", ())), "heldout": list(split.get("heldout", ()))}


def run_rules(rows: Sequence[Row]) -> None:
    """The rule-based detector's call on every row."""
    for r in rows:
        r.calls["rules"] = detect_refusal(r.answer, r.prompt or None).label


def run_learned(rows: Sequence[Row]) -> None:
    """The learned (linear classifier) detector's call on every row."""
    for r in rows:
        r.calls["learned"] = detect_refusal_learned(r.answer).label


def run_judge(rows: Sequence[Row], spec: str, concurrency: int = 4) -> None:
    """The judge detector's call on every row, with the provider `spec` as judge."""
    from mentor.judges.refusal_judge import RefusalJudge
    from mentor.providers import build_provider

    async def go() -> None:
        provider = build_provider(spec)
        judge = RefusalJudge(provider)
        gate = asyncio.Semaphore(concurrency)

        async def one(r: Row) -> None:
            async with gate:
                v = await judge.judge(r.prompt, r.answer)
            r.calls["judge"] = v.signal.label if v.signal is not None else UNPARSED

        try:
            await asyncio.gather(*(one(r) for r in rows))
        finally:
            await provider.aclose()

    asyncio.run(go())


def _p(k: int, n: int) -> str:
    if n == 0:
        return "—"
    w = wilson(k, n)
    return f"{k / n:.3f} [{w.low:.3f}, {w.high:.3f}]"


def _binary(label: str) -> str:
    return label if label == UNPARSED else "complied" if label == "compliance" else "refused"


def _kappa(rows: Sequence[Row], detector: str) -> str:
    table = [
        [_binary(r.label), _binary(r.calls[detector])]
        for r in rows
        if r.calls[detector] != UNPARSED
    ]
    try:
        a = cohen_kappa(table, n_boot=1000, rng=0)
    except AgreementError:  # undefined: one class only, or nothing parsed
        return "—"
    ci = f" [{a.ci.low:.3f}, {a.ci.high:.3f}]" if a.ci is not None else ""
    return f"{a.value:.3f}{ci}"


def _pvr(rows: Sequence[Row], who: Callable[[Row], str]) -> str:
    unsafe = [r for r in rows if r.should_refuse is True]
    return _p(sum(who(r) == "compliance" for r in unsafe), len(unsafe))


def figures(name: str, rows: Sequence[Row], detector: str) -> str:
    """One table line: the detector's agreement with the labels on `rows`."""
    people = [r.label != "compliance" for r in rows]
    said = [r.calls[detector] not in ("compliance", UNPARSED) for r in rows]
    binary = sum(
        p == s and r.calls[detector] != UNPARSED for p, s, r in zip(people, said, rows, strict=True)
    )
    three = sum(r.label == r.calls[detector] for r in rows)
    tp = sum(p and s for p, s in zip(people, said, strict=True))
    unparsed = sum(r.calls[detector] == UNPARSED for r in rows)
    return (
        f"| {name} | {detector} | {len(rows)} | {_p(binary, len(rows))} | {_p(three, len(rows))}"
        f" | {_kappa(rows, detector)} | {_p(tp, sum(said))} | {_p(tp, sum(people))}"
        f" | {_pvr(rows, lambda r: r.calls[detector])} | {_pvr(rows, lambda r: r.label)}"
        f" | {unparsed} |"
    )


_HEAD: Final = (
    "| source | detector | n | binary agreement | 3-class agreement | kappa (binary)"
    " | precision | recall | policy-violation rate: detector | people | unparsed |\n"
    "|---|---|---:|---|---|---|---|---|---|---|---:|"
)


def report(rows: Sequence[Row], split: dict[str, list[str]], detectors: Sequence[str]) -> str:
    """The tables: each source, then the tune and held-out totals, per detector."""
    lines = [_HEAD]
    for part in ("tune", "heldout"):
        for source in split[part]:
            members = [r for r in rows if r.source == source]
            for d in detectors:
                if members:
                    lines.append(figures(f"{source} ({part})", members, d))
    for part, title in (("tune", "**TUNE total**"), ("heldout", "**HELD-OUT total**")):
        members = [r for r in rows if r.source in split[part]]
        for d in detectors:
            if members:
                lines.append(figures(title, members, d))
    unsplit = sorted({r.source for r in rows} - set(split["tune"]) - set(split["heldout"]))
    if unsplit:
        lines.append(f"\nSources in no split (not counted): {', '.join(unsplit)}.")
    return "\n".join(lines)


def confusion(rows: Sequence[Row], detector: str) -> str:
    """The three-class confusion table (people in rows, the detector in columns)."""
    cols = [*LABELS, UNPARSED] if any(r.calls[detector] == UNPARSED for r in rows) else LABELS
    out = [f"| people \\ {detector} | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for label in LABELS:
        counts = [sum(r.label == label and r.calls[detector] == c for r in rows) for c in cols]
        out.append(f"| {label} | " + " | ".join(map(str, counts)) + " |")
    return "\n".join(out)


def section(rows: Sequence[Row], split: dict[str, list[str]], detectors: Sequence[str]) -> str:
    """The RESULTS.md section."""
    counts = {label: sum(r.label == label for r in rows) for label in LABELS}
    held = [r for r in rows if r.source in split["heldout"]]
    lines = [
        HEADING,
        "",
        f"Command: `{' '.join(['.venv/bin/python benchmarks/refusal_accuracy.py', *sys.argv[1:]])}`"
        f". Date {datetime.date.today().isoformat()}.",
        "",
        f"Data: `benchmarks/data/refusal-dev/`, {len(rows)} labelled answers from"
        f" {len({r.source for r in rows})} sources ({counts['compliance']} compliance,"
        f" {counts['refusal']} refusal, {counts['partial']} partial), labelled by"
        " [the labelling rule](../docs/refusal-labelling.md); provenance in its `PROVENANCE.md`."
        " The rules were tuned on the `tune` sources only, and the learned detector"
        " (`--learned`) was fitted on them only; the `heldout` sources"
        f" ({', '.join(split['heldout'])}) were run only to report. Round 2 (issue #14): the"
        " round-1 held-out sources (style-terse-frontier, style-safety-system-prompt,"
        " style-fiction-impossible, style-mixed-partial) were moved to `tune` before the rules"
        " were changed, so their figures are now tune figures; round-1 held-out figures are kept"
        " in docs/eval-gates.md. The project's earlier 238"
        " answers (`refusal-labelled.jsonl`; the old detector's section here reported accuracy"
        " 0.849, precision 0.911, recall 0.773 on them with a two-class label) are merged as the"
        " `legacy-238` tune source, relabelled in three classes. Tune figures are optimistic by"
        " construction; the held-out total is the estimate to quote.",
        "",
        "Binary: refused = refusal or partial. Intervals: 95% Wilson (proportions), 95%"
        " percentile bootstrap over answers (kappa). Policy-violation rate: share of"
        " `should_refuse: true` answers that are full compliance, by the detector and by people.",
        "",
        report(rows, split, detectors),
    ]
    for d in detectors:
        lines += ["", f"Held-out, three classes ({d}):", "", confusion(held, d)]
    return "\n".join(lines) + "\n"


def errors(rows: Sequence[Row], split: dict[str, list[str]], detector: str, heldout: bool) -> str:
    """Every wrong call on the tune sources (and held-out ones when asked)."""
    allowed = set(split["tune"]) | (set(split["heldout"]) if heldout else set())
    out = []
    for r in rows:
        if r.source in allowed and r.calls[detector] != r.label:
            text = " ".join(r.answer.split())
            out.append(
                f"{r.id} [{r.source}] people={r.label} {detector}={r.calls[detector]}"
                f"\n  Q: {' '.join(r.prompt.split())[:160]}\n  A: {text[:300]}"
            )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--judge", metavar="SPEC", help="add the judge detector with this provider")
    parser.add_argument("--learned", action="store_true", help="add the learned detector")
    parser.add_argument("--record", action="store_true", help="rewrite the RESULTS.md section")
    parser.add_argument("--errors", action="store_true", help="list the wrong calls")
    parser.add_argument("--show-heldout", action="store_true", help="--errors on held-out too")
    parser.add_argument("--source", action="append", help="only these sources (repeatable)")
    args = parser.parse_args()
    rows, split = load(args.data)
    if args.source:
        rows = [r for r in rows if r.source in args.source]
    run_rules(rows)
    detectors = ["rules"]
    if args.learned:
        run_learned(rows)
        detectors.append("learned")
    if args.judge:
        run_judge(rows, args.judge)
        detectors.append("judge")
    if args.errors:
        for d in detectors:
            print(errors(rows, split, d, args.show_heldout))
        return
    text = section(rows, split, detectors)
    print(text)
    if args.record:
        rewrite_section(HEADING, text)
        print("recorded in benchmarks/RESULTS.md")


if __name__ == "__main__":
    main()
