"""A layered layout of a directed graph for drawing as SVG (the lineage page): roots left, each
node right of everything it comes from, arrows parent -> child. Pure: positions only; the page's
template draws the boxes and arrows.

An edge that skips layers passes through a reserved slot in each layer it crosses, so it never
runs behind a node.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Final

NODE_W: Final = 240
NODE_H: Final = 52
GAP_X: Final = 60
GAP_Y: Final = 24
PAD: Final = 12
ARROW: Final = 2  # the arrow head's tip stops just short of the box
_MAX_TITLE: Final = 28


@dataclass(frozen=True)
class GraphNode:
    """A box to place: its id, kind, title line, detail line, tooltip and link."""

    id: str
    type: str
    title: str
    subtitle: str
    tooltip: str
    href: str | None = None


@dataclass(frozen=True)
class Graph:
    """Nodes, edges (parent, child) and the node drawn as the root."""

    nodes: list[GraphNode]
    edges: list[tuple[str, str]]
    root: str

    def parents_of(self, node: str) -> list[str]:
        """The nodes with an edge into `node`."""
        return [src for src, dst in self.edges if dst == node]


@dataclass(frozen=True)
class PlacedNode:
    """A box at (x, y) with a title line, a detail line and, for versions, a link."""

    id: str
    type: str
    title: str
    subtitle: str
    tooltip: str
    x: int
    y: int
    href: str | None
    is_root: bool


@dataclass(frozen=True)
class PlacedEdge:
    """An arrow from the right side of `source` to the left side of `target` (an SVG path)."""

    source: str
    target: str
    path: str


@dataclass(frozen=True)
class GraphLayout:
    """Everything the SVG template needs."""

    width: int
    height: int
    node_w: int
    node_h: int
    nodes: list[PlacedNode]
    edges: list[PlacedEdge]


def _layers(graph: Graph) -> dict[str, int]:
    """Longest path from a node with no parents, so each node sits right of all its parents."""
    layer: dict[str, int] = {}

    def depth(node: str, seen: frozenset[str]) -> int:
        if node not in layer:
            parents = [p for p in graph.parents_of(node) if p not in seen]
            layer[node] = 1 + max((depth(p, seen | {node}) for p in parents), default=-1)
        return layer[node]

    for node in graph.nodes:
        depth(node.id, frozenset())
    return layer


def _routes(graph: Graph, layer: dict[str, int]) -> dict[tuple[str, str], list[str]]:
    """Each edge's hops: source, one waypoint per layer it crosses, target."""
    return {
        (src, dst): [src, *(f"{src}>{dst}#{k}" for k in range(layer[src] + 1, layer[dst])), dst]
        for src, dst in graph.edges
    }


def _order(
    graph: Graph, layer: dict[str, int], routes: dict[tuple[str, str], list[str]]
) -> list[list[str]]:
    """Nodes and waypoints per layer, each sorted by the mean row of what feeds it."""
    feeds: dict[str, list[str]] = {}
    columns: list[list[str]] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
    for node in graph.nodes:
        columns[layer[node.id]].append(node.id)
    for (src, _), hops in routes.items():
        for k, (a, b) in enumerate(pairwise(hops)):
            feeds.setdefault(b, []).append(a)
            if k < len(hops) - 2:
                columns[layer[src] + k + 1].append(b)
    row: dict[str, int] = {}
    for column in columns:
        keys = {n: _mean_row(feeds.get(n, []), row, i) for i, n in enumerate(column)}
        column.sort(key=keys.__getitem__)
        row.update((n, i) for i, n in enumerate(column))
    return columns


def _mean_row(parents: list[str], row: dict[str, int], fallback: int) -> float:
    rows = [row[p] for p in parents if p in row]
    return sum(rows) / len(rows) if rows else float(fallback)


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_TITLE else text[: _MAX_TITLE - 1] + "…"


def _path(hops: list[str], at: dict[str, tuple[int, int]]) -> str:
    """Curves between layers, straight through each waypoint's slot."""
    x, y = at[hops[0]][0] + NODE_W, at[hops[0]][1] + NODE_H // 2
    parts = [f"M{x},{y}"]
    for k, hop in enumerate(hops[1:], start=1):
        nx, ny = at[hop][0] - (ARROW if k == len(hops) - 1 else 0), at[hop][1] + NODE_H // 2
        mid = (x + nx) // 2
        parts.append(f"C{mid},{y} {mid},{ny} {nx},{ny}")
        x, y = at[hop][0] + NODE_W, ny
        if k < len(hops) - 1:
            parts.append(f"L{x},{y}")
    return " ".join(parts)


def layout(graph: Graph) -> GraphLayout:
    """Place every node of `graph` on a grid of layers and route an arrow along each edge."""
    layer = _layers(graph)
    routes = _routes(graph, layer)
    columns = _order(graph, layer, routes)
    tallest = max((len(c) for c in columns), default=0)
    height = PAD * 2 + tallest * NODE_H + max(tallest - 1, 0) * GAP_Y
    at: dict[str, tuple[int, int]] = {}
    for i, column in enumerate(columns):
        top = (height - len(column) * (NODE_H + GAP_Y) + GAP_Y) // 2
        for j, node_id in enumerate(column):
            at[node_id] = (PAD + i * (NODE_W + GAP_X), top + j * (NODE_H + GAP_Y))
    nodes = []
    for node in graph.nodes:
        nodes.append(
            PlacedNode(
                node.id,
                node.type,
                _clip(node.title),
                node.subtitle,
                node.tooltip,
                *at[node.id],
                node.href,
                node.id == graph.root,
            )
        )
    edges = [PlacedEdge(src, dst, _path(hops, at)) for (src, dst), hops in routes.items()]
    width = PAD * 2 + len(columns) * NODE_W + max(len(columns) - 1, 0) * GAP_X
    return GraphLayout(width, height, NODE_W, NODE_H, nodes, edges)
