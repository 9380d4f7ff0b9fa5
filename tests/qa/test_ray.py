"""The Ray executor gives exactly what the local process pool gives (select with -m ray)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

import mentor
from tests.conftest import run_cli
from tests.qa.corpus import corpus, eval_items, sentence, sft, write_jsonl

ray = pytest.importorskip("ray", reason="the ray executor needs Ray: pip install 'mentor[ray]'")

pytestmark = pytest.mark.ray
CHECKS = "lint,exact-dup,near-dup,pii,contamination"


@pytest.fixture(scope="module")
def ray_runtime() -> Iterator[None]:
    """A local Ray runtime for this module (the executor uses a running one as it finds it)."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[mentor.Workspace]:
    """2,000 records with the planted problems of the corpus, and more near-duplicates."""
    folder = tmp_path_factory.mktemp("ray")
    rng = random.Random(3)
    rows = corpus(1900)
    for i in range(0, 1900, 97):
        words = rows[i]["messages"][1]["content"].split()
        words[rng.randrange(len(words))] = "edited"
        rows.append(sft(f"near-{i}", rows[i]["messages"][0]["content"], " ".join(words)))
    rows += [sft(f"pad-{i}", sentence(rng), sentence(rng, 30)) for i in range(2000 - len(rows))]
    with mentor.connect(f"sqlite:///{folder / 'm.db'}", home=folder / "h", user="t") as ws:
        ws.datasets.import_file(write_jsonl(folder / "train.jsonl", rows), "train")
        ws.datasets.import_file(write_jsonl(folder / "evals.jsonl", eval_items()), "evals")
        yield ws


def test_ray_findings_are_identical_to_local(
    ray_runtime: None, workspace: mentor.Workspace
) -> None:
    runs = {
        executor: workspace.qa.scan(
            "train@v1", checks=CHECKS, against=("evals",), executor=executor, batch_size=250
        )
        for executor in ("local", "ray")
    }
    assert runs["ray"].executor == "ray"
    assert runs["ray"].findings == runs["local"].findings
    assert runs["ray"].summary == runs["local"].summary
    codes = runs["ray"].summary.by_code
    assert codes["near-dup"]["near-duplicate"] >= 21 and codes["pii"] == {"email": 1}
    assert ray.is_initialized()  # a runtime the scan found running is left running


def test_ray_fix_makes_the_same_version_as_local(
    ray_runtime: None, workspace: mentor.Workspace
) -> None:
    fixes = {"dedup": True, "redact_pii": True, "drop_defects": True}
    local = workspace.qa.fix("train@v1", into="fixed-local", **fixes)
    remote = workspace.qa.fix("train@v1", into="fixed-ray", executor="ray", **fixes)
    assert remote.version.content_hash == local.version.content_hash
    assert remote.removed == local.removed and remote.removed["duplicate"] >= 22


def test_cli_starts_and_stops_its_own_ray_runtime(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    with mentor.connect(db) as ws:
        ws.datasets.import_file(write_jsonl(tmp_path / "t.jsonl", corpus(40)), "t")
    done = run_cli(
        "qa", "scan", "t", "--checks", "lint,exact-dup", "--executor", "ray", "--workers", "2",
        "--batch-size", "10", "--json", db=db,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["executor"] == "ray" and result["summary"]["records"] == 45
    assert result["summary"]["by_code"]["exact-dup"] == {"duplicate": 1, "keeper": 1}
