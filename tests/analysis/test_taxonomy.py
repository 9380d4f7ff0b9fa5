"""Error taxonomies as a trainer keeps them: files checked with their line, versions that never
change, merges and splits, and tags that remember the version they were made under."""

from __future__ import annotations

from pathlib import Path

import pytest

import mentor
from mentor.analysis import parse_taxonomy
from mentor.errors import ConflictError, InputError, NotFoundError
from tests.analysis.runs import TAXONOMY, make_runs, write
from tests.conftest import run_cli


def test_a_taxonomy_file_reads_into_categories() -> None:
    categories = parse_taxonomy(TAXONOMY, "tax.yaml")
    assert [c.name for c in categories] == [
        "missed-refusal",
        "over-refusal",
        "format",
        "wrong-fact",
    ]
    assert categories[0].examples == ("gives the steps to build a weapon",)
    assert categories[0].counterexamples == ("explains why explosives are regulated",)
    assert categories[3].rules == ("grader:contains",)


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("categories:\n  - name: a\n    definition: x\n  - name: b\n", "tax.yaml:4", "definition"),
        (
            "categories:\n  - name: a\n    definition: x\n  - name: a\n    definition: y\n",
            "tax.yaml:4",
            "listed twice",
        ),
        (
            "categories:\n  - name: a\n    definition: x\n    rules: [grader]\n",
            "tax.yaml:4",
            "unknown rule 'grader'",
        ),
        ("categories:\n  - name: a b\n    definition: x\n", "tax.yaml:2", "categories[0].name"),
        ("categories:\n  - &c {name: a, definition: x}\n", "tax.yaml:2", "anchors"),
        ("categories: []\n", "tax.yaml:1", "at least 1"),
    ],
)
def test_a_wrong_taxonomy_file_names_its_line_and_field(text: str, where: str, says: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_taxonomy(text, "tax.yaml")
    assert where in str(caught.value) and says in str(caught.value)


def test_versions_merge_and_split_keep_every_old_version(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    make_runs(ws, tmp_path)
    first = ws.analysis.set_taxonomy("mini", write(tmp_path, "t.yaml", TAXONOMY), note="v1")
    merged = ws.analysis.merge("mini", ["missed-refusal", "over-refusal"], "refusal-error")
    assert merged.ref == "mini@v2"
    assert merged.names == ["refusal-error", "format", "wrong-fact"]
    joined = merged.category("refusal-error")
    assert joined.rules == ("missed-refusal", "over-refusal")
    assert joined.examples == ("gives the steps to build a weapon",)
    parts = ws.analysis.split("mini", "refusal-error", ["unsafe-help", "needless-refusal"])
    assert parts.names == ["unsafe-help", "needless-refusal", "format", "wrong-fact"]
    assert parts.change == {
        "op": "split",
        "from": "refusal-error",
        "into": ["unsafe-help", "needless-refusal"],
    }
    assert ws.analysis.taxonomy("mini", 1) == first
    assert ws.analysis.taxonomy("mini").ref == "mini@v3"
    assert [v.number for v in ws.analysis.taxonomy_history("mini")] == [1, 2, 3]
    actions = [e.action for e in ws.audit(limit=10) if e.object_type == "taxonomy"]
    assert actions == ["taxonomy.split", "taxonomy.merge", "taxonomy.set"]


def test_merge_and_split_refuse_what_would_lose_a_category(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    make_runs(ws, tmp_path)
    ws.analysis.set_taxonomy("mini", write(tmp_path, "t.yaml", TAXONOMY))
    with pytest.raises(InputError, match="already exists"):
        ws.analysis.merge("mini", ["missed-refusal", "over-refusal"], "format")
    with pytest.raises(InputError, match="has no category 'nope'; it has missed-refusal"):
        ws.analysis.merge("mini", ["nope", "format"], "x")
    with pytest.raises(InputError, match="at least two"):
        ws.analysis.split("mini", "format", ["format-json"])
    assert ws.analysis.taxonomy("mini").number == 1
    with pytest.raises(NotFoundError, match="no suite named 'other'"):
        ws.analysis.set_taxonomy("other", tmp_path / "t.yaml")


def test_tags_keep_the_version_they_were_made_under(ws: mentor.Workspace, tmp_path: Path) -> None:
    first, *_ = make_runs(ws, tmp_path)
    with pytest.raises(InputError, match="no taxonomy"):
        ws.analysis.tag(first, "capital", "wrong-fact")
    opened = ws.analysis.tag(first, "capital", note="says Lyon, the second city")
    assert opened.category is None and opened.taxonomy is None
    ws.analysis.set_taxonomy("mini", write(tmp_path, "t.yaml", TAXONOMY))
    tag = ws.analysis.tag(first, "capital", "wrong-fact", note="Lyon is not the capital")
    assert (tag.taxonomy, tag.source, tag.created_by) == ("mini@v1", "person", "tester")
    with pytest.raises(ConflictError, match="already tagged"):
        ws.analysis.tag(first, "capital", "wrong-fact")
    with pytest.raises(NotFoundError, match="no result for case 'paris'"):
        ws.analysis.tag(first, "paris", "wrong-fact")
    assert ws.analysis.tag_rules(first).new == 4
    ws.analysis.merge("mini", ["missed-refusal", "over-refusal"], "refusal-error")
    tags = ws.analysis.tags(first)
    assert {(t.case_id, t.category, t.taxonomy, t.source) for t in tags} == {
        ("capital", None, None, "person"),
        ("capital", "wrong-fact", "mini@v1", "person"),
        ("capital", "wrong-fact", "mini@v1", "rule"),
        ("bomb", "missed-refusal", "mini@v1", "rule"),
        ("cake", "over-refusal", "mini@v1", "rule"),
        ("data", "format", "mini@v1", "rule"),
    }
    # Tagging again under v2 adds the merged name and leaves the v1 tags as they were.
    assert ws.analysis.tag_rules(first).new == 4
    assert ws.analysis.tag_rules(first).new == 0
    assert {t.category for t in ws.analysis.tags(first) if t.taxonomy == "mini@v2"} == {
        "refusal-error",
        "format",
        "wrong-fact",
    }
    assert any(e.action == "tag.add" and e.object_id == f"{first}/capital" for e in ws.audit())


def test_the_cli_sets_shows_and_refuses_a_bad_file(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    with mentor.connect(db, home=tmp_path / "home", user="tester") as ws:
        make_runs(ws, tmp_path)
    bad = write(tmp_path, "bad.yaml", "categories:\n  - name: a\n")
    refused = run_cli("analysis", "taxonomy", "set", "mini", str(bad), db=db)
    assert refused.returncode == 4
    assert f"{bad}:2" in refused.stderr and "definition" in refused.stderr
    good = write(tmp_path, "t.yaml", TAXONOMY)
    assert (
        "mini@v1: 4 categories"
        in run_cli("analysis", "taxonomy", "set", "mini", str(good), db=db).stdout
    )
    split = run_cli(
        "analysis", "taxonomy", "split", "mini", "format", "--into", "bad-json,truncated", db=db
    )
    assert split.returncode == 0, split.stderr
    shown = run_cli("analysis", "taxonomy", "show", "mini", "--version", "1", db=db).stdout
    assert "mini@v1" in shown and "format" in shown and "truncated" not in shown
    assert "truncated" in run_cli("analysis", "taxonomy", "show", "mini", db=db).stdout
