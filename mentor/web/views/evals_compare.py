"""Comparing two runs side by side, and gating a run (the starter gate, or a pasted gate file)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Final

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from mentor.charts import interval_chart
from mentor.errors import InputError
from mentor.evals import CaseOutcome, Comparison, GateSpec, RunComparison, load_gate, parse_gate
from mentor.evals.starters import starter_path
from mentor.web import render
from mentor.web.eval_charts import change_rows, paired_metric_rows
from mentor.web.ids import PathId
from mentor.web.session import Permission, UserWorkspace, require
from mentor.web.workspace import CurrentWorkspace
from mentor.workspace import Workspace

router = APIRouter()
RunRef = Annotated[str | None, Query(description="A run id.")]
MAX_GATE_CHARS: Final = 20_000


@dataclass(frozen=True)
class PairedCase:
    """One case as the baseline and the candidate answered it (None: not in that run)."""

    case_id: str
    baseline: CaseOutcome | None
    candidate: CaseOutcome | None

    @property
    def shown(self) -> CaseOutcome:
        """The outcome whose case (prompt, tier) the page shows."""
        found = self.candidate or self.baseline
        assert found is not None
        return found


def _groups(result: RunComparison) -> list[tuple[str, str, list[PairedCase]]]:
    base = {o.case.id: o for o in result.baseline.outcomes}
    cand = {o.case.id: o for o in result.candidate.outcomes}
    p = result.comparison.pairing
    named = [
        ("regressed", "Regressed: passed in the baseline, fail in the candidate", p.regressed),
        ("fixed", "Fixed: failed in the baseline, pass in the candidate", p.fixed),
        ("still-failing", "Unchanged, failing in both", p.still_failing),
        ("still-passing", "Unchanged, passing in both", p.still_passing),
        ("unjudged", "Not judged in both (error, unparsed or ungraded)", p.unjudged),
        ("only-baseline", "Only in the baseline", p.only_baseline),
        ("only-candidate", "Only in the candidate", p.only_candidate),
    ]
    return [
        (key, title, [PairedCase(i, base.get(i), cand.get(i)) for i in ids])
        for key, title, ids in named
    ]


def _charts(result: RunComparison, names: tuple[str, str]) -> dict[str, Markup]:
    c: Comparison = result.comparison
    base, cand = result.baseline.scorecard, result.candidate.scorecard
    charts = {
        "tiers": interval_chart(
            change_rows(c.by_severity, names),
            label="Pass rate per severity tier over cases judged in both runs",
        ),
        "metrics": interval_chart(
            paired_metric_rows(base.metrics, cand.metrics, names),
            label="Scorecard of both runs, 95% Wilson intervals",
        ),
    }
    return {k: Markup(v) for k, v in charts.items()}  # escaped by mentor.charts.svg


@router.get(
    "/evals/compare", response_class=HTMLResponse, dependencies=[require(Permission.VIEW_DATA)]
)
def compare(
    request: Request, ws: CurrentWorkspace, baseline: RunRef = None, candidate: RunRef = None
) -> HTMLResponse:
    """Baseline vs candidate: fixed, regressed and unchanged cases with both outputs side by
    side, McNemar's exact test, the paired bootstrap interval and per-tier Wilson intervals."""
    if not baseline or not candidate:
        return render.page(
            request,
            "evals/compare.html",
            result=None,
            runs=ws.evals.runs(limit=500),
            baseline=baseline or "",
            candidate=candidate or "",
        )
    result = ws.evals.compare(baseline, candidate)
    names = (f"#{result.baseline.run.id} baseline", f"#{result.candidate.run.id} candidate")
    return render.page(
        request,
        "evals/compare.html",
        result=result,
        c=result.comparison,
        groups=_groups(result),
        charts=_charts(result, names),
        baseline=baseline,
        candidate=candidate,
    )


def starter_gate() -> Path:
    """The starter release gate shipped beside the starter suites."""
    return starter_path("regression").with_name("gate.yaml")


def _gate_page(
    request: Request,
    ws: Workspace,
    run_id: int,
    spec: GateSpec | None,
    text: str,
    base: str,
    problem: str | None = None,
    *,
    record: bool,
) -> HTMLResponse:
    info = ws.evals.get_run(run_id)
    report = None
    if spec is not None:
        if spec.needs_baseline and not base:
            problem = "this gate compares with a baseline run: choose one"
        else:
            report = ws.evals.gate(run_id, spec, baseline=base or None, record=record)
    others = [r for r in ws.evals.runs(suite=info.suite_name, limit=500) if r.id != run_id]
    return render.page(
        request,
        "evals/gate.html",
        run=info,
        report=report,
        problem=problem,
        gate_text=text,
        baseline=base,
        others=others,
    )


@router.get(
    "/evals/runs/{run_id}/gate",
    response_class=HTMLResponse,
    dependencies=[require(Permission.VIEW_DATA)],
)
def gate_form(
    request: Request,
    run_id: PathId,
    ws: CurrentWorkspace,
    baseline: RunRef = None,
    gate: Annotated[str | None, Query(description="'starter': the starter release gate.")] = None,
) -> HTMLResponse:
    """The run gated by the starter release gate (``?gate=starter``), or a form for a gate."""
    text = starter_gate().read_text(encoding="utf-8")
    if gate not in (None, "", "starter"):
        raise InputError(f"'{gate}' is not a shipped gate; use ?gate=starter", where="?gate=")
    spec = load_gate(starter_gate()) if gate == "starter" else None
    # Viewing the starter gate's verdict is a read; a gate given by someone who runs evals is
    # a decision, kept in the audit log.
    return _gate_page(request, ws, run_id, spec, text, baseline or "", record=False)


@router.post(
    "/evals/runs/{run_id}/gate",
    response_class=HTMLResponse,
    dependencies=[require(Permission.RUN_EVALS)],
)
def gate_given(
    request: Request,
    run_id: PathId,
    ws: UserWorkspace,
    gate_yaml: Annotated[str, Form(max_length=MAX_GATE_CHARS)],
    baseline: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The run gated by a gate file pasted into the form (errors name its line and field)."""
    try:
        spec: GateSpec | None = parse_gate(gate_yaml, "gate")
        problem = None
    except InputError as exc:  # shown beside the text, so it can be fixed in place
        spec, problem = None, str(exc)
    return _gate_page(request, ws, run_id, spec, gate_yaml, baseline.strip(), problem, record=True)
