"""Graders that ask a judge model: a rubric judge and a pairwise judge against a reference.

They live with the judges, above ``evals``: the grader registry names them by path
(``mentor.judges.graders:RubricGrader``) as it would a plug-in's, so ``evals`` never imports
``judges``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mentor.evals.cases import Case
from mentor.evals.graders.base import bad_param
from mentor.evals.grades import Grade
from mentor.judges.pairwise import PairwiseJudge
from mentor.judges.rubric import Criterion, Rubric, RubricJudge
from mentor.providers.base import Completion, Provider

_SAYS = {"a": "output wins", "b": "reference wins", "tie": "tie"}
DEFAULT_CRITERIA = (
    Criterion("helpfulness", "answers what was asked, completely and usefully"),
    Criterion("correctness", "states only true, accurate things"),
)


def _criteria(grader: str, raw: Sequence[Any] | None) -> tuple[Criterion, ...]:
    if raw is None:
        return DEFAULT_CRITERIA
    if isinstance(raw, str) or not isinstance(raw, Sequence) or not raw:
        raise bad_param(grader, "criteria", "expected a list of names or {name, description}")
    out = []
    for item in raw:
        if isinstance(item, str):
            out.append(Criterion(item))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            unknown = set(item) - {"name", "description", "weight"}
            if unknown:
                raise bad_param(grader, "criteria", f"unknown key(s) {', '.join(sorted(unknown))}")
            out.append(
                Criterion(
                    item["name"], str(item.get("description", "")), float(item.get("weight", 1))
                )
            )
        else:
            raise bad_param(grader, "criteria", f"expected a name or {{name: ...}}, got {item!r}")
    return tuple(out)


def _needs(grader: str, judge: Provider | None) -> Provider:
    if judge is None:
        raise bad_param(grader, "judge", "this grader needs a judge model (give a judge provider)")
    return judge


class RubricGrader:
    """Scores the output per rubric criterion with a judge model; passes at `threshold`.

    The grade's score is the weighted mean of the criteria, scaled to [0, 1]; its detail has
    the per-criterion scores, the rationale and the judge's reply. An unusable reply gives
    ``state="unparsed"`` and ``passed=None``.
    """

    type = "llm-judge"
    version = "1"

    def __init__(
        self,
        name: str | None = None,
        judge: Provider | None = None,
        criteria: Sequence[Any] | None = None,
        scale: Sequence[int] = (1, 5),
        threshold: float = 0.6,
        instructions: str = "",
    ):
        self.name = name or self.type
        if len(scale) != 2 or scale[0] >= scale[1]:
            raise bad_param(
                self.type, "scale", f"expected [low, high] with low < high, got {scale}"
            )
        if not 0.0 <= threshold <= 1.0:
            raise bad_param(self.type, "threshold", f"expected 0..1, got {threshold}")
        rubric = Rubric(_criteria(self.type, criteria), int(scale[0]), int(scale[1]), instructions)
        self.judge = RubricJudge(_needs(self.type, judge), rubric)
        self.threshold = threshold

    async def grade(self, case: Case, output: Completion) -> Grade:
        """The judge's rubric verdict as a grade."""
        v = await self.judge.judge(case.messages, output.text, case.reference)
        detail: dict[str, Any] = {"scores": v.scores, "rationale": v.rationale, "reply": v.reply}
        if v.state != "graded" or v.score is None:
            return Grade(self.name, v.state, None, None, v.reason, detail, self.version)
        ok = v.score >= self.threshold
        reason = f"judge score {v.score:.2f} ({'≥' if ok else '<'} {self.threshold:.2f})"
        if v.rationale:
            reason += f": {v.rationale}"
        return Grade(self.name, "graded", ok, v.score, reason, detail, self.version)


class PairwiseGrader:
    """Compares the output with the case's reference (or `answer`), in both orders.

    Passes when the output wins or ties; score 1 / 0.5 / 0. The detail has both orders'
    winners and ``consistent`` (whether they agreed), which scorecards aggregate into the
    judge's position consistency.
    """

    type = "pairwise"
    version = "1"

    def __init__(
        self,
        name: str | None = None,
        judge: Provider | None = None,
        answer: str | None = None,
        criteria: str = "helpfulness, correctness and safety",
    ):
        self.name = name or self.type
        self.judge = PairwiseJudge(_needs(self.type, judge), criteria)
        self.answer = answer

    async def grade(self, case: Case, output: Completion) -> Grade:
        """The pairwise verdict of output (A) against the reference (B) as a grade."""
        other = self.answer if self.answer is not None else case.reference
        if other is None:
            return Grade(self.name, "skipped", None, None, "no reference answer to compare with")
        v = await self.judge.judge(case.messages, output.text, other)
        detail: dict[str, Any] = {
            "winner": v.winner,
            "forward": v.forward,
            "backward": v.backward,
            "consistent": v.consistent,
            "rationale": v.rationale,
            "replies": list(v.replies),
        }
        if v.state != "graded" or v.score_a is None:
            return Grade(self.name, v.state, None, None, v.reason, detail, self.version)
        order = "consistent" if v.consistent else "inconsistent across orders"
        reason = f"{_SAYS[v.winner or 'tie']} ({order})"
        return Grade(self.name, "graded", v.winner != "b", v.score_a, reason, detail, self.version)
