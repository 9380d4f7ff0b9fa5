"""Fixing a version (dedup, redaction, dropping defects) and gating releases on its health."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import mentor
from mentor.errors import InputError, NotFoundError
from mentor.qa import GateThresholds
from tests.qa.corpus import EMAIL, corpus, eval_items, sentence, sft, write_jsonl


def _train(ws: mentor.Workspace, tmp_path: Path) -> str:
    ws.datasets.import_file(write_jsonl(tmp_path / "evals.jsonl", eval_items()), "evals")
    return ws.datasets.import_file(
        write_jsonl(tmp_path / "train.jsonl", corpus()), "train"
    ).version.ref


def _ids(ws: mentor.Workspace, ref: str) -> list[str]:
    return [r["id"] for r in ws.datasets.records(ref)]


def test_fix_makes_a_new_version_and_leaves_the_source_as_it_was(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    ref = _train(ws, tmp_path)
    before = ws.datasets.version(ref)
    records_before = list(ws.datasets.records(ref))
    result = ws.qa.fix(ref, dedup=True, redact_pii=True, drop_defects=True, note="release prep")
    assert result.removed == {"duplicate": 2, "defect": 1}
    assert result.changed == {"redacted": 1}
    new = result.version
    assert new.ref == "train@v2" and new.record_count == 62
    assert new.transform == "qa-fix" and new.parents == [ref] and new.note == "release prep"
    assert new.params == {
        "from": ref,
        "dedup": True,
        "redact_pii": True,
        "drop_defects": True,
        "defect_severity": "low",
        "removed": {"duplicate": 2, "defect": 1},
        "changed": {"redacted": 1},
    }
    kept = {r["id"]: r for r in ws.datasets.records(new.ref)}
    assert {"exact-copy", "near-copy", "empty-turn"}.isdisjoint(kept) and "r3" in kept
    reply = kept["has-email"]["messages"][1]["content"]
    assert reply.startswith("Write to <EMAIL> for the invoice.") and EMAIL not in reply
    assert ws.datasets.version(ref) == before and list(ws.datasets.records(ref)) == records_before


def test_a_clean_copy_survives_when_the_first_of_its_cluster_is_a_defect(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    rng = random.Random(1)
    user, reply = sentence(rng), sentence(rng, 40)
    rows = [
        sft("broken", user, reply[:-1] + " cafÃ© ."),
        sft("clean", user, reply),
        sft("other", sentence(rng), sentence(rng, 40)),
    ]
    ref = sqlite_ws.datasets.import_file(write_jsonl(tmp_path / "k.jsonl", rows), "k").version.ref
    result = sqlite_ws.qa.fix(ref, dedup=True, drop_defects=True)
    assert result.removed == {"defect": 1}
    assert _ids(sqlite_ws, result.version.ref) == ["clean", "other"]


def test_nothing_to_fix_makes_no_version(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    ref = sqlite_ws.datasets.import_file(
        write_jsonl(tmp_path / "c.jsonl", corpus(20)[:20]), "c"
    ).version
    result = sqlite_ws.qa.fix(ref.ref, dedup=True, redact_pii=True)
    assert result.unchanged and result.version == ref and result.removed == {}
    assert len(sqlite_ws.datasets.versions("c")) == 1


def test_a_failing_fix_writes_nothing(ws: mentor.Workspace, tmp_path: Path) -> None:
    rows = [sft(f"e{i}", " ", "Nothing to see.") for i in range(3)]
    ref = ws.datasets.import_file(write_jsonl(tmp_path / "bad.jsonl", rows), "bad").version.ref
    with pytest.raises(InputError, match="remove every record"):
        ws.qa.fix(ref, drop_defects=True)
    with pytest.raises(InputError, match="nothing to fix"):
        ws.qa.fix(ref)
    with pytest.raises(InputError) as caught:
        ws.qa.fix(ref, drop_defects=True, defect_severity="awful")
    assert caught.value.where == "--defect-severity"
    with pytest.raises(InputError, match="not a usable dataset name"):
        ws.qa.fix(ref, drop_defects=True, into="no spaces please")
    with pytest.raises(NotFoundError):
        ws.qa.fix("missing@v1", dedup=True)
    assert [v.ref for v in ws.datasets.versions("bad")] == [ref]
    assert [d.name for d in ws.datasets.all()] == ["bad"]


def test_gate_passes_or_fails_with_reasons(sqlite_ws: mentor.Workspace, tmp_path: Path) -> None:
    ref = _train(sqlite_ws, tmp_path)
    loose = sqlite_ws.qa.gate(ref, max_defect_rate=0.05, max_pii={"high": 0})
    assert loose.passed and loose.reasons == ()
    assert [(c.name, c.value) for c in loose.criteria] == [
        ("defect rate", pytest.approx(1 / 65)),
        ("pii high+", 0),
    ]
    strict = sqlite_ws.qa.gate(
        ref,
        max_defect_rate=0.01,
        max_pii={"medium": 0},
        max_contamination=0,
        max_exact_dup_rate=0,
        max_near_dup_rate=0.05,
        against=("evals",),
    )
    assert not strict.passed
    assert strict.reasons == (
        "defect rate 1.54% is over the limit 1.00%",
        "exact-duplicate rate 1.54% is over the limit 0.00%",
        "PII findings of severity medium or worse: 1 (limit 0)",
        "evaluation items found in the training data: 1 (limit 0)",
    )
    near = next(c for c in strict.criteria if c.name == "near-dup rate")
    assert near.passed and near.value == pytest.approx(2 / 65)
    audited = sqlite_ws.audit(object_id=ref)[0]
    assert audited.action == "qa.gate" and audited.detail["passed"] is False
    assert audited.detail["reasons"] == list(strict.reasons)


def test_the_fixed_version_passes_the_gate_the_source_failed(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    ref = _train(sqlite_ws, tmp_path)
    limits = GateThresholds(
        max_defect_rate=0, max_pii={"low": 0}, max_exact_dup_rate=0, max_near_dup_rate=0
    )
    assert not sqlite_ws.qa.gate(ref, limits).passed
    fixed = sqlite_ws.qa.fix(ref, dedup=True, redact_pii=True, drop_defects=True).version
    assert sqlite_ws.qa.gate(fixed.ref, limits).passed


def test_thresholds_come_from_yaml_and_flags_win(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    ref = _train(sqlite_ws, tmp_path)
    config = tmp_path / "gate.yaml"
    config.write_text("max_defect_rate: 0.0\nmax_pii:\n  high: 0\n  medium: 0\n")
    from_file = sqlite_ws.qa.gate(ref, config=config)
    assert [c.name for c in from_file.criteria] == ["defect rate", "pii high+", "pii medium+"]
    assert not from_file.passed
    relaxed = sqlite_ws.qa.gate(ref, config=config, max_defect_rate=0.1, max_pii={"medium": 5})
    assert relaxed.passed
    assert [c.limit for c in relaxed.criteria] == [0.1, 0, 5]


@pytest.mark.parametrize(
    ("text", "where", "field"),
    [
        ("max_defect_rate: 1.5\n", "gate.yaml", "max_defect_rate"),
        ("max_pii: {severe: 0}\n", "gate.yaml", "max_pii"),
        ("max_dup_rate: 0.1\n", "gate.yaml", "max_dup_rate"),
        ("max_contamination: lots\n", "gate.yaml", "max_contamination"),
        ("max_pii: [\n", "gate.yaml", None),
    ],
)
def test_a_bad_gate_file_names_the_file_and_the_key(
    sqlite_ws: mentor.Workspace, tmp_path: Path, text: str, where: str, field: str | None
) -> None:
    config = tmp_path / "gate.yaml"
    config.write_text(text)
    with pytest.raises(InputError) as caught:
        sqlite_ws.qa.gate("anything", config=config)
    assert caught.value.where is not None and caught.value.where.endswith(where)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("limits", "where"),
    [
        ({"max_defect_rate": 2.0}, "--max-defect-rate"),
        ({"max_near_dup_rate": -0.1}, "--max-near-dup-rate"),
        ({"max_pii": {"severe": 0}}, "--max-pii"),
        ({"max_pii": {"high": -1}}, "--max-pii"),
        ({"max_contamination": 0}, "--against"),
        ({}, "--config"),
    ],
)
def test_bad_thresholds_name_the_flag(
    sqlite_ws: mentor.Workspace, tmp_path: Path, limits: dict[str, object], where: str
) -> None:
    ref = _train(sqlite_ws, tmp_path)
    with pytest.raises(InputError) as caught:
        sqlite_ws.qa.gate(ref, **limits)
    assert caught.value.where == where
    with pytest.raises(InputError, match=r"missing\.yaml"):
        sqlite_ws.qa.gate(ref, config=tmp_path / "missing.yaml")


def test_fix_and_gate_agree_on_what_counts_as_a_defect(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    rng = random.Random(5)
    rows = [
        sft("clean", sentence(rng), sentence(rng, 30)),
        sft("medium", sentence(rng), sentence(rng, 30)[:-1] + " cafÃ© ."),
        sft("low", sentence(rng), sentence(rng, 30)[:-1] + " a&amp;b ."),
    ]
    ref = sqlite_ws.datasets.import_file(write_jsonl(tmp_path / "d.jsonl", rows), "d").version.ref
    fixed = sqlite_ws.qa.fix(ref, drop_defects=True, defect_severity="medium")
    assert _ids(sqlite_ws, fixed.version.ref) == ["clean", "low"]
    strict = sqlite_ws.qa.gate(fixed.version.ref, max_defect_rate=0)
    assert not strict.passed and strict.criteria[0].value == 0.5
    medium = sqlite_ws.qa.gate(fixed.version.ref, max_defect_rate=0, defect_severity="medium")
    assert medium.passed
    with pytest.raises(InputError) as caught:
        sqlite_ws.qa.gate(ref, max_defect_rate=0, defect_severity="dire")
    assert caught.value.where == "--defect-severity"
