"""Evaluation: suites, providers, graders, runner, cache, compare, gates."""

from mentor.evals.cases import Case, GraderSpec, Suite
from mentor.evals.grades import Grade
from mentor.evals.providers import Completion, GenerationParams, Provider, build_provider
from mentor.evals.runner import RunOptions, RunPlan, run_suite, run_suite_async
from mentor.evals.runs import ResultRow, RunInfo
from mentor.evals.service import Evals
from mentor.evals.specs import make_case, make_suite
from mentor.evals.suites import SuiteFile, load_suite, open_suite

__all__ = [
    "Case",
    "Completion",
    "Evals",
    "GenerationParams",
    "Grade",
    "GraderSpec",
    "Provider",
    "ResultRow",
    "RunInfo",
    "RunOptions",
    "RunPlan",
    "Suite",
    "SuiteFile",
    "build_provider",
    "load_suite",
    "make_case",
    "make_suite",
    "open_suite",
    "run_suite",
    "run_suite_async",
]
