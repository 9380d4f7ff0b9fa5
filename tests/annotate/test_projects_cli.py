"""`mentor projects`: the real command, for people and with --json."""

from __future__ import annotations

import json
from pathlib import Path

import mentor
from tests.annotate.project_world import GUIDE, careful, pairs, work_through, write_jsonl
from tests.conftest import run_cli


def test_create_show_guideline_questions_gold_and_release(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    data = write_jsonl(tmp_path / "pairs.jsonl", pairs(4))
    assert run_cli("datasets", "import", str(data), "--name", "pairs", db=db).returncode == 0
    guide = tmp_path / "guide.md"
    guide.write_text(GUIDE, encoding="utf-8")
    gold = write_jsonl(
        tmp_path / "gold.jsonl", [{"record": r, "answer": {"choice": "A"}} for r in pairs(2, "g")]
    )
    made = run_cli(
        "projects",
        "create",
        "hh",
        "--from",
        "pairs@v1",
        "--task",
        "pairwise",
        "--guideline",
        str(guide),
        "--overlap",
        "2",
        "--gold",
        str(gold),
        "--gold-rate",
        "0.2",
        "--review-rate",
        "0.5",
        "--prelabel",
        "record",
        db=db,
    )
    assert made.returncode == 0, made.stderr
    assert "created project hh" in made.stdout and "2 distinct annotators per item" in made.stdout
    with mentor.connect(db) as ws:
        for who in ("ana", "ben"):
            work_through(ws, "hh", who, careful)
        ws.projects.ask("hh", "What about ties?", annotator="cleo")
    shown = run_cli("projects", "show", "hh", db=db)
    assert shown.returncode == 0, shown.stderr
    assert "4 (4 agreed, 0 adjudicated)" in shown.stdout and "ana" in shown.stdout
    progress = json.loads(run_cli("projects", "show", "hh", "--json", db=db).stdout)["progress"]
    assert (progress["done"], progress["questions_open"]) == (4, 1)
    assert [a["submitted"] for a in progress["annotators"]] == [4, 4]
    listed = json.loads(run_cli("projects", "list", "--json", db=db).stdout)
    assert [(p["name"], p["items"], p["gold_items"]) for p in listed] == [("hh", 4, 2)]
    asked = json.loads(run_cli("projects", "questions", "hh", "--open", "--json", db=db).stdout)
    answered = run_cli("projects", "answer", "hh", str(asked[0]["id"]), "Ties are fine.", db=db)
    assert "published hh@v2" in answered.stdout
    text = run_cli("projects", "guideline", "hh", db=db).stdout
    assert "hh@v2" in text and "Ties are fine." in text
    v1 = json.loads(
        run_cli("projects", "guideline", "hh", "--version", "1", "--json", db=db).stdout
    )
    assert v1["number"] == 1 and v1["missing_sections"] == []
    gold_table = run_cli("projects", "gold", "hh", db=db).stdout
    assert "ben" in gold_table and "100%" in gold_table
    released = run_cli("projects", "release", "hh", "--json", db=db)
    assert released.returncode == 0, released.stderr
    result = json.loads(released.stdout)
    assert result["version"]["ref"] == "hh-labels@v1" and result["records"] == 4
    assert result["version"]["guideline_version"] == "hh@v2"
    tasks = json.loads(run_cli("projects", "tasks", "--json").stdout)
    assert "pairwise" in {t["name"] for t in tasks}


def test_cli_errors_name_the_flag(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    data = write_jsonl(tmp_path / "pairs.jsonl", pairs(2))
    run_cli("datasets", "import", str(data), "--name", "pairs", db=db)
    guide = tmp_path / "guide.md"
    guide.write_text(GUIDE, encoding="utf-8")
    bad = run_cli(
        "projects",
        "create",
        "p",
        "--from",
        "pairs@v1",
        "--task",
        "pairwise",
        "--guideline",
        str(guide),
        "--overlap",
        "0",
        db=db,
    )
    assert bad.returncode == 4 and "--overlap" in bad.stderr
    rubric = run_cli(
        "projects",
        "create",
        "r",
        "--from",
        "pairs@v1",
        "--task",
        "rubric",
        "--guideline",
        str(guide),
        "--criteria",
        str(tmp_path / "missing.yaml"),
        db=db,
    )
    assert (
        rubric.returncode == 4 and "--criteria" in rubric.stderr and "no such file" in rubric.stderr
    )
    criteria = tmp_path / "criteria.yaml"
    criteria.write_text("- name: helpfulness\n  min: 1\n  max: 5\n", encoding="utf-8")
    ok = run_cli(
        "projects",
        "create",
        "r",
        "--from",
        "pairs@v1",
        "--task",
        "rubric",
        "--guideline",
        str(guide),
        "--criteria",
        str(criteria),
        "--json",
        db=db,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["config"]["criteria"][0]["name"] == "helpfulness"
    missing = run_cli("projects", "show", "nope", db=db)
    assert missing.returncode == 3 and "no project named 'nope'" in missing.stderr
