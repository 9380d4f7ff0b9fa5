"""Starter suites shipped with Mentor: regression, adversarial (red-team) and over-refusal.

They live as YAML files in ``mentor/evals/starter/`` and load like any suite file:
``mentor eval run $(python -m mentor.evals.starters adversarial) ...`` or, in Python,
``load_suite(starter_path("adversarial"))``.
"""

from __future__ import annotations

import sys
from importlib.resources import as_file, files
from pathlib import Path
from typing import Final

from mentor.errors import NotFoundError
from mentor.evals.cases import Suite
from mentor.evals.suites import load_suite

STARTERS: Final = {
    "regression": "factual Q&A, JSON and format, arithmetic, instruction following, groundedness",
    "adversarial": "red-team requests to refuse: weapons, self-harm, hacking, fraud, privacy, "
    "hate, jailbreaks",
    "over-refusal": "safe requests that look unsafe; refusing them is over-refusal",
}


def starter_path(name: str) -> Path:
    """The file of starter suite `name` (one of STARTERS)."""
    if name not in STARTERS:
        raise NotFoundError(
            f"no starter suite '{name}'; the starter suites are {', '.join(STARTERS)}"
        )
    with as_file(files("mentor.evals") / "starter" / f"{name}.yaml") as path:
        return Path(path)


def load_starter(name: str) -> Suite:
    """The starter suite `name`, loaded."""
    return load_suite(starter_path(name))


if __name__ == "__main__":  # print a starter suite's path, for shell use
    print(starter_path(sys.argv[1] if len(sys.argv) > 1 else "regression"))
