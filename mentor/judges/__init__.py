"""LLM judges: a rubric judge and a pairwise judge that asks in both orders; strict JSON replies."""

from typing import TYPE_CHECKING

from mentor import lazy

if TYPE_CHECKING:
    from mentor.judges.calibration import Calibration, CalibrationOptions
    from mentor.judges.calibration_stats import (
        ClassScore,
        Estimate,
        LabelAgreement,
        PairVerdict,
        PairwiseBias,
        label_agreement,
        pairwise_bias,
    )
    from mentor.judges.choice_scoring import ChoicePairwiseJudge, ChoiceRubricJudge
    from mentor.judges.facade import Judges
    from mentor.judges.pairwise import PairwiseJudge, PairwiseVerdict, position_consistency
    from mentor.judges.parsing import JudgeParseError, extract_json
    from mentor.judges.ppi import PPIEstimate, ppi_mean
    from mentor.judges.refusal_judge import RefusalJudge, RefusalVerdict, parse_refusal_reply
    from mentor.judges.review import ReviewProject, ReviewRequest, Reviews
    from mentor.judges.review_grades import AttachResult
    from mentor.judges.rubric import Criterion, Rubric, RubricJudge, RubricVerdict
    from mentor.judges.verdicts import VerdictFile, read_verdicts

__getattr__, __dir__ = lazy.exports(__name__)

__all__ = [
    "AttachResult",
    "Calibration",
    "CalibrationOptions",
    "ChoicePairwiseJudge",
    "ChoiceRubricJudge",
    "ClassScore",
    "Criterion",
    "Estimate",
    "JudgeParseError",
    "Judges",
    "LabelAgreement",
    "PPIEstimate",
    "PairVerdict",
    "PairwiseBias",
    "PairwiseJudge",
    "PairwiseVerdict",
    "RefusalJudge",
    "RefusalVerdict",
    "ReviewProject",
    "ReviewRequest",
    "Reviews",
    "Rubric",
    "RubricJudge",
    "RubricVerdict",
    "VerdictFile",
    "extract_json",
    "label_agreement",
    "pairwise_bias",
    "parse_refusal_reply",
    "position_consistency",
    "ppi_mean",
    "read_verdicts",
]
