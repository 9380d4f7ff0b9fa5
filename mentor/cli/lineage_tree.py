"""Print a lineage graph as two trees (what the root was made from, what used it) and a
training run's lift table."""

from __future__ import annotations

from mentor.cli import render
from mentor.datasets.lineage import Lineage, LineageNode
from mentor.quality import TrainingLift


def _pct(value: object) -> str:
    return f"{value:.1%}" if isinstance(value, float) else "-"


def label(n: LineageNode) -> str:
    """One node as a line: its id and the facts that identify it."""
    d, name = n.detail, render.literal(n.id)
    if n.type == "version":
        return (
            f"[bold]{name}[/bold] {render.literal(d['transform'])} "
            f"{d['records']:,} records, {d['content_hash'][:12]}"
        )
    if n.type == "source":
        return f"[cyan]{render.literal(n.label)}[/cyan] sha256 {d['sha256'][:16]}…"
    if n.type == "project":
        who = ", ".join(d.get("annotators") or [])
        return f"annotation project [bold]{render.literal(n.label)}[/bold] ({render.literal(who)})"
    if n.type == "base_model":
        return f"base model {render.literal(n.label)} sha256 {str(d.get('sha256'))[:16]}…"
    if n.type == "training_run":
        return f"[bold]{render.literal(n.label)}[/bold] {d.get('status')} on {d.get('dataset_ref')}"
    if n.type == "model":
        return f"model [bold]{name}[/bold] weights {str(d.get('weights_sha256'))[:16]}…"
    return (
        f"[bold]{render.literal(n.label)}[/bold] {d.get('status')}, "
        f"pass rate {_pct(d.get('pass_rate'))}"
    )


def print_lineage(graph: Lineage) -> None:
    """The tree back to the sources, then (when anything used the root) the tree forward."""
    labels = {n.id: label(n) for n in graph.nodes}
    parents = {n.id: graph.parents_of(n.id) for n in graph.nodes}
    render.tree(graph.root, parents, labels)
    children: dict[str, list[str]] = {}
    for src, dst in graph.edges:
        children.setdefault(src, []).append(dst)
    if children.get(graph.root):
        render.line("[bold]used by[/bold]")
        render.tree(graph.root, children, labels)


def _signed(value: float | None, low: float | None = None, high: float | None = None) -> str:
    if value is None:
        return "-"
    ci = f" [{low:+.3f}, {high:+.3f}]" if low is not None and high is not None else ""
    return f"{value:+.3f}{ci}"


def print_lift(lift: TrainingLift) -> None:
    """The lift table of a training run: each eval of its model against the base model's."""
    labels = lift.labels
    if not lift.rows:
        render.line(
            f"no eval runs of {lift.model} yet: `mentor eval run SUITE --provider {lift.model}`"
        )
        return
    render.table(
        f"lift of {lift.model} over its base, {labels.count:,} {labels.basis} used",
        ["eval", "suite", "base run", "pass rate", "change [95% CI]", "per 1,000 labels"],
        [
            (
                f"#{r.eval_run}",
                r.suite,
                f"#{r.base_run}" if r.base_run is not None else "none of this suite",
                _pct(r.trained_pass_rate),
                _signed(r.delta, r.low, r.high),
                _signed(r.lift_per_1000, r.lift_low, r.lift_high),
            )
            for r in lift.rows
        ],
    )
