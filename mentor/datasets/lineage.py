"""Lineage: the graph of versions and source files a version was made from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from mentor.datasets.versions import VersionInfo, by_id
from mentor.store.tables import version_parents


@dataclass(frozen=True)
class LineageNode:
    """A version or a source file in the graph."""

    id: str
    type: str
    label: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Lineage:
    """Nodes and edges (parent -> child), from the sources to `root`, oldest first."""

    root: str
    nodes: list[LineageNode]
    edges: list[tuple[str, str]]

    def parents_of(self, node_id: str) -> list[str]:
        """The ids of the nodes `node_id` was made from."""
        return [src for src, dst in self.edges if dst == node_id]


def _version_node(v: VersionInfo) -> LineageNode:
    return LineageNode(
        id=v.ref,
        type="version",
        label=f"{v.ref} · {v.transform}",
        detail={
            "transform": v.transform,
            "params": v.params,
            "content_hash": v.content_hash,
            "records": v.record_count,
            "created_by": v.created_by,
            "created_at": v.created_at.isoformat(),
            "guideline_version": v.guideline_version,
        },
    )


def lineage(conn: Connection, version_id: int) -> Lineage:
    """Walk parents back to the first imports; every source file appears with its SHA-256."""
    nodes: dict[str, LineageNode] = {}
    edges: list[tuple[str, str]] = []
    order: list[str] = []
    todo, seen = [version_id], set()
    root = ""
    while todo:
        vid = todo.pop()
        if vid in seen:
            continue
        seen.add(vid)
        info = by_id(conn, vid)
        root = root or info.ref
        nodes[info.ref] = _version_node(info)
        order.append(info.ref)
        for src in info.sources:
            sid = f"file:{src.sha256[:12]}"
            nodes[sid] = LineageNode(
                sid,
                "source",
                src.uri.rsplit("/", 1)[-1],
                {
                    "uri": src.uri,
                    "sha256": src.sha256,
                    "size_bytes": src.size_bytes,
                    "format": src.format,
                },
            )
            edges.append((sid, info.ref))
            order.append(sid)
        parent_ids = conn.execute(
            version_parents.select()
            .where(version_parents.c.version_id == vid)
            .order_by(version_parents.c.ordinal)
        ).all()
        for row in parent_ids:
            edges.append((by_id(conn, row.parent_id).ref, info.ref))
            todo.append(row.parent_id)
    ordered_nodes = [nodes[n] for n in reversed(list(dict.fromkeys(order)))]
    return Lineage(root, ordered_nodes, list(dict.fromkeys(edges)))
