"""`kill` or `timeout` ends a command like Ctrl-C does: its clean-up runs, nothing is left."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

# A command body that is writing a temporary file when the signal comes.
BODY = """
import os, signal, sys, tempfile, time
from mentor.cli.main import _stop_cleanly_on_termination
_stop_cleanly_on_termination()
tmp = sys.argv[1]
open(tmp, "w").write("half")
try:
    os.kill(os.getpid(), getattr(signal, sys.argv[2]))
    time.sleep(30)
finally:
    os.remove(tmp)
"""


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_terminated_command_runs_its_clean_up(tmp_path: Path, name: str) -> None:
    tmp = tmp_path / ".out.jsonl.tmp"
    done = subprocess.run(
        [sys.executable, "-c", BODY, str(tmp), name], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 128 + getattr(signal, name), done.stderr
    assert not tmp.exists()
    assert "Traceback" not in done.stderr
