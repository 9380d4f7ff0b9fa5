"""Evaluation: suites, graders, runner, cache, scorecards, compare, gates."""

from typing import TYPE_CHECKING

from mentor import lazy

if TYPE_CHECKING:
    from mentor.evals.cases import Case, GraderSpec, Suite
    from mentor.evals.compare import Comparison, GroupChange, Proportion, compare_outcomes
    from mentor.evals.gates import GateResult, GateSpec, evaluate_gate, load_gate, parse_gate
    from mentor.evals.grades import Grade
    from mentor.evals.human_grades import HumanGrade
    from mentor.evals.outcomes import CaseOutcome
    from mentor.evals.refusal import RefusalSignal, detect_refusal
    from mentor.evals.runner import RunOptions, RunPlan, run_suite, run_suite_async
    from mentor.evals.runs import ResultRow, RunInfo
    from mentor.evals.scorecards import Metric, Scorecard, scorecard
    from mentor.evals.service import Evals
    from mentor.evals.specs import make_case, make_suite
    from mentor.evals.suites import SuiteFile, load_suite, open_suite
    from mentor.evals.verdicts import GateReport, RunComparison, RunScorecard
    from mentor.providers import Completion, GenerationParams, Provider, build_provider

__getattr__, __dir__ = lazy.exports(__name__)

__all__ = [
    "Case",
    "CaseOutcome",
    "Comparison",
    "Completion",
    "Evals",
    "GateReport",
    "GateResult",
    "GateSpec",
    "GenerationParams",
    "Grade",
    "GraderSpec",
    "GroupChange",
    "HumanGrade",
    "Metric",
    "Proportion",
    "Provider",
    "RefusalSignal",
    "ResultRow",
    "RunComparison",
    "RunInfo",
    "RunOptions",
    "RunPlan",
    "RunScorecard",
    "Scorecard",
    "Suite",
    "SuiteFile",
    "build_provider",
    "compare_outcomes",
    "detect_refusal",
    "evaluate_gate",
    "load_gate",
    "load_suite",
    "make_case",
    "make_suite",
    "open_suite",
    "parse_gate",
    "run_suite",
    "run_suite_async",
    "scorecard",
]
