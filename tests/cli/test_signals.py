"""`kill` or `timeout` ends a command like Ctrl-C does: its clean-up runs, nothing is left, and
the exit status says which signal ended it."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

# A command that is writing a temporary file when the signal comes, in an async task as
# `generate` and `eval run` are, run the way `mentor` runs its commands.
BODY = """
import asyncio, os, signal, sys, time
import typer
from mentor.cli.main import _stop_cleanly_on_termination, run

app = typer.Typer()

@app.command()
def write(tmp: str, name: str) -> None:
    async def call(first: bool) -> None:  # one of several calls in flight
        await asyncio.sleep(0.1)
        if first:  # the signal comes while this call runs code of its own (as a local model)
            os.kill(os.getpid(), getattr(signal, name))
            time.sleep(1)
        await asyncio.sleep(30)

    async def slowly() -> None:
        open(tmp, "w").write("half")
        try:
            async with asyncio.TaskGroup() as group:
                for i in range(3):
                    group.create_task(call(i == 0))
        finally:
            os.remove(tmp)
    asyncio.run(slowly())

_stop_cleanly_on_termination()
run(app, sys.argv[1:])
"""


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_terminated_command_runs_its_clean_up(tmp_path: Path, name: str) -> None:
    tmp = tmp_path / ".out.jsonl.tmp"
    done = subprocess.run(
        [sys.executable, "-c", BODY, str(tmp), name], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 128 + getattr(signal, name), done.stderr
    assert not tmp.exists()
    assert "Traceback" not in done.stderr and "never retrieved" not in done.stderr
