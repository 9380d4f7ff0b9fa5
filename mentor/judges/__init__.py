"""LLM judges: a rubric judge and a pairwise judge that asks in both orders; strict JSON replies."""

from mentor.judges.pairwise import PairwiseJudge, PairwiseVerdict, position_consistency
from mentor.judges.parsing import JudgeParseError, extract_json
from mentor.judges.rubric import Criterion, Rubric, RubricJudge, RubricVerdict

__all__ = [
    "Criterion",
    "JudgeParseError",
    "PairwiseJudge",
    "PairwiseVerdict",
    "Rubric",
    "RubricJudge",
    "RubricVerdict",
    "extract_json",
    "position_consistency",
]
