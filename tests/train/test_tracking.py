"""A training run tracked in MLflow, read back from a real local store (SQLite or files)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mentor.errors import ConfigError
from mentor.train.tracking import MlflowTracker, TrackedDataset, uri_from
from tests.servers import _free_port

mlflow = pytest.importorskip("mlflow")

HASH = "9f2c" * 16
DATA = TrackedDataset(ref="prefs@v3", content_hash=HASH, records=120, kind="preference")
PARAMS = {
    "learning_rate": 5e-6,
    "lora": False,
    "limit": None,
    "base_model": {"spec": "smollm2", "sha256": "ab" * 32},
    "split": {"seed": 0, "held_out_ids": ["r1", "r2"]},
    "notes": "x" * 7000,
    **{f"extra_{i}": i for i in range(150)},
}


@pytest.fixture(scope="module")
def sqlite_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One SQLite store for the module (MLflow migrates a new one for a second or more).

    MLflow puts artifacts under ./mlruns of the directory it runs in: here, not the repository.
    """
    folder = tmp_path_factory.mktemp("mlflow")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        yield f"sqlite:///{folder / 'mlflow.db'}"


@pytest.fixture(params=["sqlite", "file"])
def store(
    request: pytest.FixtureRequest, sqlite_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A tracking URI on disk."""
    if request.param == "file":
        # MLflow 3 keeps the file store in maintenance mode behind this switch.
        monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
        return (tmp_path / "mlruns").as_uri()
    return sqlite_uri


def _start(uri: str) -> MlflowTracker:
    return MlflowTracker.start(
        uri,
        experiment="mentor-dpo",
        run_name="train-7",
        params=PARAMS,
        tags={"mentor.run_id": "7", "mentor.kind": "dpo"},
        dataset=DATA,
    )


def test_a_run_logs_params_metrics_dataset_and_model(store: str, tmp_path: Path) -> None:
    model = tmp_path / "out" / "model"
    model.mkdir(parents=True)
    (model / "mentor-train.json").write_text(json.dumps({"run_id": 7}))

    tracker = _start(store)
    for step, loss in ((1, 0.69), (2, 0.55), (3, 0.41)):
        tracker.log_metrics(step, {"loss": loss, "rewards/margins": step / 10})
    info = tracker.finish(
        status="succeeded", final_metrics={"eval_loss": 0.4}, model_path=str(model)
    )

    client = mlflow.MlflowClient(tracking_uri=store)
    assert info == {
        "tracking_uri": store,
        "experiment_id": tracker.experiment_id,
        "run_id": tracker.run_id,
    }
    assert client.get_experiment_by_name("mentor-dpo").experiment_id == info["experiment_id"]
    run = client.get_run(info["run_id"])
    assert run.info.status == "FINISHED" and run.info.run_name == "train-7"
    params = run.data.params
    assert len(params) == 158  # 150 extras + 8 flattened: more than one batch of 100
    assert params["learning_rate"] == "5e-06" and params["lora"] == "False"
    assert params["limit"] == "None" and params["base_model.spec"] == "smollm2"
    assert params["split.held_out_ids"] == '["r1", "r2"]'
    assert len(params["notes"]) == 6000
    history = client.get_metric_history(info["run_id"], "loss")
    assert [(m.step, m.value) for m in history] == [(1, 0.69), (2, 0.55), (3, 0.41)]
    assert [m.step for m in client.get_metric_history(info["run_id"], "rewards/margins")] == [
        1,
        2,
        3,
    ]
    assert run.data.metrics["final/eval_loss"] == 0.4
    (entry,) = run.inputs.dataset_inputs
    assert entry.dataset.name == "prefs@v3" and entry.dataset.digest == HASH[:32]
    assert json.loads(entry.dataset.source) == {"ref": "prefs@v3", "content_hash": HASH}
    assert json.loads(entry.dataset.profile) == {"num_rows": 120, "kind": "preference"}
    assert {t.key: t.value for t in entry.tags}["mlflow.data.context"] == "training"
    tags = run.data.tags
    assert tags["mentor.model_path"] == str(model.resolve())
    assert tags["mentor.content_hash"] == HASH and tags["mentor.run_id"] == "7"
    assert [a.path for a in client.list_artifacts(info["run_id"], "model")] == [
        "model/mentor-train.json"
    ]


def test_failed_and_interrupted_runs_keep_their_status(sqlite_uri: str) -> None:
    uri = sqlite_uri
    failed = _start(uri)
    failed.log_metrics(1, {"loss": 2.0})
    failed.finish(status="failed", final_metrics={}, model_path=None)
    stopped = _start(uri)
    stopped.finish(status="interrupted", final_metrics={}, model_path=None)

    client = mlflow.MlflowClient(tracking_uri=uri)
    assert client.get_run(failed.run_id).info.status == "FAILED"
    assert client.get_run(stopped.run_id).info.status == "KILLED"
    assert "mentor.model_path" not in client.get_run(failed.run_id).data.tags
    # both runs land in the one experiment
    assert failed.experiment_id == stopped.experiment_id


def test_an_unreachable_server_stops_training_before_it_starts() -> None:
    uri = f"http://127.0.0.1:{_free_port()}"
    began = time.monotonic()
    with pytest.raises(ConfigError) as err:
        _start(uri)
    assert time.monotonic() - began < 10  # MLflow's own client would retry for minutes
    assert "--mlflow" in str(err.value) and uri in str(err.value)


def test_an_unusable_store_names_the_flag_and_uri(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    uri = f"sqlite:///{tmp_path / 'a-file' / 'mlflow.db'}"
    with pytest.raises(ConfigError) as err:
        _start(uri)
    assert "--mlflow" in str(err.value) and uri in str(err.value)


def test_without_mlflow_installed_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "mlflow", None)  # import mlflow now raises ImportError
    with pytest.raises(ConfigError) as err:
        _start(f"sqlite:///{tmp_path / 'mlflow.db'}")
    assert "pip install 'mentor[track]'" in str(err.value)


def test_a_store_that_stops_answering_does_not_stop_training(
    sqlite_uri: str, caplog: pytest.LogCaptureFixture
) -> None:
    tracker = _start(sqlite_uri)

    def down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("store went away")

    tracker._client.log_batch = down  # type: ignore[method-assign]
    tracker.log_metrics(1, {"loss": 1.0})
    tracker.log_metrics(2, {"loss": 0.9})
    warnings = [r for r in caplog.records if "MLflow stopped taking metrics" in r.message]
    assert len(warnings) == 1 and "store went away" in warnings[0].message
    # the run is still closed, and where it lives is returned for the Mentor record
    info = tracker.finish(status="succeeded", final_metrics={"eval_loss": 0.5}, model_path=None)
    assert info["run_id"] == tracker.run_id
    assert any("final metrics" in r.message for r in caplog.records)
    client = mlflow.MlflowClient(tracking_uri=tracker.uri)
    assert client.get_run(tracker.run_id).info.status == "FINISHED"


def test_the_flag_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert uri_from(None) is None
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:///env.db")
    assert uri_from(None) == "sqlite:///env.db"
    assert uri_from("sqlite:///flag.db") == "sqlite:///flag.db"
