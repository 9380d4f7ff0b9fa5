"""`mentor agreement FILE` on labels exported from another tool."""

from __future__ import annotations

import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from tests.conftest import run_cli

WIDE = "item,ann1,ann2\n1,safe,safe\n2,unsafe,unsafe\n3,safe,unsafe\n4,safe,safe\n5,unsafe,safe\n"


def test_wide_csv_reports_kappa_and_alpha_matching_references(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(WIDE)
    done = run_cli("agreement", str(path), "--annotators", "ann1,ann2", "--item", "item", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    values = {m["name"]: m for m in report["metrics"]}
    a = ["safe", "unsafe", "safe", "safe", "unsafe"]
    b = ["safe", "unsafe", "unsafe", "safe", "safe"]
    assert values["Cohen's kappa"]["value"] == pytest.approx(cohen_kappa_score(a, b))
    coded = np.array([[0 if x == "safe" else 1 for x in a], [0 if x == "safe" else 1 for x in b]])
    alpha = krippendorff.alpha(reliability_data=coded, level_of_measurement="nominal")
    assert values["Krippendorff's alpha (nominal)"]["value"] == pytest.approx(alpha)
    assert values["percent agreement"]["value"] == pytest.approx(0.6)
    low, high = values["Cohen's kappa"]["low"], values["Cohen's kappa"]["high"]
    assert low <= values["Cohen's kappa"]["value"] <= high
    assert report["items"] == 5 and report["annotators"] == ["ann1", "ann2"]


def test_long_jsonl_and_undefined_statistics_are_explained(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    rows = [{"item": i, "annotator": who, "label": "ok"} for i in range(4) for who in "xyz"]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    done = run_cli("agreement", str(path), "--long", "--item", "item", "--json")
    report = json.loads(done.stdout)
    alpha = next(m for m in report["metrics"] if m["name"].startswith("Krippendorff"))
    assert alpha["value"] is None and alpha["undefined"]
    assert report["metrics"][0]["value"] == 1.0  # percent agreement is still defined


def test_bad_label_files_name_the_place(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(WIDE)
    done = run_cli("agreement", str(path), "--annotators", "ann1,ann9")
    assert done.returncode == 4
    assert f"{path}:2: column 'ann9' not found; the columns are item, ann1, ann2" in done.stderr
    done = run_cli("agreement", str(path), "--annotators", "ann1")
    assert done.returncode == 4 and "at least two annotators" in done.stderr
    done = run_cli("agreement", str(path), "--annotators", "ann1,ann2", "--level", "fancy")
    assert done.returncode == 4 and "--level: unknown level 'fancy'" in done.stderr
