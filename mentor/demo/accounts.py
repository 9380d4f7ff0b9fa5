"""Demo steps: users a new workspace starts with (owned by mentor.accounts)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from mentor.demo.steps import DemoStep
from mentor.workspace import Workspace


def steps(ws: Workspace, out: Path) -> Iterator[DemoStep]:
    """Nothing yet: this area is being built."""
    del ws, out
    yield from ()
