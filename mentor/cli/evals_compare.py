"""`mentor eval compare`, `scorecard` and `gate`: paired comparison of runs, release gates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mentor.cli import render
from mentor.cli.options import Db, Json, workspace
from mentor.errors import GATE_FAILED_EXIT
from mentor.evals import GateResult, GroupChange, Scorecard
from mentor.evals.compare import MAX_BOOT, N_BOOT

Run = Annotated[str, typer.Argument(help="A run id (see `mentor eval runs`).")]
Grades = Annotated[
    str,
    typer.Option(
        "--grades",
        help="Which grades count: auto (the graders), human (only cases people graded) or both "
        "(people win where they gave a verdict).",
    ),
]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _groups(title: str, groups: tuple[GroupChange, ...]) -> None:
    if groups:
        render.table(
            title,
            ["group", "n", "baseline", "candidate", "change", "regressed", "fixed"],
            [
                [
                    g.key,
                    g.baseline.n,
                    _pct(g.baseline.value),
                    _pct(g.candidate.value),
                    "—" if g.delta is None else f"{g.delta:+.1%}",
                    g.regressed,
                    g.fixed,
                ]
                for g in groups
            ],
        )


def compare(
    baseline: Annotated[str, typer.Argument(help="The baseline run id.")],
    candidate: Annotated[str, typer.Argument(help="The candidate run id.")],
    n_boot: Annotated[
        int,
        typer.Option(
            "--n-boot", min=1, max=MAX_BOOT, help="Bootstrap resamples for the score intervals."
        ),
    ] = N_BOOT,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the bootstrap.")] = 0,
    grades: Grades = "auto",
    db: Db = None,
    json: Json = False,
) -> None:
    """Compare a candidate run with a baseline case by case: fixed, regressed, McNemar, CIs."""
    result = workspace(db).evals.compare(
        baseline, candidate, n_boot=n_boot, seed=seed, grades=grades
    )
    if json:
        render.emit_json(result.comparison)
        return
    c, p = result.comparison, result.comparison.pairing
    diff = c.pass_rate
    render.fields(
        f"Run {result.candidate.run.id} vs baseline {result.baseline.run.id}",
        [
            ("fixed", len(p.fixed)),
            ("regressed", len(p.regressed)),
            ("unchanged", len(p.unchanged)),
            ("not judged in both", len(p.unjudged)),
            ("McNemar exact p", f"{c.mcnemar.p_value:.3g}"),
            (
                "pass-rate change",
                "—" if diff is None else f"{diff.mean:+.1%} [{diff.low:+.1%}, {diff.high:+.1%}]",
            ),
        ],
    )
    _groups("By severity", c.by_severity)
    _groups("By intent", c.by_intent)
    _groups("By category", c.by_category)
    if p.regressed:
        render.table("Regressed cases", ["case"], [[cid] for cid in p.regressed])


def _show_scorecard(card: Scorecard) -> None:
    render.table(
        "Scorecard" + ("" if card.grades == "auto" else f" ({card.grades} grades)"),
        ["metric", "value", "95% CI", "n"],
        [
            [m.name, _pct(m.value), f"[{m.proportion.low:.1%}, {m.proportion.high:.1%}]", m.n]
            for m in card.metrics
            if m.n
        ],
    )


def _show_gate(result: GateResult) -> None:
    render.table(
        f"Gate {result.name}: {'passed' if result.passed else 'FAILED'}",
        ["condition", "observed", "bound", "threshold", "n", "result"],
        [
            [
                c.label,
                "—" if c.observed is None else f"{c.observed:.3g}",
                "—" if c.bound is None else f"{c.bound:.3g}",
                f"{c.op} {c.threshold:g}",
                c.n,
                "pass" if c.passed else "FAIL",
            ]
            for c in result.conditions
        ],
    )
    if result.judges:
        render.table(
            "Judges the verdict rests on",
            ["judge", "calibration"],
            [[j.name, j.summary] for j in result.judges],
        )
    for note in dict.fromkeys(n for c in result.conditions for n in c.notes):
        render.warning(note)


def scorecard(run: Run, grades: Grades = "auto", db: Db = None, json: Json = False) -> None:
    """Print a run's scorecard (pass rates with 95% intervals) without checking a gate."""
    card = workspace(db).evals.scorecard(run, grades=grades)
    if json:
        render.emit_json({"run": card.run.id, "scorecard": card.scorecard})
        return
    info = card.run
    render.line(
        f"run {info.id}: {render.literal(f'{info.suite_name} · {info.provider} {info.model}')}"
    )
    _show_scorecard(card.scorecard)


def gate(
    run: Run,
    gate_file: Annotated[
        Path, typer.Option("--gate", help="The gate's YAML file (conditions on metrics).")
    ],
    baseline: Annotated[
        str | None, typer.Option("--baseline", help="A baseline run, for regression conditions.")
    ] = None,
    junit: Annotated[
        Path | None, typer.Option("--junit", help="Write JUnit XML here (one test per case).")
    ] = None,
    markdown: Annotated[
        Path | None,
        typer.Option(
            "--markdown", help="Write a Markdown summary here (for $GITHUB_STEP_SUMMARY)."
        ),
    ] = None,
    db: Db = None,
    json: Json = False,
) -> None:
    """Check a run against a gate; exit 6 listing the failed conditions when any fails."""
    report = workspace(db).evals.gate(
        run, gate_file, baseline=baseline, junit=junit, markdown=markdown
    )
    if json:
        render.emit_json(
            {
                "passed": report.passed,
                "reasons": report.gate.reasons,
                "gate": report.gate,
                "scorecard": report.run.scorecard,
            }
        )
    else:
        _show_scorecard(report.run.scorecard)
        _show_gate(report.gate)
        for reason in report.gate.reasons:
            render.error(reason)
        if report.passed:
            render.success("gate passed")
    if not report.passed:
        raise typer.Exit(GATE_FAILED_EXIT)
