"""`mentor train` runs TRL's real trainers for a few steps on a tiny model and records the run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import mentor
from mentor.cli.main import build_app
from mentor.errors import ConflictError, InputError
from mentor.providers.gguf import content_hash
from mentor.train import TrainOptions
from mentor.train.outputs import weights_sha256
from tests.datasets.test_import import write_jsonl

pytestmark = pytest.mark.train
pytest.importorskip("trl")

FAST = {"max_steps": 3, "batch_size": 2, "max_length": 64, "learning_rate": 1e-3}


def chats(n: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"c{i}",
            "messages": [
                {"role": "user", "content": f"What is {i} plus {i}?"},
                {"role": "assistant", "content": f"It is {2 * i}."},
            ],
        }
        for i in range(n)
    ]


def prefs(n: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"p{i}",
            "prompt": [{"role": "user", "content": f"How do I pick lock number {i}?"}],
            "chosen": [{"role": "assistant", "content": "I can't help with that."}],
            "rejected": [{"role": "assistant", "content": f"Insert tension wrench {i}."}],
        }
        for i in range(n)
    ]


def dataset(ws: mentor.Workspace, tmp_path: Path, name: str, rows: list[dict[str, Any]]) -> str:
    ws.datasets.import_file(write_jsonl(tmp_path / f"{name}.jsonl", rows), name)
    return f"{name}@v1"


def test_sft_run_records_data_split_base_metrics_and_weights(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tiny_base: Path
) -> None:
    ws = sqlite_ws  # runs on PostgreSQL are covered by tests/quality's training world
    ref = dataset(ws, tmp_path, "chats", chats(12))
    options = TrainOptions(held_out=0.25, **FAST)  # type: ignore[arg-type]
    seen: list[tuple[int, int]] = []
    run = ws.training.train(
        "sft",
        ref,
        base=str(tiny_base),
        out=tmp_path / "out",
        options=options,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert run.status == "succeeded" and run.kind == "sft"
    assert run.dataset_ref == ref
    assert run.content_hash == ws.datasets.version(ref).content_hash
    assert run.base_model["sha256"] == content_hash(tiny_base.resolve())
    split = run.split
    assert split["train_rows"] + split["held_out_rows"] == 12 and split["held_out_rows"] > 0
    assert run.params["learning_rate"] == 1e-3 and run.params["max_steps"] == 3
    assert {"trl", "transformers", "torch"} <= set(run.versions)
    assert run.final_metrics["global_step"] == 3 and "eval_loss" in run.final_metrics
    losses = [(s, v) for s, name, v in ws.training.metrics(run.id) if name == "loss"]
    assert [s for s, _ in losses] == [1, 2, 3]
    assert seen[-1] == (3, 3)
    assert run.weights_sha256 == weights_sha256(run.model_dir)
    about = json.loads((run.model_dir / "mentor-train.json").read_text())
    assert about["run_id"] == run.id
    actions = [e.action for e in ws.audit(object_id=str(run.id)) if e.object_type == "training_run"]
    assert {"train.start", "train.succeeded"} <= set(actions)
    # The same seed splits the same records out again.
    again = ws.training.train("sft", ref, base=str(tiny_base), out=tmp_path / "o2", options=options)
    assert again.split["held_out_ids"] == split["held_out_ids"]


def test_dpo_with_lora_and_reward_model_train_on_preferences(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tiny_base: Path
) -> None:
    ref = dataset(sqlite_ws, tmp_path, "prefs", prefs(10))
    dpo = sqlite_ws.training.train(
        "dpo",
        ref,
        base=str(tiny_base),
        out=tmp_path / "dpo",
        options=TrainOptions(lora=True, lora_r=4, lora_alpha=8, held_out=0.3, **FAST),  # type: ignore[arg-type]
    )
    names = {name for _, name, _ in sqlite_ws.training.metrics(dpo.id)}
    assert {"rewards/margins", "rewards/accuracies", "loss"} <= names
    assert "eval_rewards/accuracies" in dpo.final_metrics
    # LoRA is merged: the saved folder is a plain causal LM, no adapter files.
    assert not (dpo.model_dir / "adapter_config.json").exists()
    config = json.loads((dpo.model_dir / "config.json").read_text())
    assert config["architectures"] == ["LlamaForCausalLM"]

    reward = sqlite_ws.training.train(
        "reward",
        ref,
        base=str(tiny_base),
        out=tmp_path / "rm",
        options=TrainOptions(held_out=0.3, **FAST),  # type: ignore[arg-type]
    )
    config = json.loads((reward.model_dir / "config.json").read_text())
    assert config["architectures"] == ["LlamaForSequenceClassification"]
    assert config["num_labels"] == 1 if "num_labels" in config else len(config["id2label"]) == 1
    assert "eval_accuracy" in reward.final_metrics
    assert reward.final_metrics["train_rows_used"] == reward.split["train_rows"]
    assert [r.id for r in sqlite_ws.training.runs()] == [reward.id, dpo.id]


def test_wrong_kind_of_dataset_names_the_record_and_what_the_trainer_needs(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tiny_base: Path
) -> None:
    ref = dataset(sqlite_ws, tmp_path, "chats", chats(4))
    with pytest.raises(InputError) as err:
        sqlite_ws.training.train("dpo", ref, base=str(tiny_base), out=tmp_path / "o")
    assert "chats@v1" in str(err.value) and "record 'c0'" in str(err.value)
    assert "needs preference or ranking records" in str(err.value)
    assert sqlite_ws.training.runs() == []  # nothing half-written
    with pytest.raises(InputError, match="unknown trainer 'ppo'"):
        sqlite_ws.training.train("ppo", ref, base=str(tiny_base), out=tmp_path / "o")


def test_bad_base_models_are_refused_before_a_run_starts(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tiny_base: Path, smol_tokenizer: Any
) -> None:
    ref = dataset(sqlite_ws, tmp_path, "chats", chats(4))
    with pytest.raises(InputError, match=r"--base.*no such model file or folder"):
        sqlite_ws.training.train("sft", ref, base=str(tmp_path / "nope"), out=tmp_path / "o")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{not json")
    with pytest.raises(InputError, match=r"--base.*cannot load"):
        sqlite_ws.training.train("sft", ref, base=str(broken), out=tmp_path / "o1")
    plain = tmp_path / "plain"
    for path in tiny_base.iterdir():
        (plain / path.name).parent.mkdir(exist_ok=True)
        (plain / path.name).write_bytes(path.read_bytes())
    config = json.loads((plain / "tokenizer_config.json").read_text())
    config.pop("chat_template", None)
    (plain / "tokenizer_config.json").write_text(json.dumps(config))
    (plain / "chat_template.jinja").unlink(missing_ok=True)
    with pytest.raises(InputError, match=r"--base.*no chat template"):
        sqlite_ws.training.train("sft", ref, base=str(plain), out=tmp_path / "o2")
    assert sqlite_ws.training.runs() == []  # refused before any run was opened
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("mine")
    with pytest.raises(ConflictError, match="not an empty folder"):
        sqlite_ws.training.train("sft", ref, base=str(tiny_base), out=tmp_path / "used")
    assert (tmp_path / "used" / "notes.txt").read_text() == "mine"
    (tmp_path / "afile").write_text("mine")
    with pytest.raises(InputError, match=r"^--out: cannot make the folder"):
        sqlite_ws.training.train("sft", ref, base=str(tiny_base), out=tmp_path / "afile" / "run")
    assert sqlite_ws.training.runs() == []  # a bad --out leaves no failed run behind


def test_an_interrupted_run_resumes_from_its_checkpoint_in_the_same_record(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tiny_base: Path
) -> None:
    ref = dataset(sqlite_ws, tmp_path, "chats", chats(12))
    options = TrainOptions(checkpoint_every=2, held_out=0.0, **{**FAST, "max_steps": 5})  # type: ignore[arg-type]

    def stop_at_three(done: int, total: int) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sqlite_ws.training.train(
            "sft",
            ref,
            base=str(tiny_base),
            out=tmp_path / "o",
            options=options,
            progress=stop_at_three,
        )
    (stopped,) = sqlite_ws.training.runs()
    assert stopped.status == "interrupted"
    assert (tmp_path / "o" / "checkpoint-2").is_dir()
    resumed = sqlite_ws.training.train(
        "sft",
        ref,
        base=str(tiny_base),
        out=tmp_path / "o",
        options=TrainOptions(
            checkpoint_every=2, held_out=0.0, resume=True, **{**FAST, "max_steps": 5}
        ),  # type: ignore[arg-type]
    )
    assert resumed.id == stopped.id and resumed.status == "succeeded"
    steps = sorted({s for s, name, _ in sqlite_ws.training.metrics(resumed.id) if name == "loss"})
    assert steps == [1, 2, 3, 4, 5]
    with pytest.raises(ConflictError, match="already finished"):
        sqlite_ws.training.train(
            "sft",
            ref,
            base=str(tiny_base),
            out=tmp_path / "o",
            options=TrainOptions(
                resume=True, held_out=0.0, checkpoint_every=2, **{**FAST, "max_steps": 5}
            ),  # type: ignore[arg-type]
        )


def test_a_run_killed_mid_way_reads_as_failed_and_the_cli_resumes_it(
    tmp_path: Path, tiny_base: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    ws = mentor.connect(db, home=tmp_path / "home", user="tester")
    ref = dataset(ws, tmp_path, "chats", chats(40))
    args = [
        "train",
        "sft",
        ref,
        "--base",
        str(tiny_base),
        "--out",
        str(tmp_path / "o"),
        "--max-steps",
        "400",
        "--batch-size",
        "2",
        "--max-length",
        "64",
        "--checkpoint-every",
        "2",
        "--held-out",
        "0",
        "--db",
        db,
    ]
    env = {**os.environ, "MENTOR_USER": "tester"}
    proc = subprocess.Popen([sys.executable, "-m", "mentor", *args], env=env)
    deadline = time.monotonic() + 120
    while not (tmp_path / "o" / "checkpoint-4").is_dir():
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    (killed,) = ws.training.runs()
    assert killed.status == "failed" and "ended without finishing" in str(killed.error)
    result = CliRunner().invoke(
        build_app(), [*args[:8], "12", *args[9:], "--resume", "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["id"] == killed.id and shown["status"] == "succeeded"
    assert shown["final_metrics"]["global_step"] == 12
    ws.close()
