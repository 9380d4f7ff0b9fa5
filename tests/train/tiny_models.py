"""Tiny models saved as ``mentor train`` saves them, and training runs that point at them.

The tiny Llama of tests/train/conftest.py with the real SmolLM2 tokenizer: a reward model (one
score output) and a causal LM, each in ``RUN/model`` with ``mentor-train.json``, built once per
session.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import mentor
from mentor.store.audit import now
from mentor.store.engine import write_transaction
from mentor.store.train_tables import training_runs
from tests.train.conftest import tiny_llama


def _save(model: Any, tokenizer: Any, out: Path, kind: str) -> Path:
    folder = out / "model"
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    note = {"run_id": None, "kind": kind, "dataset_ref": "prefs@v1", "content_hash": "x"}
    (folder / "mentor-train.json").write_text(json.dumps(note), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory, smol_tokenizer: Any) -> tuple[Path, Path]:
    """(reward model folder, causal LM folder), each ``OUT/model``, built once per session."""
    root = tmp_path_factory.mktemp("trained")
    reward = tiny_llama(smol_tokenizer, classifier=True)
    reward.score.weight.data.normal_(0, 1.0)  # rewards spread over a few units, not all ~0
    policy = tiny_llama(smol_tokenizer)
    return (
        _save(reward, smol_tokenizer, root / "reward-run", "reward"),
        _save(policy, smol_tokenizer, root / "sft-run", "sft"),
    )


PREFS = [
    {
        "id": f"p{i}",
        "kind": "preference",
        "prompt": [{"role": "user", "content": f"What is {i} + {i}?"}],
        "chosen": [{"role": "assistant", "content": f"{2 * i}."}],
        "rejected": [{"role": "assistant", "content": f"I think it is {2 * i + 1}, maybe."}],
    }
    for i in range(12)
]


def import_prefs(ws: mentor.Workspace, tmp_path: Path, name: str, rows: list[Any]) -> int:
    """Import `rows` as dataset `name`; its version id."""
    path = tmp_path / f"{name}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    ws.datasets.import_file(path, name)
    return ws.datasets.version(name).id


def insert_run(
    ws: mentor.Workspace,
    *,
    kind: str,
    status: str,
    out_dir: Path,
    version_id: int,
    held_out_ids: list[str] | None = None,
    error: str | None = None,
) -> int:
    """A ``training_runs`` row as a finished ``mentor train`` leaves it; its id."""
    split = {"seed": 0, "held_out": 0.25, "held_out_ids": held_out_ids or []}
    with write_transaction(ws.engine) as conn:
        return int(
            conn.execute(
                training_runs.insert().values(
                    kind=kind,
                    version_id=version_id,
                    dataset_ref="prefs@v1",
                    content_hash="0" * 64,
                    split=split,
                    base_model={"spec": "tiny", "path": "", "sha256": ""},
                    params={},
                    versions={},
                    device="cpu",
                    status=status,
                    error=error,
                    final_metrics={},
                    out_dir=str(out_dir),
                    weights_sha256="ab" * 32 if status == "succeeded" else None,
                    created_by="tester",
                    started_at=now(),
                )
            ).inserted_primary_key[0]
        )
