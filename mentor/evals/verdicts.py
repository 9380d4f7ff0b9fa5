"""What the CLI, the web pages and CI ask of stored runs: compare two, gate one.

These read runs from a workspace with :func:`~mentor.evals.outcomes.load_outcomes` and hand
the outcomes to the pure functions of :mod:`~mentor.evals.compare`,
:mod:`~mentor.evals.scorecards` and :mod:`~mentor.evals.gates`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mentor.errors import InputError
from mentor.evals.compare import CONFIDENCE, MAX_BOOT, N_BOOT, Comparison, compare_outcomes
from mentor.evals.gate_judges import latest_calibrations
from mentor.evals.gates import GateResult, GateSpec, evaluate_gate, judges_used, load_gate
from mentor.evals.human_grades import grade_source, human_grades, with_human
from mentor.evals.junit import junit_xml
from mentor.evals.outcomes import CaseOutcome, load_outcomes
from mentor.evals.runs import RunInfo, get_run, run_id_of
from mentor.evals.scorecards import Scorecard, scorecard
from mentor.evals.summary import markdown_summary
from mentor.store.audit import record_event
from mentor.store.engine import write_transaction

if TYPE_CHECKING:
    from mentor.workspace import Workspace


@dataclass(frozen=True)
class RunScorecard:
    """A stored run, its outcomes and its scorecard."""

    run: RunInfo
    outcomes: tuple[CaseOutcome, ...]
    scorecard: Scorecard


@dataclass(frozen=True)
class RunComparison:
    """A candidate run compared with a baseline run of the same suite."""

    baseline: RunScorecard
    candidate: RunScorecard
    comparison: Comparison


@dataclass(frozen=True)
class GateReport:
    """A run gated: the verdict, its scorecard, the comparison (with a baseline) and files."""

    run: RunScorecard
    gate: GateResult
    comparison: Comparison | None
    baseline: RunInfo | None
    junit_file: Path | None = None
    markdown_file: Path | None = None

    @property
    def passed(self) -> bool:
        """Whether every condition held."""
        return self.gate.passed

    def markdown(self) -> str:
        """The Markdown summary (gate, scorecard, regressions, failures)."""
        return markdown_summary(
            run=f"#{self.run.run.id} {self.run.run.suite_name} ({self.run.run.model})",
            scorecard=self.run.scorecard,
            outcomes=self.run.outcomes,
            gate=self.gate,
            comparison=self.comparison,
            baseline=f"#{self.baseline.id} ({self.baseline.model})" if self.baseline else None,
        )

    def junit(self) -> str:
        """The JUnit XML (one test case per eval case and per condition)."""
        return junit_xml(self.run.outcomes, suite=self.run.run.suite_name, gate=self.gate)


def run_scorecard(
    ws: Workspace, run: int | str, confidence: float = CONFIDENCE, grades: str = "auto"
) -> RunScorecard:
    """The scorecard of stored run `run`, resting on `grades` (auto, human or both: see
    :mod:`mentor.evals.human_grades`)."""
    source = grade_source(grades)
    run_id = run_id_of(run)
    with ws.engine.connect() as conn:
        info = get_run(conn, run_id)
        human = human_grades(conn, run_id) if source != "auto" else {}
    if source == "human" and not human:
        raise InputError(
            f"run {run_id} has no human grades; release a review project made with "
            f"`mentor projects create NAME --from-run {run_id}` (or `mentor eval attach-review`)",
            where="--grades",
        )
    outcomes = tuple(with_human(load_outcomes(ws, run_id), human, source))
    return RunScorecard(info, outcomes, scorecard(outcomes, confidence, grades=source))


def _check_bootstrap(n_boot: int, confidence: float, seed: int) -> None:
    if not 1 <= n_boot <= MAX_BOOT:
        raise InputError(f"must be from 1 to {MAX_BOOT:,}, got {n_boot}", where="--n-boot")
    if not 0.0 < confidence < 1.0:
        raise InputError(f"must be between 0 and 1, got {confidence}", field="confidence")
    if seed < 0:
        raise InputError(f"must be 0 or more, got {seed}", where="--seed")


def compare_runs(
    ws: Workspace,
    baseline: int | str,
    candidate: int | str,
    *,
    n_boot: int = N_BOOT,
    confidence: float = CONFIDENCE,
    seed: int = 0,
    grades: str = "auto",
) -> RunComparison:
    """Compare stored run `candidate` with stored run `baseline`, case by case, each resting
    on `grades` (auto, human or both)."""
    _check_bootstrap(n_boot, confidence, seed)
    base = run_scorecard(ws, baseline, confidence, grades)
    cand = run_scorecard(ws, candidate, confidence, grades)
    ids = {o.case.id for o in base.outcomes}
    if not any(o.case.id in ids for o in cand.outcomes):
        raise InputError(
            f"runs {base.run.id} ({base.run.suite_name}) and {cand.run.id} "
            f"({cand.run.suite_name}) share no case ids; compare runs of the same suite",
            field="baseline",
        )
    comparison = compare_outcomes(
        base.outcomes, cand.outcomes, n_boot=n_boot, confidence=confidence, seed=seed
    )
    return RunComparison(base, cand, comparison)


def gate_run(
    ws: Workspace,
    run: int | str,
    gate: GateSpec | Path | str,
    *,
    baseline: int | str | None = None,
    junit: Path | None = None,
    markdown: Path | None = None,
    record: bool = True,
) -> GateReport:
    """Gate stored run `run` (against `baseline` when given); write JUnit/Markdown if asked.

    The verdict is kept in the audit log (action ``eval.gate``, object the run's id) unless
    `record` is false (a page that only shows a verdict)."""
    spec = gate if isinstance(gate, GateSpec) else load_gate(gate)
    card = run_scorecard(ws, run, spec.confidence, spec.grades)
    base = (
        run_scorecard(ws, baseline, spec.confidence, spec.grades) if baseline is not None else None
    )
    with ws.engine.connect() as conn:
        calibrations = latest_calibrations(conn, judges_used(spec, card.outcomes))
    result = evaluate_gate(
        spec, card.outcomes, base.outcomes if base else None, calibrations=calibrations
    )
    comparison = (
        compare_outcomes(base.outcomes, card.outcomes, confidence=spec.confidence)
        if base is not None
        else None
    )
    report = GateReport(card, result, comparison, base.run if base else None, junit, markdown)
    if record:
        _record(ws, report)
    if junit is not None:
        _write(junit, report.junit())
    if markdown is not None:
        _write(markdown, report.markdown())
    return report


def _record(ws: Workspace, report: GateReport) -> None:
    with write_transaction(ws.engine) as conn:
        record_event(
            conn,
            actor=ws.actor,
            action="eval.gate",
            object_type="eval_run",
            object_id=str(report.run.run.id),
            detail={
                "gate": report.gate.name,
                "passed": report.gate.passed,
                "reasons": list(report.gate.reasons),
                "baseline": report.baseline.id if report.baseline else None,
            },
        )


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}", where=str(path)) from exc
