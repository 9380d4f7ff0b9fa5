"""The lineage drawing's layout: sources left, every version right of its parents."""

from __future__ import annotations

from mentor.charts.graph import NODE_W
from mentor.datasets.lineage import Lineage, LineageNode
from mentor.web.lineage_svg import layout


def _version(ref: str, transform: str, records: int) -> LineageNode:
    return LineageNode(ref, "version", ref, {"transform": transform, "records": records})


def _graph() -> Lineage:
    nodes = [
        LineageNode("file:aaa", "source", "a.jsonl", {"uri": "/d/a.jsonl", "sha256": "a" * 64}),
        _version("a@v1", "import", 2312),
        _version("a@v2", "filter", 662),
        LineageNode("file:bbb", "source", "b.jsonl", {"uri": "/d/b.jsonl", "sha256": "b" * 64}),
        _version("b@v1", "import", 8),
        _version("mix@v1", "merge", 670),
    ]
    edges = [
        ("a@v2", "mix@v1"),
        ("b@v1", "mix@v1"),
        ("file:bbb", "b@v1"),
        ("a@v1", "a@v2"),
        ("file:aaa", "a@v1"),
    ]
    return Lineage("mix@v1", nodes, edges)


def test_every_node_sits_right_of_its_parents() -> None:
    drawing = layout(_graph())
    x = {n.id: n.x for n in drawing.nodes}
    for src, dst in _graph().edges:
        assert x[src] + NODE_W < x[dst]
    assert x["file:aaa"] == x["file:bbb"] == min(x.values())
    assert x["mix@v1"] == max(x.values())


def test_nodes_do_not_overlap_and_fit_the_canvas() -> None:
    drawing = layout(_graph())
    boxes = {(n.x, n.y) for n in drawing.nodes}
    assert len(boxes) == len(drawing.nodes)
    for n in drawing.nodes:
        assert n.x >= 0 and n.x + drawing.node_w <= drawing.width
        assert n.y >= 0 and n.y + drawing.node_h <= drawing.height


def test_labels_links_and_the_root() -> None:
    nodes = {n.id: n for n in layout(_graph()).nodes}
    assert nodes["mix@v1"].is_root and nodes["mix@v1"].subtitle == "merge · 670 records"
    assert nodes["mix@v1"].href == "/datasets/mix/v/1"
    assert nodes["file:aaa"].href is None
    assert nodes["file:aaa"].subtitle == "source file · sha256 aaaaaaaaaaaa"


def test_one_edge_per_arrow_from_right_side_to_left_side() -> None:
    drawing = layout(_graph())
    assert len(drawing.edges) == 5
    nodes = {n.id: n for n in drawing.nodes}
    edge = next(e for e in drawing.edges if e.target == "mix@v1" and e.source == "b@v1")
    assert edge.path.startswith(f"M{nodes['b@v1'].x + NODE_W},")


def test_a_single_import_is_one_source_and_one_version() -> None:
    graph = Lineage("a@v1", _graph().nodes[:2], [("file:aaa", "a@v1")])
    drawing = layout(graph)
    assert len(drawing.nodes) == 2 and drawing.nodes[0].y == drawing.nodes[1].y


def test_an_edge_that_skips_a_layer_goes_around_the_nodes_there() -> None:
    drawing = layout(_graph())
    nodes = {n.id: n for n in drawing.nodes}
    edge = next(e for e in drawing.edges if e.source == "b@v1")
    assert " L" in edge.path  # straight through its reserved slot in a@v2's layer
    slot_y = int(edge.path.split(" L")[1].split(",")[1].split()[0])
    a2 = nodes["a@v2"]
    assert not a2.y <= slot_y <= a2.y + drawing.node_h
