"""Failure clusters of a run as a trainer uses them: planted failure themes come out as clusters
named by their words, with exemplars and reasons; the same run gives the same clusters; a
cluster promoted into a category makes a taxonomy version and tags its members."""

from __future__ import annotations

from pathlib import Path

import pytest

import mentor
from mentor.errors import InputError, NotFoundError
from tests.analysis.failure_world import make_run
from tests.analysis.runs import make_runs

THEMES = {"cook-": "cooking", "capital-": "capital", "json-": "json"}


def _by_theme(
    found: mentor.analysis.FailureClustering,
) -> dict[str, mentor.analysis.FailureCluster]:
    themes = {}
    for prefix in THEMES:
        holding = [c for c in found.clusters if any(m.startswith(prefix) for m in c.members)]
        assert len(holding) == 1, f"the {prefix}* failures are split over {len(holding)} clusters"
        themes[prefix] = holding[0]
    return themes


def test_planted_failure_themes_cluster_together(ws: mentor.Workspace, tmp_path: Path) -> None:
    run_id = make_run(ws, tmp_path)
    ws.analysis.tag(run_id, "cook-soup", note="over-cautious about kitchen safety")
    found = ws.analysis.failure_clusters("planted", embedder="tfidf")
    assert (found.run_id, found.failures, found.embedder) == (run_id, 18, "tfidf")
    assert len(found.clusters) == 3 and found.unclustered == ()
    themes = _by_theme(found)
    for prefix, word in THEMES.items():
        cluster = themes[prefix]
        assert {m for m in cluster.members if m.startswith(prefix)} == {
            m for c in found.clusters for m in c.members if m.startswith(prefix)
        }
        assert cluster.size == len(cluster.members) == 6
        assert word in cluster.terms
    assert "greet" not in {m for c in found.clusters for m in c.members}  # it passed
    exemplar = themes["json-"].exemplars[0]
    assert exemplar.case_id.startswith("json-") and "JSON object" in exemplar.input
    assert exemplar.reasons and exemplar.reasons[0].startswith("shape: not valid JSON")
    assert [c.number for c in found.clusters] == [1, 2, 3]
    # The same run, clustered again, gives the same clusters.
    assert ws.analysis.failure_clusters("planted", run_id, embedder="tfidf") == found


def test_opening_the_clusters_again_does_not_embed_the_run_again(
    sqlite_ws: mentor.Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collections import OrderedDict

    import mentor.analysis.clustering as clustering
    import mentor.analysis.failure_clusters as failure_clusters

    monkeypatch.setattr(failure_clusters, "_remembered", OrderedDict())  # none from other tests
    embedded: list[int] = []
    real = clustering.embed

    def counted(texts: list[str], **kwargs: object) -> object:
        embedded.append(len(texts))
        return real(texts, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(clustering, "embed", counted)
    ws = sqlite_ws
    run_id = make_run(ws, tmp_path)
    first = ws.analysis.failure_clusters("planted", embedder="tfidf")
    assert ws.analysis.failure_clusters("planted", run_id, embedder="tfidf") == first
    assert embedded == [18]
    # A person's note changes what is clustered: the run is embedded again, with the note.
    ws.analysis.tag(run_id, "cook-soup", note="refused soup, a first note seen only here")
    ws.analysis.failure_clusters("planted", embedder="tfidf")
    assert embedded == [18, 18]
    # Another min_cluster_size is another clustering.
    ws.analysis.failure_clusters("planted", embedder="tfidf", min_cluster_size=4)
    assert embedded == [18, 18, 18]


def test_promoting_a_cluster_makes_a_category_and_tags_its_members(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    run_id = make_run(ws, tmp_path)
    before = ws.analysis.failure_clusters("planted", embedder="tfidf")
    number = _by_theme(before)["cook-"].number
    done = ws.analysis.promote(
        "planted",
        run_id,
        number,
        name="cooking-refusal",
        definition="Refuses to help with ordinary cooking.",
        embedder="tfidf",
    )
    assert (done.taxonomy.ref, done.category, done.tagged) == ("planted@v1", "cooking-refusal", 6)
    category = ws.analysis.taxonomy("planted").category("cooking-refusal")
    assert category.definition == "Refuses to help with ordinary cooking."
    assert category.examples and "cook" in category.examples[0]
    assert ws.analysis.taxonomy("planted").change["op"] == "promote"
    tags = [t for t in ws.analysis.tags(run_id) if t.category == "cooking-refusal"]
    assert sorted(t.case_id for t in tags) == sorted(before.cluster(number).members)
    assert {(t.note, t.source, t.taxonomy) for t in tags} == {
        (f"promoted from cluster {number}", "person", "planted@v1")
    }
    # The clusters stay where they were, now showing the category their members carry.
    after = ws.analysis.failure_clusters("planted", embedder="tfidf")
    assert [c.members for c in after.clusters] == [c.members for c in before.clusters]
    assert after.cluster(number).categories == (("cooking-refusal", 6),)
    assert ws.analysis.issues("planted").row("cooking-refusal").latest.count == 6
    # A second promotion adds to the taxonomy; a taken name is refused.
    other = _by_theme(after)["json-"].number
    second = ws.analysis.promote(
        "planted", run_id, other, name="not-json", definition="Prose.", embedder="tfidf"
    )
    assert second.taxonomy.names == ["cooking-refusal", "not-json"]
    with pytest.raises(InputError, match="already has a category 'not-json'"):
        ws.analysis.promote(
            "planted", run_id, other, name="not-json", definition="Prose.", embedder="tfidf"
        )


def test_wrong_runs_clusters_and_names_are_refused(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    ws = sqlite_ws
    run_id = make_run(ws, tmp_path)
    other = make_runs(ws, tmp_path)[0]
    with pytest.raises(InputError, match="is a run of suite 'mini', not 'planted'"):
        ws.analysis.failure_clusters("planted", other, embedder="tfidf")
    with pytest.raises(NotFoundError, match=r"has no failure cluster 9; it has 1\.\.3"):
        ws.analysis.promote("planted", run_id, 9, name="x", definition="y", embedder="tfidf")
    with pytest.raises(InputError, match="is not a category name"):
        ws.analysis.promote("planted", run_id, 1, name="a b", definition="y", embedder="tfidf")
    with pytest.raises(NotFoundError, match="no runs"):
        ws.analysis.failure_clusters("nothing-run", embedder="tfidf")


def test_the_cli_lists_clusters_and_promotes_one(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    db = f"sqlite:///{tmp_path / 'm.db'}"
    with mentor.connect(db, user="tester") as ws:
        run_id = make_run(ws, tmp_path)
        number = _by_theme(ws.analysis.failure_clusters("planted", embedder="tfidf"))[
            "json-"
        ].number
    shown = run_cli("analysis", "clusters", "planted", "--embedder", "tfidf", db=db)
    assert shown.returncode == 0, shown.stderr
    assert f"18 failures of run {run_id} in 3 clusters" in shown.stdout and "json" in shown.stdout
    done = run_cli(
        "analysis",
        "promote",
        "planted",
        str(run_id),
        str(number),
        "--name",
        "broken-json",
        "--definition",
        "Not the JSON asked for.",
        db=db,
    )
    assert done.returncode == 0, done.stderr
    assert "category broken-json" in done.stdout and "6 results tagged" in done.stdout
    again = run_cli(
        "analysis",
        "promote",
        "planted",
        str(run_id),
        "99",
        "--name",
        "x",
        "--definition",
        "y",
        db=db,
    )
    assert again.returncode != 0 and "99" in again.stderr
