"""Numbers on the command line that no database integer can hold get a clear error (exit 4),
not a traceback, and change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

HUGE = str(2**64)


@pytest.mark.parametrize(
    "args",
    [
        ("users", "token", "revoke", HUGE),
        ("eval", "runs", "--limit", HUGE),
        ("audit", "--limit", HUGE),
    ],
)
def test_a_number_past_64_bits_is_refused_with_the_limit(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    done = run_cli(*args, db=db)
    assert done.returncode == 4, done.stderr
    assert "too large" in done.stderr and "9,223,372,036,854,775,807" in done.stderr
    assert "Traceback" not in done.stderr
