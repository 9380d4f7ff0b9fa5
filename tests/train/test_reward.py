"""A trained reward model in use: scores as the trainer saw them, held-out preference accuracy
with its interval, and the ``reward`` grader in a real eval run."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import mentor
from mentor.datasets.versions import VersionInfo
from mentor.errors import ConfigError, InputError
from mentor.train.preference_eval import evaluate_run, preference_accuracy
from mentor.train.reward import RewardScorer
from mentor.train.runs import get_run
from tests.train.tiny_models import PREFS, import_prefs, insert_run, tiny_models

pytestmark = pytest.mark.train
__all__ = ["tiny_models"]

trl = pytest.importorskip("trl")


def _conv(row: dict[str, Any], side: str) -> list[dict[str, Any]]:
    return [*row["prompt"], *row[side]]


def test_scores_are_the_ones_the_reward_trainer_computes(tiny_models: tuple[Path, Path]) -> None:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from trl.data_utils import _tokenize
    from trl.trainer.reward_trainer import DataCollatorForPreference

    folder = tiny_models[0]
    scorer = RewardScorer(folder)
    rows = PREFS[:10]
    chosen = [_conv(r, "chosen") for r in rows]
    rejected = [_conv(r, "rejected") for r in rows]
    # TRL's tokenization of prompt + answer, padded by TRL's collator, through the model:
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSequenceClassification.from_pretrained(folder).eval()
    examples = [
        {
            "chosen_ids": _tokenize(tok, c)["input_ids"],
            "rejected_ids": _tokenize(tok, r)["input_ids"],
        }
        for c, r in zip(chosen, rejected, strict=True)
    ]
    batch = DataCollatorForPreference(pad_token_id=tok.pad_token_id)(examples)
    with torch.no_grad():
        expected = model(**batch).logits.squeeze(-1).tolist()
    # 20 conversations of different lengths: two batches of the scorer's 16, padded differently.
    got = scorer.scores(chosen + rejected)
    assert got == pytest.approx(expected, abs=1e-4)
    assert scorer.token_ids(chosen[0]) == examples[0]["chosen_ids"]
    assert len(set(round(s, 4) for s in got)) > 10  # the model tells answers apart
    # Alone or in a batch, a conversation gets the same score.
    assert scorer.scores([rejected[3]]) == pytest.approx([got[13]], abs=1e-4)
    # Loaded once per process.
    assert RewardScorer(folder)._loaded is scorer._loaded


def test_a_folder_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such folder"):
        RewardScorer(tmp_path / "missing")
    with pytest.raises(ConfigError, match=r"no config\.json"):
        RewardScorer(tmp_path)


class Known:
    """A scorer whose reward is the number the answer starts with."""

    def scores(
        self, conversations: Sequence[list[dict[str, Any]]], tools: Sequence[Any] | None = None
    ) -> list[float]:
        return [float(c[-1]["content"].split()[0]) for c in conversations]


def _row(chosen: float, rejected: float) -> dict[str, Any]:
    say = [{"role": "user", "content": "?"}]
    return {
        "prompt": say,
        "chosen": [{"role": "assistant", "content": f"{chosen} a"}],
        "rejected": [{"role": "assistant", "content": f"{rejected} b"}],
    }


def test_accuracy_counts_strict_wins_with_a_wilson_interval() -> None:
    rows = [_row(2, 1)] * 7 + [_row(1, 1)] + [_row(0, 3)] * 2
    acc = preference_accuracy(Known(), rows)
    assert (acc.n, acc.correct, acc.ties) == (10, 7, 1)
    assert acc.accuracy == pytest.approx(0.7)
    # Wilson 95% for 7/10 (statsmodels' proportion_confint(7, 10, method="wilson")).
    assert (acc.ci_low, acc.ci_high) == pytest.approx((0.396774, 0.892208), abs=1e-5)
    assert acc.mean_margin == pytest.approx((7 * 1 + 0 + 2 * -3) / 10)
    empty = preference_accuracy(Known(), [])
    assert (empty.n, empty.accuracy, empty.ci_low) == (0, None, None)
    with pytest.raises(InputError, match="lists of messages"):
        preference_accuracy(Known(), [{"prompt": "?", "chosen": "a", "rejected": "b"}])


def _scored_prefs() -> list[dict[str, Any]]:
    """PREFS with rewards the Known scorer reads: chosen wins on even ids, loses on odd ones."""
    out = []
    for i, rec in enumerate(PREFS):
        win = i % 2 == 0
        out.append(
            {
                **rec,
                "chosen": [{"role": "assistant", "content": f"{1 if win else 0} {i}"}],
                "rejected": [{"role": "assistant", "content": f"{0 if win else 1} {i}"}],
            }
        )
    return out


def test_a_run_is_evaluated_only_on_what_it_did_not_train_on(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    rows = _scored_prefs()
    own = import_prefs(ws, tmp_path, "prefs", rows)
    held = ["p0", "p1", "p2"]
    run_id = insert_run(
        ws, kind="reward", status="succeeded", out_dir=tmp_path, version_id=own, held_out_ids=held
    )
    with ws.engine.connect() as conn:
        run = get_run(conn, run_id)
    on_own = evaluate_run(ws.engine, run, ws.datasets.version("prefs"), scorer=Known())
    assert (on_own.scope, on_own.records, on_own.accuracy.n) == ("held-out", 3, 3)
    assert on_own.accuracy.correct == 2  # p0 and p2
    assert "only its 3 held-out records" in on_own.note
    # Another dataset sharing 4 records the run trained on (p4..p7) and 2 new ones.
    new = [{**r, "id": f"n{i}"} for i, r in enumerate(rows[8:10])]
    import_prefs(ws, tmp_path, "fresh", rows[4:8] + new)
    other = evaluate_run(ws.engine, run, ws.datasets.version("fresh"), scorer=Known())
    assert (other.scope, other.trained_on, other.records) == ("all", 4, 2)
    assert "4 records of fresh@v1 were in run" in other.note


def test_only_a_succeeded_reward_run_is_evaluated(ws: mentor.Workspace, tmp_path: Path) -> None:
    version_id = import_prefs(ws, tmp_path, "prefs", PREFS)
    version: VersionInfo = ws.datasets.version("prefs")
    for kind, status, says in (
        ("sft", "succeeded", "preference accuracy is measured on reward models"),
        ("reward", "failed", "is failed, so it has no model"),
    ):
        run_id = insert_run(ws, kind=kind, status=status, out_dir=tmp_path, version_id=version_id)
        with ws.engine.connect() as conn:
            run = get_run(conn, run_id)
        with pytest.raises(InputError, match=says):
            evaluate_run(ws.engine, run, version, scorer=Known())


def test_the_real_model_gets_an_accuracy_on_held_out_records(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tiny_models: tuple[Path, Path]
) -> None:
    version_id = import_prefs(sqlite_ws, tmp_path, "prefs", PREFS)
    run_id = insert_run(
        sqlite_ws,
        kind="reward",
        status="succeeded",
        out_dir=tiny_models[0].parent,
        version_id=version_id,
        held_out_ids=[f"p{i}" for i in range(6)],
    )
    with sqlite_ws.engine.connect() as conn:
        run = get_run(conn, run_id)
    result = evaluate_run(sqlite_ws.engine, run, sqlite_ws.datasets.version("prefs"))
    acc = result.accuracy
    assert acc.n == 6 and acc.accuracy is not None and acc.ci_low is not None
    assert acc.ci_low <= acc.accuracy <= (acc.ci_high or 0)
    scorer = RewardScorer(tiny_models[0])
    wins = sum(
        a > b
        for a, b in zip(
            scorer.scores([_conv(r, "chosen") for r in PREFS[:6]]),
            scorer.scores([_conv(r, "rejected") for r in PREFS[:6]]),
            strict=True,
        )
    )
    assert acc.correct == wins


SUITE = """\
name: reward-check
cases:
  - id: short
    prompt: What is 2 + 2?
    reference: "4."
    graders: [{type: reward, model: "train:RUN", mode: MODE, threshold: LIMIT}]
  - id: long
    prompt: What is 2 + 2?
    reference: "It is four."
    graders: [{type: reward, model: "train:RUN", mode: MODE, threshold: LIMIT}]
  - id: free
    prompt: Say something.
    graders: [{type: reward, model: "train:RUN", mode: MODE, threshold: LIMIT}]
