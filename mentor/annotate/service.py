"""The annotation facade a Workspace hands out as ``ws.projects``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mentor.workspace import Workspace


class Projects:
    """Annotation projects of one workspace."""

    def __init__(self, ws: Workspace):
        self.ws = ws
