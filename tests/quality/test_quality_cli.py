"""`mentor quality report` and `mentor quality kpis` on a workspace with a labelled project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mentor
from tests.conftest import run_cli

from .builder import PRIORITIES, build


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'mentor.db'}"
    with mentor.connect(url, home=tmp_path / "home", user="trina") as ws:
        build(ws, tmp_path)
    return url


def test_report_as_json_and_html(db: str, tmp_path: Path) -> None:
    out = tmp_path / "report" / "tiny.html"
    done = run_cli(
        "quality",
        "report",
        "tiny-pairs",
        "--json",
        "--html",
        str(out),
        "--bootstrap",
        "100",
        "--window",
        "2",
        "--min-gold",
        "2",
        db=db,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    metrics = {m["name"]: m["value"] for m in data["questions"][0]["report"]["metrics"]}
    assert metrics["percent agreement"] == pytest.approx(10 / 18)
    people = {p["annotator"]: p for p in data["people"]}
    assert people["ben"]["gold_accuracy"] == 0.5 and people["cleo"]["alert"]
    html = out.read_text()
    assert html.count("<svg") >= 6 and "<script" not in html
    assert "0.556" in html and "Krippendorff" in html and "cleo&#39;s gold accuracy" in html


def test_report_for_people(db: str) -> None:
    done = run_cli(
        "quality",
        "report",
        "tiny-pairs",
        "--bootstrap",
        "50",
        "--window",
        "2",
        "--min-gold",
        "2",
        db=db,
    )
    assert done.returncode == 0, done.stderr
    assert "percent agreement" in done.stdout and "0.556" in done.stdout
    assert "below the alert threshold 80%" in done.stdout + done.stderr


def test_kpis_as_json_with_priorities(db: str, tmp_path: Path) -> None:
    priorities = tmp_path / "priorities.yaml"
    priorities.write_text(PRIORITIES)
    done = run_cli("quality", "kpis", "--json", "--priorities", str(priorities), db=db)
    assert done.returncode == 0, done.stderr
    kpis = {k["key"]: k for k in json.loads(done.stdout)["kpis"]}
    assert kpis["qa_pass_rate"]["value"] == pytest.approx(0.75)
    assert kpis["priority_coverage"]["value"] == pytest.approx(1 / 3)
    assert kpis["gold_accuracy"]["shown"] == "50.0%"


def test_errors_name_the_problem(db: str, tmp_path: Path) -> None:
    missing = run_cli("quality", "report", "nope", db=db)
    assert missing.returncode != 0 and "no project named 'nope'" in missing.stderr
    assert "tiny-pairs" in missing.stderr
    bad = run_cli("quality", "report", "tiny-pairs", "--period", "year", db=db)
    assert bad.returncode != 0 and "--period" in bad.stderr
    empty = run_cli("quality", "kpis", db=f"sqlite:///{tmp_path / 'empty.db'}")
    assert empty.returncode == 0 and "no data" in empty.stdout
