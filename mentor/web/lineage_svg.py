"""A version's lineage as a graph for the lineage page's SVG: what each box says and links to.
The layout (layers, routes) is :mod:`mentor.charts.graph`'s."""

from __future__ import annotations

from mentor.charts.graph import Graph, GraphLayout, GraphNode
from mentor.charts.graph import layout as layered
from mentor.datasets.lineage import Lineage, LineageNode
from mentor.web.refs import version_path
from mentor.web.training_nodes import TRAINING_TYPES, training_node


def _node(node: LineageNode) -> GraphNode:
    """Title, detail line, tooltip and link of a node."""
    if node.type == "version":
        records = node.detail.get("records")
        count = f" · {records:,} records" if isinstance(records, int) else ""
        subtitle = f"{node.detail.get('transform', '')}{count}"
        return GraphNode(
            node.id, node.type, node.id, subtitle, f"{node.id}: {subtitle}", version_path(node.id)
        )
    if node.type in TRAINING_TYPES:
        return training_node(node)
    sha = str(node.detail.get("sha256", ""))
    return GraphNode(
        node.id,
        node.type,
        node.label,
        f"source file · sha256 {sha[:12]}",
        f"{node.detail.get('uri')} {sha}",
    )


def layout(graph: Lineage) -> GraphLayout:
    """Place every node of the lineage `graph` and route an arrow along each edge."""
    return layered(Graph([_node(n) for n in graph.nodes], list(graph.edges), graph.root))
