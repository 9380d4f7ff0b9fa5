"""``train:RUN``: a trained policy answers an eval suite like any provider, and runs that have no
policy to offer (failed, still running, a reward model) are refused with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

import mentor
from mentor.errors import ConfigError
from mentor.providers import build_provider
from tests.train.tiny_models import PREFS, import_prefs, insert_run, tiny_models

pytestmark = pytest.mark.train
__all__ = ["tiny_models"]

SUITE = """\
name: tiny
cases:
  - id: hello
    prompt: Say hello.
    graders: [{type: length, max_chars: 10000}]
"""


def test_a_trained_policy_answers_an_eval_suite(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tiny_models: tuple[Path, Path]
) -> None:
    version_id = import_prefs(sqlite_ws, tmp_path, "prefs", PREFS)
    policy = tiny_models[1]
    run_id = insert_run(
        sqlite_ws, kind="sft", status="succeeded", out_dir=policy.parent, version_id=version_id
    )
    suite = tmp_path / "tiny.yaml"
    suite.write_text(SUITE, encoding="utf-8")
    run = sqlite_ws.evals.run(suite, f"train:{run_id}", {"max_tokens": 4})
    assert run.model == f"train:{run_id}"
    assert run.fingerprint["run"] == run_id
    assert run.fingerprint["weights_sha256"] == "ab" * 32
    assert run.fingerprint["path"] == str(policy.resolve())
    [result] = list(sqlite_ws.evals.results(run.id))
    assert result.status == "passed" and result.output is not None


@pytest.mark.parametrize(
    ("kind", "status", "error", "says"),
    [
        ("sft", "failed", "out of memory", "train:RUN is failed: out of memory; only a succeeded"),
        ("dpo", "running", None, "train:RUN is running; only a succeeded run"),
        ("reward", "succeeded", None, "train:RUN is a reward model: it scores answers"),
    ],
)
def test_a_run_without_a_policy_is_refused(
    ws: mentor.Workspace,
    tmp_path: Path,
    kind: str,
    status: str,
    error: str | None,
    says: str,
) -> None:
    version_id = import_prefs(ws, tmp_path, "prefs", PREFS)
    run_id = insert_run(
        ws, kind=kind, status=status, out_dir=tmp_path, version_id=version_id, error=error
    )
    with pytest.raises(ConfigError) as info:
        build_provider(f"train:{run_id}", engine=ws.engine)
    assert str(info.value).startswith(says.replace("RUN", str(run_id)))


def test_a_missing_run_or_a_bad_spec_names_what_to_give(ws: mentor.Workspace) -> None:
    with pytest.raises(ConfigError, match="no training run 7; `mentor train runs` lists them"):
        build_provider("train:7", engine=ws.engine)
    with pytest.raises(ConfigError, match="expected a training run id"):
        build_provider("train:latest", engine=ws.engine)
    with pytest.raises(ConfigError, match="needs a run id"):
        build_provider("train", engine=ws.engine)
    with pytest.raises(ConfigError, match="needs a workspace"):
        build_provider("train:1")
