"""Dataset health: checks, scans on any executor, reports, fixes and release gates."""

from typing import TYPE_CHECKING

from mentor import lazy

if TYPE_CHECKING:
    from mentor.qa.checks.base import Check
    from mentor.qa.executors import (
        Executor,
        LocalExecutor,
        RayExecutor,
        SerialExecutor,
        make_executor,
    )
    from mentor.qa.findings import Finding, Severity, Span
    from mentor.qa.fix import FixOptions, FixResult, fix_version
    from mentor.qa.gate import (
        Criterion,
        GateResult,
        GateThresholds,
        evaluate,
        load_thresholds,
        parse_pii,
        run_gate,
    )
    from mentor.qa.registry import CheckInfo, describe
    from mentor.qa.report import FindingsWriter, render_html, write_html
    from mentor.qa.scan import ScanConfig, ScanResult
    from mentor.qa.service import DatasetHealth
    from mentor.qa.sources import ReadOptions
    from mentor.qa.summary import Summary

__getattr__, __dir__ = lazy.exports(__name__)

__all__ = [
    "Check",
    "CheckInfo",
    "Criterion",
    "DatasetHealth",
    "Executor",
    "Finding",
    "FindingsWriter",
    "FixOptions",
    "FixResult",
    "GateResult",
    "GateThresholds",
    "LocalExecutor",
    "RayExecutor",
    "ReadOptions",
    "ScanConfig",
    "ScanResult",
    "SerialExecutor",
    "Severity",
    "Span",
    "Summary",
    "describe",
    "evaluate",
    "fix_version",
    "load_thresholds",
    "make_executor",
    "parse_pii",
    "render_html",
    "run_gate",
    "write_html",
]
