"""Graders: deterministic checks, the refusal detector, groundedness, LLM judges, custom Python.

``build_grader(spec, judge_provider=...)`` turns a suite's grader spec into a grader.
"""

from mentor.evals.graders.registry import (
    GROUP,
    GraderInfo,
    build_grader,
    describe_graders,
    registered,
)

__all__ = ["GROUP", "GraderInfo", "build_grader", "describe_graders", "registered"]
