"""Concurrent writers queue: every import lands as its own version, none is lost or half-written."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import mentor
from tests.datasets.test_import import write_jsonl


def test_concurrent_imports_into_one_dataset_all_land(ws: mentor.Workspace, tmp_path: Path) -> None:
    files = [
        write_jsonl(
            tmp_path / f"f{i}.jsonl",
            [{"id": f"{i}-{j}", "prompt": f"q{i}-{j}", "completion": "a"} for j in range(3000)],
        )
        for i in range(4)
    ]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda f: ws.datasets.import_file(f, "shared"), files))
    refs = sorted(r.version.ref for r in results)
    assert refs == ["shared@v1", "shared@v2", "shared@v3", "shared@v4"]
    for version in ws.datasets.versions("shared"):
        assert version.record_count == 3000
        assert version.parents == ([] if version.number == 1 else [f"shared@v{version.number - 1}"])
    assert json.dumps(sorted(e.action for e in ws.audit())) == json.dumps(
        ["dataset.create"] + ["version.create"] * 4
    )
