"""A NUL character that reaches the store by a route without its own check is a one-line error
on PostgreSQL (whose text columns cannot hold it), never a driver traceback, and leaves nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mentor
from mentor.errors import InputError
from tests.conftest import pg_database

pytestmark = pytest.mark.postgres


def test_a_nul_in_a_note_given_through_the_sdk_is_a_clear_error(
    pg_server: str, tmp_path: Path
) -> None:
    rows = tmp_path / "a.jsonl"
    chat = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    rows.write_text(json.dumps({"messages": chat}) + "\n", encoding="utf-8")
    with pg_database(pg_server) as url:
        ws = mentor.connect(url, home=tmp_path / "home", user="tester")
        try:
            with pytest.raises(InputError, match="NUL character"):
                ws.datasets.import_file(rows, name="chats", note="see\x00here")
            assert ws.datasets.all() == []
        finally:
            ws.close()
