"""Annotation projects: guidelines, task types, queues, gold, review, adjudication, release."""

from typing import TYPE_CHECKING

from mentor import lazy

if TYPE_CHECKING:
    from mentor.annotate.adjudication import Adjudication, Dispute
    from mentor.annotate.annotations import Annotation, LabelRows
    from mentor.annotate.clarifications import Clarification
    from mentor.annotate.forms import FormFields
    from mentor.annotate.gold import GoldAccuracy, GoldScore, gold_accuracy
    from mentor.annotate.guidelines import GuidelineClarification, GuidelineVersion
    from mentor.annotate.items import GoldItem, ItemInfo
    from mentor.annotate.members import Member, NotAMemberError
    from mentor.annotate.prelabels import (
        ModelPreLabeler,
        PreLabeler,
        PrelabelResult,
        RecordPreLabeler,
        register_prelabeler,
    )
    from mentor.annotate.progress import AnnotatorProgress, MyProgress, ProjectProgress
    from mentor.annotate.projects import ProjectInfo, ProjectSettings
    from mentor.annotate.queues import Task
    from mentor.annotate.release import ReleaseResult
    from mentor.annotate.reviews import Review, ReviewTask
    from mentor.annotate.service import Projects
    from mentor.annotate.submissions import Submission
    from mentor.annotate.task_config import TaskConfig, read_task_config
    from mentor.annotate.tasks import (
        Keys,
        TaskType,
        TaskTypeBase,
        TaskTypeInfo,
        register_task_type,
        task_types,
    )

__getattr__, __dir__ = lazy.exports(__name__)

__all__ = [
    "Adjudication",
    "Annotation",
    "AnnotatorProgress",
    "Clarification",
    "Dispute",
    "FormFields",
    "GoldAccuracy",
    "GoldItem",
    "GoldScore",
    "GuidelineClarification",
    "GuidelineVersion",
    "ItemInfo",
    "Keys",
    "LabelRows",
    "Member",
    "ModelPreLabeler",
    "MyProgress",
    "NotAMemberError",
    "PreLabeler",
    "PrelabelResult",
    "ProjectInfo",
    "ProjectProgress",
    "ProjectSettings",
    "Projects",
    "RecordPreLabeler",
    "ReleaseResult",
    "Review",
    "ReviewTask",
    "Submission",
    "Task",
    "TaskConfig",
    "TaskType",
    "TaskTypeBase",
    "TaskTypeInfo",
    "gold_accuracy",
    "read_task_config",
    "register_prelabeler",
    "register_task_type",
    "task_types",
]
