"""Seed a workspace the way a new user would first build one: import, filter, merge, export."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from mentor.datasets.transforms import RecordFilter
from mentor.demo import accounts, analysis, annotation, candidates, evals, training
from mentor.demo.steps import DemoStep
from mentor.errors import ConflictError, InputError
from mentor.workspace import Workspace

HERE = Path(__file__).parent


def _steps(ws: Workspace, out: Path, with_evals: bool) -> Iterator[DemoStep]:
    hh = ws.datasets.import_file(
        HERE / "hh-rlhf-harmless-base-test.jsonl.gz",
        "hh-harmless",
        map="hh-rlhf",
        description="Anthropic HH-RLHF harmless-base, test split",
    )
    yield DemoStep(
        "mentor datasets import hh-rlhf-harmless-base-test.jsonl.gz --name hh-harmless "
        "--map hh-rlhf",
        f"{hh.version.ref}: {hh.imported:,} preference pairs",
    )
    single = ws.datasets.filter(
        hh.version.ref, RecordFilter(single_turn=True), note="single-turn prompts only"
    )
    yield DemoStep(
        f"mentor datasets filter {hh.version.ref} --single-turn",
        f"{single.ref}: {single.record_count:,} records",
    )
    for file, name, desc in (
        ("instructions.jsonl", "instructions", "Hand-written SFT chats"),
        ("ratings.csv", "helpfulness-ratings", "Rubric ratings, 1-5"),
        ("rankings.jsonl", "response-rankings", "3-way rankings"),
        ("safety-prefs.jsonl", "safety-prefs", "Refusal and over-refusal preference pairs"),
    ):
        res = ws.datasets.import_file(HERE / file, name, description=desc)
        yield DemoStep(
            f"mentor datasets import {file} --name {name}",
            f"{res.version.ref}: {res.imported} {', '.join(res.version.kind_counts)}",
        )
    mix = ws.datasets.merge(
        [single.ref, "safety-prefs@v1"],
        "harmless-mix",
        note="single-turn HH pairs plus hand-written refusal / over-refusal pairs",
        description="Harmlessness preference pairs for DPO: HH single-turn + safety probes",
    )
    yield DemoStep(
        f"mentor datasets merge {single.ref} safety-prefs@v1 --into harmless-mix",
        f"{mix.ref}: {mix.record_count:,} records from {', '.join(mix.parents)}",
    )
    scan = ws.qa.scan(
        mix.ref, executor="serial", keep_findings=False, html=out / "qa-harmless-mix-v1.html"
    )
    totals: Counter[str] = Counter()
    for per_check in scan.summary.by_severity.values():
        totals.update(per_check)
    counts = ", ".join(f"{n:,} {sev}" for sev, n in totals.most_common() if n)
    yield DemoStep(f"mentor qa scan {mix.ref} --html qa-harmless-mix-v1.html", f"{counts} findings")
    fixed = ws.qa.fix(
        mix.ref,
        executor="serial",
        dedup=True,
        redact_pii=True,
        note="exact and near-duplicates removed, PII redacted",
    )
    yield DemoStep(
        f"mentor qa fix {mix.ref} --dedup --redact-pii",
        f"{fixed.version.ref}: removed {fixed.removed or 0}, changed {fixed.changed}",
    )
    gate = ws.qa.gate(
        fixed.version.ref, executor="serial", max_pii={"high": 0}, max_exact_dup_rate=0.0
    )
    yield DemoStep(
        f"mentor qa gate {fixed.version.ref} --max-pii high=0 --max-exact-dup-rate 0",
        "passed" if gate.passed else "failed: " + "; ".join(gate.reasons),
    )
    mix = fixed.version
    for ref, fmt, file in (
        (mix.ref, "trl-dpo", "harmless-mix.trl-dpo.jsonl"),
        (mix.ref, "openai-dpo", "harmless-mix.openai-dpo.jsonl"),
        ("instructions@v1", "trl-sft", "instructions.trl-sft.jsonl"),
    ):
        exported = ws.datasets.export(ref, fmt, out / file)
        yield DemoStep(
            f"mentor datasets export {ref} --to {fmt} {file}",
            f"{exported.written:,} rows"
            + "".join(f"; left out {n} ({why})" for why, n in exported.skipped.items()),
        )
    for info in ws.datasets.all():
        for version in ws.datasets.versions(info.name):
            notes = HERE / "hh-notes.yaml" if info.name == "hh-harmless" else None
            ws.datasets.datasheet(version.ref, notes=notes)
    yield DemoStep("mentor datasets datasheet NAME@vN", "a datasheet for every version")
    yield from accounts.steps(ws, out)
    yield from annotation.steps(ws, out)
    if with_evals:
        yield from evals.steps(ws, out)
        base = ws.evals.runs(suite=evals.SAMPLE_NAME)[-1]  # the shipped model's run
        yield from training.steps(ws, out, base)
        trained = ws.evals.runs(suite=evals.SAMPLE_NAME)[0]  # the candidate for release
        yield from analysis.steps(ws, out, base, trained)
        yield from candidates.steps(ws, single.ref)


def seed_demo(
    ws: Workspace,
    out: Path,
    on_step: Callable[[DemoStep], None] | None = None,
    *,
    with_evals: bool = True,
) -> list[DemoStep]:
    """Fill an empty workspace with the demo's datasets, users, projects and (unless
    `with_evals` is false) evaluation runs of the bundled model; exports go to `out`."""
    if ws.datasets.all():
        raise ConflictError(
            "the demo needs an empty workspace; this one already has datasets "
            "(use --reset to start over)"
        )
    make_exports_folder(out)
    done = []
    for step in _steps(ws, out, with_evals):
        done.append(step)
        if on_step is not None:
            on_step(step)
    return done


def make_exports_folder(out: Path) -> None:
    """Make the folder for the demo's exports, or say why it cannot be (naming --out)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(
            f"{out} is a file; expected a folder (new or empty)", where="--out"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot make the folder {out}: {exc.strerror}", where="--out") from None
