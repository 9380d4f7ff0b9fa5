"""The demo's candidates: the bundled model samples answers to a few HH-RLHF prompts, written as
an unranked version with lineage, and a ranking project over them waits for annotators."""

from __future__ import annotations

import mentor
from mentor.datasets.transforms import RecordFilter
from mentor.demo import candidates
from tests.conftest import HH


def test_demo_generates_candidates_and_opens_a_ranking_project(
    sqlite_ws: mentor.Workspace,
) -> None:
    hh = sqlite_ws.datasets.import_file(HH, "hh", map="hh-rlhf")
    single = sqlite_ws.datasets.filter(hh.version.ref, RecordFilter(single_turn=True))
    made, opened = list(candidates.steps(sqlite_ws, single.ref))
    assert made.command.startswith(f"mentor generate {single.ref} --provider smollm2")
    ref = made.result.split(":")[0]
    records = list(sqlite_ws.datasets.records(ref))
    assert len(records) == candidates.PROMPTS
    for record in records:
        assert record["kind"] == "ranking" and record["unranked"] is True
        assert "ranking" not in record and len(record["responses"]) == candidates.SAMPLES
    assert sqlite_ws.datasets.version(ref).parents == [single.ref]
    project = sqlite_ws.projects.get(candidates.PROJECT)
    assert project.task_type == "ranking" and project.items == candidates.PROMPTS
    assert opened.result.startswith(f"{candidates.PROMPTS} items waiting")
