"""Evaluation: suites, providers, graders, runner, cache, compare, gates."""

from mentor.evals.service import Evals

__all__ = ["Evals"]
