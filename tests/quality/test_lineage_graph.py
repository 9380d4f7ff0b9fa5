"""Lineage through training: from the released version forward to the run, its model and the
model's eval runs, and from the run back to the annotation project and the source file; the
CLI prints both directions."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

import mentor
from mentor.errors import InputError, NotFoundError
from tests.conftest import run_cli
from tests.quality.training_world import TrainingWorld

pytestmark = pytest.mark.train


def test_lineage_runs_from_project_to_the_eval_runs_of_the_trained_model(
    training_world: TrainingWorld, tmp_path: Path
) -> None:
    world = training_world
    with mentor.connect(world.url, home=tmp_path, user="tester") as ws:
        _check_graphs(ws, world)
    shown = run_cli("datasets", "lineage", world.run.ref, db=world.url)
    assert shown.returncode == 0, shown.stderr
    assert f"annotation project {world.project}" in shown.stdout
    assert f"eval #{world.trained_eval} · tiny-lift" in shown.stdout
    show = run_cli("train", "show", str(world.run.id), "--json", db=world.url)
    assert show.returncode == 0, show.stderr
    found = json.loads(show.stdout)
    assert [n["id"] for n in found["lineage"]["nodes"]][-1] == f"eval:{world.trained_eval}"
    assert found["lift"]["labels"] == {
        "count": 12,
        "basis": "annotations",
        "projects": ["tiny-pairs"],
    }


def _check_graphs(ws: mentor.Workspace, world: TrainingWorld) -> None:
    run, node = world.run, f"training:{world.run.id}"

    forward = ws.quality.lineage(world.release)
    assert forward.root == world.release
    chain = [f"project:{world.project}", world.release, node, run.ref, f"eval:{world.trained_eval}"]
    for parent, child in itertools.pairwise(chain):
        assert (parent, child) in forward.edges
    types = {n.id: n.type for n in forward.nodes}
    assert types[run.ref] == "model" and types[node] == "training_run"
    model = next(n for n in forward.nodes if n.id == run.ref)
    assert model.detail["weights_sha256"] == run.weights_sha256
    # the base model's eval runs measured another model: not this run's descendants
    assert f"eval:{world.base_eval}" not in types and f"eval:{world.other_eval}" not in types
    assert forward.parents_of(node) == [f"base:{run.base_model['sha256'][:12]}", world.release]

    back = ws.quality.lineage(run.ref)
    assert back.root == node
    assert {f"project:{world.project}", "pairs@v1", world.release, run.ref} <= {
        n.id for n in back.nodes
    }
    assert any(n.type == "source" for n in back.nodes)
    assert ws.quality.lineage(f"training:{run.id}").edges == back.edges

    # the project's own dataset was not trained on: nothing forward of it
    assert {n.type for n in ws.quality.lineage("pairs@v1").nodes} == {"source", "version"}


def test_unknown_runs_and_bad_references_are_refused(ws: mentor.Workspace) -> None:
    with pytest.raises(NotFoundError, match="no training run 9"):
        ws.quality.lineage("train:9")
    with pytest.raises(InputError, match="expected a training run id"):
        ws.quality.lineage("train:latest")