"""
ANSWERS = {"short": "4.", "long": "Four, I believe, or maybe five.", "free": "Hello there."}


def _run_suite(ws: mentor.Workspace, tmp_path: Path, run_id: int, mode: str, limit: float) -> Any:
    suite = tmp_path / f"{mode}.yaml"
    text = SUITE.replace("RUN", str(run_id)).replace("MODE", mode).replace("LIMIT", str(limit))
    suite.write_text(text, encoding="utf-8")
    answers = tmp_path / "answers.jsonl"
    answers.write_text(
        "".join(json.dumps({"case_id": k, "output": v}) + "\n" for k, v in ANSWERS.items()),
        encoding="utf-8",
    )
    run = ws.evals.run(suite, f"replay:{answers}")
    return {r.case_id: r for r in ws.evals.results(run.id)}


def _reward(scorer: RewardScorer, prompt: str, answer: str) -> float:
    conv = [{"role": "user", "content": prompt}, {"role": "assistant", "content": answer}]
    return scorer.scores([conv])[0]


def test_the_reward_grader_passes_and_fails_answers_in_an_eval_run(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tiny_models: tuple[Path, Path]
) -> None:
    version_id = import_prefs(sqlite_ws, tmp_path, "prefs", PREFS)
    run_id = insert_run(
        sqlite_ws,
        kind="reward",
        status="succeeded",
        out_dir=tiny_models[0].parent,
        version_id=version_id,
    )
    scorer = RewardScorer(tiny_models[0])
    short = _reward(scorer, "What is 2 + 2?", ANSWERS["short"])
    long = _reward(scorer, "What is 2 + 2?", ANSWERS["long"])
    assert short != long
    limit = (short + long) / 2
    scored = _run_suite(sqlite_ws, tmp_path, run_id, "score", limit)
    passed = {k: r.status for k, r in scored.items() if k != "free"}
    assert passed == {
        "short": "passed" if short > long else "failed",
        "long": "passed" if long > short else "failed",
    }
    grade = scored["short"].grades[0]
    assert grade.detail["reward"] == pytest.approx(short, abs=1e-4)
    assert (grade.score > 0.5) == grade.passed
    # Pairwise: the answer against the case's reference; a case without one is skipped.
    paired = _run_suite(sqlite_ws, tmp_path, run_id, "pairwise", 0)
    assert paired["short"].status == "failed"  # the answer is the reference: not above it
    assert paired["short"].grades[0].score == pytest.approx(0.5, abs=1e-3)
    reference = _reward(scorer, "What is 2 + 2?", "It is four.")
    assert paired["long"].status == ("passed" if long > reference else "failed")
    assert paired["free"].grades[0].state == "skipped"
    assert paired["free"].status == "ungraded"


def test_the_reward_grader_refuses_what_is_not_a_reward_model(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tiny_models: tuple[Path, Path]
) -> None:
    version_id = import_prefs(sqlite_ws, tmp_path, "prefs", PREFS)
    sft = insert_run(
        sqlite_ws,
        kind="sft",
        status="succeeded",
        out_dir=tiny_models[1].parent,
        version_id=version_id,
    )
    failed = insert_run(
        sqlite_ws, kind="reward", status="failed", out_dir=tmp_path, version_id=version_id
    )
    for run_id, says in ((sft, "is a sft model, not a reward model"), (failed, "is failed")):
        with pytest.raises(InputError, match=says) as info:
            _run_suite(sqlite_ws, tmp_path, run_id, "score", 0)
        assert info.value.field == "model"


def test_a_reward_run_is_measured_as_the_trainer_measured_it(
    sqlite_ws: mentor.Workspace, tmp_path: Path, tiny_base: Path
) -> None:
    from mentor.train import TrainOptions

    import_prefs(sqlite_ws, tmp_path, "prefs", PREFS + [{**r, "id": f"q{r['id']}"} for r in PREFS])
    options = TrainOptions(held_out=0.3, max_steps=3, batch_size=16, max_length=64)
    run = sqlite_ws.training.train(
        "reward", "prefs@v1", base=str(tiny_base), out=tmp_path / "rm", options=options
    )
    result = evaluate_run(sqlite_ws.engine, run, sqlite_ws.datasets.version("prefs"))
    # One evaluation batch in the trainer: its accuracy and mean margin are over the same pairs.
    assert result.accuracy.n == run.split["held_out_rows"] == len(run.split["held_out_ids"])
    assert result.accuracy.accuracy == pytest.approx(run.final_metrics["eval_accuracy"])
    assert result.accuracy.mean_margin == pytest.approx(run.final_metrics["eval_margin"], abs=0.02)
