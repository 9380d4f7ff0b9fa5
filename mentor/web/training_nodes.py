"""Boxes of the lineage drawing beyond versions and files: the annotation project a version was
released from, a training run, its base and trained model, and the eval runs of that model."""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import quote

from mentor.charts.graph import GraphNode
from mentor.datasets.lineage import LineageNode

TRAINING_TYPES: Final = frozenset({"project", "base_model", "training_run", "model", "eval_run"})


def _pct(value: Any) -> str:
    return f"{value:.1%}" if isinstance(value, float) else "no pass rate"


def _short(value: Any) -> str:
    return str(value or "")[:12]


def training_node(node: LineageNode) -> GraphNode:
    """Title, detail line, tooltip and link of a project, base model, run, model or eval."""
    d, number = node.detail, node.id.rsplit(":", 1)[-1]
    if node.type == "project":
        who = ", ".join(d.get("annotators") or [])
        return GraphNode(
            node.id,
            node.type,
            node.label,
            f"annotation project · {d.get('task')}",
            f"annotated by {who}",
            f"/projects/{quote(node.label, safe='')}",
        )
    if node.type == "base_model":
        sha = str(d.get("sha256", ""))
        title = node.label.rsplit("/", 1)[-1] or node.label
        return GraphNode(node.id, node.type, title, f"base · sha256 {sha[:12]}", f"{d.get('path')}")
    if node.type == "training_run":
        return GraphNode(
            node.id,
            node.type,
            node.label,
            f"{d.get('status')} · {d.get('train_rows')} rows",
            f"{node.label} on {d.get('dataset_ref')}",
            f"/training/runs/{number}",
        )
    if node.type == "model":
        sha = _short(d.get("weights_sha256"))
        return GraphNode(
            node.id,
            node.type,
            node.id,
            f"weights {sha}",
            str(d.get("path")),
            f"/training/runs/{number}",
        )
    return GraphNode(
        node.id,
        node.type,
        node.label,
        f"{d.get('status')} · pass {_pct(d.get('pass_rate'))}",
        f"{node.label} ({d.get('suite_hash', '')[:12]})",
        f"/evals/runs/{number}",
    )
