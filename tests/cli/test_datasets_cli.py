"""The real `mentor` command: readable output, --json for machines, clean errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import HH, run_cli
from tests.datasets.test_import import PREF, SFT, write_jsonl


def test_import_show_versions_diff_lineage_export_datasheet(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    done = run_cli("datasets", "import", str(HH), "--name", "hh", "--map", "hh-rlhf", db=db)
    assert done.returncode == 0, done.stderr
    assert "imported 2,312 records as hh@v1" in done.stdout
    made = json.loads(
        run_cli(
            "datasets",
            "import",
            str(write_jsonl(tmp_path / "a.jsonl", [SFT, PREF])),
            "--name",
            "hh",
            "--json",
            db=db,
        ).stdout
    )
    assert made["version"]["ref"] == "hh@v2" and made["imported"] == 2
    versions = json.loads(run_cli("datasets", "versions", "hh", "--json", db=db).stdout)
    assert [(v["ref"], v["record_count"], v["parents"]) for v in versions] == [
        ("hh@v1", 2312, []),
        ("hh@v2", 2, ["hh@v1"]),
    ]
    diff = json.loads(run_cli("datasets", "diff", "hh@v1", "hh@v2", "--json", db=db).stdout)
    assert (diff["added"], diff["removed"]) == (2, 2312)
    lineage = run_cli("datasets", "lineage", "hh@v2", db=db).stdout
    assert "hh@v2" in lineage and "hh@v1" in lineage and "a.jsonl" in lineage
    out = tmp_path / "dpo.jsonl"
    exported = json.loads(
        run_cli("datasets", "export", "hh@v1", "--to", "trl-dpo", str(out), "--json", db=db).stdout
    )
    assert exported["written"] == 2312 and len(out.read_text().splitlines()) == 2312
    sheet = run_cli("datasets", "datasheet", "hh@v1", db=db)
    assert sheet.returncode == 0 and "Datasheet: hh@v1" in sheet.stdout
    listed = json.loads(run_cli("datasets", "list", "--json", db=db).stdout)
    assert [(d["name"], d["version_count"]) for d in listed] == [("hh", 2)]
    audit = json.loads(run_cli("audit", "--json", db=db).stdout)
    assert {"version.create", "version.export", "datasheet.create"} <= {e["action"] for e in audit}


def test_bad_input_is_one_clear_line_and_an_exit_code(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(SFT) + "\n{oops\n")
    done = run_cli("datasets", "import", str(bad), "--name", "x", db=db)
    assert done.returncode == 4
    assert done.stderr.strip().startswith(f"error: {bad}:2: not valid JSON")
    assert "Traceback" not in done.stderr
    missing = run_cli("datasets", "show", "nope@v1", db=db)
    assert missing.returncode == 3 and "no dataset named 'nope'" in missing.stderr
    usage = run_cli("datasets", "import", str(bad), db=db)
    assert usage.returncode == 2 and "--name" in usage.stderr
    skipped = run_cli(
        "datasets",
        "import",
        str(bad),
        "--name",
        "x",
        "--skip-invalid",
        "--json",
        db=db,
        env={"MENTOR_HOME": str(tmp_path / "home")},
    )
    result = json.loads(skipped.stdout)
    assert (result["imported"], result["rejected"]) == (1, 1)
    assert Path(result["quarantine"]).read_text().count("\n") == 1


def test_demo_seeds_a_workspace(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    done = run_cli("demo", "--out", str(tmp_path / "exports"), "--skip-evals", "--json", db=db)
    assert done.returncode == 0, done.stderr
    names = {d["name"] for d in json.loads(run_cli("datasets", "list", "--json", db=db).stdout)}
    assert names == {
        "hh-harmless",
        "instructions",
        "helpfulness-ratings",
        "response-rankings",
        "safety-prefs",
        "harmless-mix",
        "hh-harmless-prefs-labels",  # the annotation project's release
    }
    assert (tmp_path / "exports" / "harmless-mix.trl-dpo.jsonl").exists()
    again = run_cli("demo", "--out", str(tmp_path / "exports"), db=db)
    assert again.returncode == 5 and "--reset" in again.stderr
