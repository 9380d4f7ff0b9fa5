"""The evaluation facade a Workspace hands out as ``ws.evals``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mentor.workspace import Workspace


class Evals:
    """Suites, runs and gates of one workspace."""

    def __init__(self, ws: Workspace):
        self.ws = ws
