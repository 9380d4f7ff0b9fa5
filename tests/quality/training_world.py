"""A training run with its whole lineage, built for real: the tiny pairwise project of
:mod:`tests.quality.builder` released as preferences, a DPO run of the tiny base model on the
release (2 steps), and eval runs of one suite with the base model (``hf:FOLDER``) and with the
trained model (``train:N``), plus a base run of another suite that must not be paired."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import mentor
from mentor.train import TrainingRun, TrainOptions
from tests.conftest import pg_database
from tests.quality.builder import build

# Garbage from a 4-token tiny model: some cases pass whatever it says, some never do, and the
# middle ones depend on what each model writes.
SUITE = """\
name: tiny-lift
cases:
  - {id: any, prompt: Say hello., graders: [{type: length, max_chars: 100000}]}
  - {id: none, prompt: Say goodbye., graders: [{type: length, min_chars: 100000}]}
  - {id: short, prompt: Name a colour., graders: [{type: length, max_chars: 19}]}
  - {id: long, prompt: Name a fruit., graders: [{type: length, min_chars: 12}]}
"""
OTHER = """\
name: other
cases:
  - {id: other, prompt: Count to three., graders: [{type: length, max_chars: 100000}]}
"""
PARAMS = {"max_tokens": 4, "temperature": 0}
LABELS = 12  # 4 released items x 3 annotators (builder.LABELS), none held out


@dataclass(frozen=True)
class TrainingWorld:
    """What was built: the database, the release, the run and the eval runs by role."""

    url: str
    release: str
    project: str
    run: TrainingRun
    base_eval: int
    trained_eval: int
    other_eval: int


def build_training_world(
    ws: mentor.Workspace, url: str, folder: Path, tiny_base: Path
) -> TrainingWorld:
    """Release, train, evaluate the base and the trained model (in that order)."""
    pytest.importorskip("trl")
    built = build(ws, folder)
    run = ws.training.train(
        "dpo",
        built.release,
        base=str(tiny_base),
        out=folder / "run",
        options=TrainOptions(max_steps=2, batch_size=2, max_length=64, held_out=0.0),
    )
    suite, other = folder / "lift.yaml", folder / "other.yaml"
    suite.write_text(SUITE, encoding="utf-8")
    other.write_text(OTHER, encoding="utf-8")
    base_eval = ws.evals.run(suite, f"hf:{tiny_base}", PARAMS).id
    other_eval = ws.evals.run(other, f"hf:{tiny_base}", PARAMS).id
    trained_eval = ws.evals.run(suite, run.ref, PARAMS).id
    return TrainingWorld(
        url, built.release, built.project, run, base_eval, trained_eval, other_eval
    )


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def training_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, tiny_base: Path
) -> Iterator[TrainingWorld]:
    """One world per backend for the whole session (the tests only read it)."""
    folder = tmp_path_factory.mktemp(f"training-world-{request.param}")
    if request.param == "sqlite":
        yield _built(f"sqlite:///{folder / 'mentor.db'}", folder, tiny_base)
        return
    with pg_database(request.getfixturevalue("pg_server")) as url:
        yield _built(url, folder, tiny_base)


def _built(url: str, folder: Path, tiny_base: Path) -> TrainingWorld:
    with mentor.connect(url, home=folder / "home", user="tester") as ws:
        return build_training_world(ws, url, folder, tiny_base)
