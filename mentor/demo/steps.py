"""One step of the demo, told the way the CLI would tell it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoStep:
    """One thing the demo did: the command a user would type, and what came of it."""

    command: str
    result: str
