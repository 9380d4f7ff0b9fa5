"""The accounts facade a Workspace hands out as ``ws.accounts``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mentor.workspace import Workspace


class Accounts:
    """Users, roles and tokens of one workspace."""

    def __init__(self, ws: Workspace):
        self.ws = ws
