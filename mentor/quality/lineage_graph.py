"""Lineage through training: annotation project → released version → training run → model →
the eval runs that measured that model.

:mod:`mentor.datasets.lineage` walks a version back to its source files; this module (a layer
above datasets, train and evals) adds the annotation project a version was released from, the
training runs that learned from a version, the base model and trained model of each run, and
the eval runs whose provider was that model (``train:N``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from mentor.datasets.lineage import Lineage, LineageNode, lineage
from mentor.datasets.versions import resolve
from mentor.errors import InputError
from mentor.evals.runs import RunInfo, get_run
from mentor.store.eval_tables import eval_runs
from mentor.train.runs import TrainingRun, list_runs
from mentor.train.runs import get_run as get_training_run

RUN_PREFIXES = ("train:", "training:")


def training_run_id(ref: str) -> int | None:
    """The run id of ``train:N`` / ``training:N``; None for a dataset reference."""
    for prefix in RUN_PREFIXES:
        if ref.startswith(prefix):
            text = ref.removeprefix(prefix)
            if not text.isdigit():
                raise InputError(f"'{ref}': expected a training run id, e.g. train:3", field="ref")
            return int(text)
    return None


def run_node_id(run_id: int) -> str:
    """The id of a training run's node (its model is ``train:N``)."""
    return f"training:{run_id}"


def _project_nodes(graph: Lineage) -> tuple[list[LineageNode], list[tuple[str, str]]]:
    """A node for each annotation project a version in `graph` was released from."""
    nodes, edges = [], []
    for node in graph.nodes:
        params: dict[str, Any] = node.detail.get("params") or {}
        if node.type != "version" or node.detail.get("transform") != "annotate":
            continue
        name = str(params.get("project", "?"))
        detail = {k: params.get(k) for k in ("task", "guideline", "annotators", "review")}
        nodes.append(LineageNode(f"project:{name}", "project", name, detail))
        edges.append((f"project:{name}", node.id))
    return nodes, edges


def _run_nodes(run: TrainingRun) -> list[LineageNode]:
    base = run.base_model
    sha = str(base.get("sha256", ""))
    return [
        LineageNode(
            f"base:{sha[:12]}",
            "base_model",
            str(base.get("spec", "")),
            {"path": base.get("path"), "sha256": sha},
        ),
        LineageNode(
            run_node_id(run.id),
            "training_run",
            f"{run.kind} run #{run.id}",
            {
                "kind": run.kind,
                "status": run.status,
                "dataset_ref": run.dataset_ref,
                "train_rows": run.split.get("train_rows"),
                "final_metrics": run.final_metrics,
            },
        ),
    ]


def _eval_node(info: RunInfo) -> LineageNode:
    return LineageNode(
        f"eval:{info.id}",
        "eval_run",
        f"eval #{info.id} · {info.suite_name}",
        {
            "suite": info.suite_name,
            "suite_hash": info.suite_hash,
            "status": info.status,
            "pass_rate": info.pass_rate,
        },
    )


def model_evals(conn: Connection, run_id: int) -> list[RunInfo]:
    """Eval runs whose provider was training run `run_id`'s model, oldest first."""
    ids = conn.execute(
        select(eval_runs.c.id)
        .where(eval_runs.c.provider == "train", eval_runs.c.model == f"train:{run_id}")
        .order_by(eval_runs.c.id)
    ).scalars()
    return [get_run(conn, int(i)) for i in ids]


def _forward(conn: Connection, run: TrainingRun) -> tuple[list[LineageNode], list[tuple[str, str]]]:
    """The run, its base, its model and the model's eval runs, with their edges."""
    nodes = _run_nodes(run)
    base, node = nodes[0].id, nodes[1].id
    edges = [(base, node)]
    if run.status == "succeeded":
        model = LineageNode(
            run.ref,
            "model",
            run.ref,
            {"weights_sha256": run.weights_sha256, "path": str(run.model_dir)},
        )
        nodes.append(model)
        edges.append((node, model.id))
        for info in model_evals(conn, run.id):
            nodes.append(_eval_node(info))
            edges.append((model.id, f"eval:{info.id}"))
    return nodes, edges


def extended_lineage(conn: Connection, ref: str) -> Lineage:
    """The lineage of a dataset version (``NAME@vN``) or a training run (``train:N``): its
    ancestors back to the source files and annotation projects, and forward to the training
    runs on the version, their models and those models' eval runs."""
    run_id = training_run_id(ref)
    if run_id is not None:
        run = get_training_run(conn, run_id)
        back, root, trained = lineage(conn, run.version_id), run_node_id(run_id), [run]
    else:
        version = resolve(conn, ref)
        back, root = lineage(conn, version.id), version.ref
        trained = sorted(
            (r for r in list_runs(conn) if r.version_id == version.id), key=lambda r: r.id
        )
    projects, edges = _project_nodes(back)
    nodes = [*projects, *back.nodes]
    edges = [*edges, *back.edges]
    for run in trained:
        more, links = _forward(conn, run)
        nodes.extend(n for n in more if n.id not in {m.id for m in nodes})
        edges.extend([*links, (back.root, run_node_id(run.id))])
    return Lineage(root, nodes, list(dict.fromkeys(edges)))
