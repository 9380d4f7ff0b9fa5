"""Mentor: a workbench for the people who train large language models with human judgment."""

from typing import TYPE_CHECKING

from mentor import lazy
from mentor.errors import MentorError

if TYPE_CHECKING:
    from mentor.datasets.transforms import RecordFilter
    from mentor.workspace import Workspace, connect

__getattr__, __dir__ = lazy.exports(__name__)

__all__ = ["MentorError", "RecordFilter", "Workspace", "connect"]
__version__ = "0.1.0"
