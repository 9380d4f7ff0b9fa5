"""The built-in task types (registered in :mod:`mentor.annotate.tasks`)."""

from mentor.annotate.tasktypes.classification import Classification
from mentor.annotate.tasktypes.factcheck import FactCheck
from mentor.annotate.tasktypes.pairwise import Pairwise
from mentor.annotate.tasktypes.ranking import Ranking
from mentor.annotate.tasktypes.rubric import Rubric
from mentor.annotate.tasktypes.sft import Sft
from mentor.annotate.tasktypes.spans import Spans
from mentor.annotate.tasktypes.turns import Turns

__all__ = [
    "Classification",
    "FactCheck",
    "Pairwise",
    "Ranking",
    "Rubric",
    "Sft",
    "Spans",
    "Turns",
]
