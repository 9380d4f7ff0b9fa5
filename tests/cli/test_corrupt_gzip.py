"""A damaged .gz file is a clean error (exit 4) naming the file, the line reached and the cause."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

ROWS = "".join(
    json.dumps(
        {
            "messages": [
                {"role": "user", "content": f"q{i} " * 20},
                {"role": "assistant", "content": "a"},
            ]
        }
    )
    + "\n"
    for i in range(3000)
)


def _damaged(tmp_path: Path, how: str) -> Path:
    data = bytearray(gzip.compress(ROWS.encode()))
    if how == "truncated":
        data = data[: len(data) // 2]
    else:  # the CRC-32 in the trailer no longer matches the data
        data[-8] ^= 0xFF
    path = tmp_path / f"{how}.jsonl.gz"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("how", "cause"),
    [
        ("truncated", "the file ends before the end of the compressed data"),
        ("bad-crc", "CRC check failed"),
    ],
)
def test_corrupt_gzip_is_exit_4_with_file_line_and_cause(
    tmp_path: Path, how: str, cause: str
) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    path = _damaged(tmp_path, how)
    done = run_cli("datasets", "import", str(path), "--name", "d", db=db)
    assert done.returncode == 4, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Aborted" not in done.stderr + done.stdout
    message = " ".join(done.stderr.split())
    assert f"{path.name}:" in message and "corrupt gzip file" in message and cause in message
    assert "complete lines" in message and "compressed byte" in message
    if how == "truncated":
        # It names the line it reached: somewhere in the middle, not line 1 or the end.
        line = int(message.split(f"{path.name}:")[1].split(":")[0])
        assert 1 < line < 3000
    # Nothing half-written: no dataset, no version.
    listed = run_cli("datasets", "list", "--json", db=db)
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
