"""The real `mentor qa` command: summaries, files, fix, gate exit codes and clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mentor
from mentor.cli.main import main
from tests.conftest import run_cli
from tests.qa.corpus import corpus, eval_items, write_jsonl


def _workspace(tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    with mentor.connect(db) as ws:
        for name, rows in (("train", corpus()), ("evals", eval_items())):
            ws.datasets.import_file(write_jsonl(tmp_path / f"{name}.jsonl", rows), name)
    return db


def _mentor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the command in this process (as its entry point does); return exit code and stderr."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


def test_scan_prints_a_summary_and_writes_findings_and_report(tmp_path: Path) -> None:
    db = _workspace(tmp_path)
    findings, html = tmp_path / "f.jsonl", tmp_path / "r.html"
    args = ["--checks", "lint,exact-dup,pii,contamination", "--against", "evals@v1"]
    files = ["--findings", str(findings), "--html", str(html)]
    done = run_cli("qa", "scan", "train@v1", *args, *files, db=db, env={"COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert "train@v1" in done.stdout and "65" in done.stdout
    assert "Findings by check and severity" in done.stdout and "Worst examples" in done.stdout
    assert "empty-turn" in done.stdout and "eval-overlap" in done.stdout
    assert len(findings.read_text().splitlines()) == 5
    assert html.read_text().startswith("<!doctype html>")
    machine = json.loads(run_cli("qa", "scan", "train", *args, "--json", db=db).stdout)
    summary = machine["summary"]
    assert summary["records"] == 65 and summary["by_severity"]["contamination"] == {"high": 1}
    assert machine["executor"] == "local" and machine["findings_file"] is None


def test_scan_of_a_file_needs_no_import(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "raw.jsonl", corpus(10))
    done = run_cli("qa", "scan", str(path), "--checks", "lint", "--json", db=_workspace(tmp_path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["records"] == 15


def test_fix_then_gate(tmp_path: Path) -> None:
    db = _workspace(tmp_path)
    gate = ["--max-defect-rate", "0", "--max-pii", "medium=0", "--max-exact-dup-rate", "0"]
    failed = run_cli("qa", "gate", "train@v1", *gate, db=db)
    assert failed.returncode == 6  # a failed gate, told apart from errors (1-5)
    assert "defect rate 1.54% is over the limit 0.00%" in failed.stderr
    assert "PII findings of severity medium or worse: 1 (limit 0)" in failed.stderr
    assert "FAIL" in failed.stdout
    fixed = run_cli("qa", "fix", "train@v1", "--redact-pii", "--drop-defects", db=db)
    assert fixed.returncode == 0, fixed.stderr
    assert "train@v2 made from train@v1: 64 records" in fixed.stdout
    assert "removed: 1 defect; changed: 1 redacted" in fixed.stdout
    config = tmp_path / "gate.yaml"
    config.write_text("max_defect_rate: 0\nmax_pii: {medium: 0}\nmax_exact_dup_rate: 0.5\n")
    passed = run_cli("qa", "gate", "train@v2", "--config", str(config), "--json", db=db)
    assert passed.returncode == 0, passed.stderr
    verdict = json.loads(passed.stdout)
    assert verdict["passed"] is True and verdict["reasons"] == []
    assert [c["name"] for c in verdict["criteria"]] == [
        "defect rate",
        "exact-dup rate",
        "pii medium+",
    ]


def test_bad_input_is_one_clear_line_and_an_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _workspace(tmp_path)
    monkeypatch.setenv("MENTOR_DB", db)
    monkeypatch.delenv("MENTOR_DEBUG", raising=False)
    cases = [
        (("qa", "scan", "train", "--checks", "lint,spelling"), 4, "--checks: unknown check"),
        (("qa", "scan", "nope@v1", "--checks", "lint"), 3, "no dataset named 'nope'"),
        (("qa", "scan", str(tmp_path / "gone.jsonl")), 4, "no such file"),
        (("qa", "scan", "train", "--option", "near-dup.ngram"), 4, "--option: expected"),
        (("qa", "gate", "train", "--max-defect-rate", "3"), 4, "--max-defect-rate: expected"),
        (("qa", "gate", "train", "--max-pii", "high"), 4, "--max-pii: expected SEVERITY=COUNT"),
        (("qa", "gate", "train", "--max-contamination", "0"), 4, "--against:"),
        (("qa", "fix", "train"), 4, "nothing to fix"),
        (("qa", "scan", "train", "--executor", "spark"), 4, "--executor: unknown executor"),
    ]
    for args, code, message in cases:
        exit_code, err = _mentor(capsys, *args)
        assert exit_code == code, (args, err)
        assert message in err and "Traceback" not in err, (args, err)
    with mentor.connect(db) as ws:
        assert len(ws.datasets.versions("train")) == 1
    done = run_cli("qa", "scan", "train", "--checks", "lint,spelling", db=db)
    assert done.returncode == 4 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: --checks: unknown check 'spelling'")


def test_checks_lists_the_builtin_checks_and_their_options(tmp_path: Path) -> None:
    done = run_cli("qa", "checks", "--json")
    assert done.returncode == 0, done.stderr
    checks = {c["name"]: c for c in json.loads(done.stdout)}
    assert {"lint", "exact-dup", "near-dup", "pii", "contamination"} <= set(checks)
    assert checks["near-dup"]["options"]["threshold"] == 0.8
    assert checks["contamination"]["options"]["n"] == 13
