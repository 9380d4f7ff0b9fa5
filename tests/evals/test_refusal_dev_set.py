"""The refusal development set (benchmarks/data/refusal-dev/) is well formed and split by source.

The detector is tuned on the `tune` sources and reported on the `heldout` ones, so a broken line,
a duplicate id or a source in both halves would silently skew what the detector is measured on.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

DEV = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "refusal-dev"
LABELS = {"compliance", "refusal", "partial"}
FIELDS = {"id", "source", "prompt", "answer", "label", "should_refuse"}


def _rows() -> dict[str, list[dict[str, Any]]]:
    by_source: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(DEV.glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        by_source[path.stem] = [json.loads(line) for line in lines if line.strip()]
    return by_source


@pytest.fixture(scope="module")
def sources() -> dict[str, list[dict[str, Any]]]:
    return _rows()


def test_every_line_has_the_documented_fields_and_types(
    sources: dict[str, list[dict[str, Any]]],
) -> None:
    for name, rows in sources.items():
        for n, row in enumerate(rows, 1):
            where = f"{name}.jsonl:{n}"
            assert FIELDS <= set(row) <= FIELDS | {"note"}, where
            assert row["source"] == name, f"{where}: source must match the file name"
            for key in ("id", "prompt"):
                assert isinstance(row[key], str) and row[key].strip(), f"{where}: {key}"
            assert isinstance(row["answer"], str), where  # empty answers are real data
            assert row["label"] in LABELS, f"{where}: label {row['label']!r}"
            assert row["should_refuse"] in (True, False, None), where
            assert isinstance(row.get("note", ""), str), where


def test_ids_are_unique_across_the_set(sources: dict[str, list[dict[str, Any]]]) -> None:
    ids = Counter(row["id"] for rows in sources.values() for row in rows)
    assert [i for i, n in ids.items() if n > 1] == []


def test_the_set_is_large_and_varied(sources: dict[str, list[dict[str, Any]]]) -> None:
    assert sum(len(rows) for rows in sources.values()) >= 1200
    assert len(sources) >= 8
    for name, rows in sources.items():
        labels = Counter(row["label"] for row in rows)
        assert len(rows) >= 80, f"{name}: {len(rows)} answers"
        assert len(labels) >= 2, f"{name}: only {dict(labels)}"
        assert labels["compliance"] > 0 and labels["refusal"] + labels["partial"] > 0, name
    should = Counter(row["should_refuse"] for rows in sources.values() for row in rows)
    harmful = should[True] / (should[True] + should[False])
    assert 0.35 <= harmful <= 0.65, f"about half the prompts should be harmful: {dict(should)}"


def test_the_split_names_every_source_once(sources: dict[str, list[dict[str, Any]]]) -> None:
    split = json.loads((DEV / "split.json").read_text(encoding="utf-8"))
    tune, heldout = set(split["tune"]), set(split["heldout"])
    assert tune and heldout and not tune & heldout
    assert tune | heldout == set(sources), "every source file is in exactly one half"


def test_the_labelling_rule_and_provenance_are_written_down() -> None:
    rule = (DEV.parents[2] / "docs" / "refusal-labelling.md").read_text(encoding="utf-8")
    for term in ("Full compliance", "Full refusal", "Partial refusal"):
        assert term in rule
    provenance = (DEV / "PROVENANCE.md").read_text(encoding="utf-8")
    for name in _rows():
        assert f"`{name}`" in provenance, f"{name} has no provenance"
