"""The groundedness grader: share of answer claims supported by the case's context."""

from __future__ import annotations

from mentor.evals.cases import Case
from mentor.evals.graders.base import TextGrader, bad_param, clip
from mentor.evals.grades import Grade
from mentor.evals.groundedness import support


class Groundedness(TextGrader):
    """Passes when at least `threshold` of the answer's claims are supported by the context.

    The context is the case's ``context`` (or the ``context`` parameter). See
    :mod:`mentor.evals.groundedness` for what "supported" means.
    """

    type = "groundedness"

    def __init__(
        self,
        name: str | None = None,
        threshold: float = 0.8,
        min_overlap: float = 0.6,
        context: str | None = None,
    ):
        super().__init__(name)
        for key, value in (("threshold", threshold), ("min_overlap", min_overlap)):
            if not 0.0 <= value <= 1.0:
                raise bad_param(self.type, key, f"expected a share between 0 and 1, got {value}")
        self.threshold, self.min_overlap, self.context = threshold, min_overlap, context

    def check(self, case: Case, text: str) -> Grade:
        context = self.context or case.context
        if not context:
            return self.skip("the case has no context to check the answer against")
        found = support(text, context, self.min_overlap)
        ok = found.score >= self.threshold
        unsupported = [clip(c.text, 80) for c in found.unsupported]
        reason = f"{len(found.claims) - len(unsupported)}/{len(found.claims)} claims supported"
        if unsupported:
            reason += f"; first unsupported: {unsupported[0]!r}"
        return self.verdict(
            ok, reason, found.score, claims=len(found.claims), unsupported=unsupported
        )
