"""The whole loop on a small input, with lineage checked at every hop: prompts -> generated
candidates -> a ranking project -> released rankings -> a reward model and a DPO policy -> an
eval run of the policy, graded by the reward model."""

from __future__ import annotations

from pathlib import Path

import pytest

import mentor
from mentor.generate import GenerateOptions
from mentor.train import TrainOptions
from tests.annotate.project_world import GUIDE
from tests.datasets.test_import import write_jsonl

pytestmark = pytest.mark.train
pytest.importorskip("trl")

PROMPTS = [
    {"id": f"q{i}", "kind": "sft", "messages": [{"role": "user", "content": text}]}
    for i, text in enumerate(
        ["Name a colour.", "Say hello.", "Count to three.", "Name a fruit.", "Greet a cat."]
    )
]
SUITE = """\
name: loop
cases:
  - {id: hi, prompt: Say hi., reference: Hello there., graders: [{type: length, min_chars: 1}]}
  - {id: sky, prompt: "What colour is the sky?", reference: Blue.,
     graders: [{type: reward, model: "train:RM", mode: pairwise}]}
"""
FAST = TrainOptions(max_steps=2, batch_size=2, max_length=64, learning_rate=1e-3, held_out=0.2)


def test_generate_rank_release_train_evaluate_with_lineage_at_every_hop(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tiny_base: Path
) -> None:
    ws = sqlite_ws
    ws.datasets.import_file(write_jsonl(tmp_path / "p.jsonl", PROMPTS), "prompts")
    # hop 1: the tiny base writes candidates (garbage, quickly)
    made = ws.generations.run(
        "prompts@v1",
        [f"hf:{tiny_base}"],
        samples=2,
        params={"max_tokens": 4, "temperature": 1.0},
        options=GenerateOptions(concurrency=1),
    )
    assert made.version is not None
    candidates = made.version.ref
    assert ws.quality.lineage(candidates).parents_of(candidates) == ["prompts@v1"]
    # hop 2: people rank them in a project, which releases a version of rankings
    ws.projects.create("rank", dataset=candidates, task="ranking", guideline=GUIDE)
    while (task := ws.projects.next_item("rank", "ana")) is not None:
        ws.projects.submit(
            "rank",
            task.item_id,
            {"ranking": ["B", "A"]},
            client_id=str(task.item_id),
            annotator="ana",
        )
    released = ws.projects.release("rank").version.ref
    graph = ws.quality.lineage(released)
    assert candidates in graph.parents_of(released)
    assert any(n.type == "project" and n.label.startswith("rank") for n in graph.nodes)
    # hop 3: a reward model and a DPO policy train on the release
    rm = ws.training.train(
        "reward", released, base=str(tiny_base), out=tmp_path / "rm", options=FAST
    )
    dpo = ws.training.train(
        "dpo", released, base=str(tiny_base), out=tmp_path / "dpo", options=FAST
    )
    assert rm.status == dpo.status == "succeeded"
    assert rm.dataset_ref == dpo.dataset_ref == released
    held = ws.training.evaluate(rm.id)
    assert held.scope == "held-out" and held.accuracy.n >= 1
    # hop 4: the policy answers a suite, graded by the reward model
    suite = tmp_path / "loop.yaml"
    suite.write_text(SUITE.replace("train:RM", f"train:{rm.id}"))
    evaluated = ws.evals.run(suite, dpo.ref, {"max_tokens": 4, "temperature": 0})
    assert evaluated.status == "completed" and evaluated.fingerprint["model"] == dpo.ref
    grades = {r.case_id: r for r in ws.evals.results(evaluated.id)}
    (reward,) = grades["sky"].grades
    assert reward.grader == "reward" and reward.state == "graded" and reward.score is not None
    # lineage reads from the eval run back to the prompts
    graph = ws.quality.lineage(dpo.ref)
    ids = {n.id for n in graph.nodes}
    assert {f"eval:{evaluated.id}", dpo.ref, f"training:{dpo.id}", released, candidates} <= ids
    assert "prompts@v1" in ids
    assert (f"training:{dpo.id}", dpo.ref) in graph.edges
    assert (dpo.ref, f"eval:{evaluated.id}") in graph.edges
