"""Demo steps: the people of the demo workspace, one or more per role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

from mentor.accounts import Role
from mentor.demo.steps import DemoStep
from mentor.workspace import Workspace

PASSWORD: Final = "mentor-demo"
PEOPLE: Final = (
    ("admin", Role.ADMIN),
    ("trina", Role.TRAINER),
    ("rey", Role.REVIEWER),
    ("ana", Role.ANNOTATOR),
    ("ben", Role.ANNOTATOR),
    ("cleo", Role.ANNOTATOR),
    ("vic", Role.VIEWER),
)


def steps(ws: Workspace, out: Path) -> Iterator[DemoStep]:
    """Add the demo's users, all with the password ``mentor-demo``."""
    del out
    for name, role in PEOPLE:
        ws.accounts.add_user(name, role, PASSWORD)
    names = ", ".join(f"{name} ({role.value})" for name, role in PEOPLE)
    yield DemoStep(
        f"mentor users add NAME --role ROLE --password-stdin  # {len(PEOPLE)} users",
        f"{names}; sign in at /login on the address `mentor serve` prints (`make demo`: "
        f"http://127.0.0.1:8000 unless PORT is set) as any of them with the password {PASSWORD}",
    )
