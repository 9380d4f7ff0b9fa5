"""Mentor: a workbench for the people who train large language models with human judgment."""

from mentor.errors import MentorError
from mentor.workspace import Workspace, connect

__all__ = ["MentorError", "Workspace", "connect"]
__version__ = "0.1.0"
