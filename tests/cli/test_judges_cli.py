"""`mentor judges calibrate|list|show|history` as a user types them, on a verdict file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.judges.verdict_world import pair_rows, write_csv, write_jsonl


def test_calibrate_prints_the_figures_and_the_first_disagreements(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    rows = pair_rows(judges=2, pairs=60)
    path = write_csv(tmp_path / "verdicts.csv", rows)
    done = run_cli("judges", "calibrate", "judge-1", "--against", str(path), db=db)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for shown in ("n ", "accuracy", "kappa", "alpha", "Confusion", "Per class", "flip rate"):
        assert shown in out
    assert "first-position win rate" in out and "length bias" in out and "self-preference" in out
    wrong = json.loads(run_cli("judges", "show", "1", "--json", db=db).stdout)
    assert wrong["judge"] == "judge-1" and wrong["n"] == 60
    total = wrong["stats"]["disagreements_total"]
    assert f"Disagreements ({min(total, 10)} of {total})" in out
    assert wrong["disagreements"][0]["item"] in out
    assert "stored calibration 1 of judge-1" in out


def test_every_judge_then_list_show_and_history(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    path = write_jsonl(tmp_path / "v.jsonl", pair_rows(judges=3, pairs=30))
    made = run_cli("judges", "calibrate", "--against", str(path), "--json", db=db)
    assert made.returncode == 0, made.stderr
    assert [c["judge"] for c in json.loads(made.stdout)] == ["judge-0", "judge-1", "judge-2"]
    again = run_cli("judges", "calibrate", "judge-0", "--against", str(path), "--json", db=db)
    assert json.loads(again.stdout)["id"] == 4
    listed = run_cli("judges", "list", "--judge", "judge-0", db=db)
    assert listed.returncode == 0 and "judge-1" not in listed.stdout
    assert listed.stdout.count("judge-0") == 2
    history = run_cli("judges", "history", "judge-0", db=db)
    assert history.returncode == 0, history.stderr
    assert "History of judge-0" in history.stdout and "(new)" not in history.stdout
    shown = run_cli("judges", "show", "2", db=db)
    assert "calibration 2: judge-1" in shown.stdout and "Pairwise bias" in shown.stdout
    assert run_cli("judges", "history", "nobody", db=db).stdout.startswith("no calibrations")


def test_bad_lines_and_ids_are_clear_errors_and_store_nothing(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    rows = pair_rows(pairs=10)
    rows[6]["verdict_ba"] = "B first"
    path = write_jsonl(tmp_path / "v.jsonl", rows)
    bad = run_cli("judges", "calibrate", "judge-0", "--against", str(path), db=db)
    assert bad.returncode == 4
    assert f"{path}:7: field 'verdict_ba': 'B first' is not a verdict" in bad.stderr
    assert json.loads(run_cli("judges", "list", "--json", db=db).stdout) == []
    missing = run_cli("judges", "show", "42", db=db)
    assert missing.returncode == 3 and "no judge calibration 42" in missing.stderr
    no_project = run_cli("judges", "calibrate", "llm-judge", "--against", "nope", db=db)
    assert no_project.returncode == 3 and "no project or verdict file 'nope'" in no_project.stderr
    two = run_cli("judges", "calibrate", "a", "b", "--against", "review", db=db)
    assert two.returncode == 4 and "one grader's name" in two.stderr
