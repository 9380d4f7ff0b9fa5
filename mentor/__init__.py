"""Mentor: a workbench for the people who train large language models with human judgment."""

from mentor.datasets import RecordFilter
from mentor.errors import MentorError
from mentor.workspace import Workspace, connect

__all__ = ["MentorError", "RecordFilter", "Workspace", "connect"]
__version__ = "0.1.0"
