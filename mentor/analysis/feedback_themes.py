"""A batch's themes: its kept reports clustered by :func:`mentor.analysis.clustering.cluster`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from mentor.analysis.feedback_store import Theme

EXEMPLARS: Final = 3


def themes(texts: Sequence[str], embedder: str) -> tuple[str, list[Theme]]:
    """(embedder used, clusters) of `texts` by :func:`mentor.analysis.clustering.cluster`;
    reports no cluster takes go to theme 0."""
    if len(texts) < 3:  # too few to cluster: one theme
        return "none (too few reports)", [
            Theme(1, (), tuple(range(len(texts))), tuple(range(len(texts))))
        ]
    from mentor.analysis.clustering import cluster

    found = cluster(list(texts), embedder=embedder)
    out: list[Theme] = []
    taken: set[int] = set()
    groups = sorted(found.clusters, key=lambda c: -len(c.members))
    for number, c in enumerate(groups, start=1):
        members = tuple(int(m) for m in c.members)
        taken.update(members)
        out.append(Theme(number, tuple(c.terms), _indices(c.exemplars, members, texts), members))
    rest = tuple(i for i in range(len(texts)) if i not in taken)
    if rest:
        out.append(Theme(0, (), rest[:EXEMPLARS], rest))
    return str(getattr(found, "embedder", embedder)), out


def _indices(
    exemplars: Sequence[Any], members: tuple[int, ...], texts: Sequence[str]
) -> tuple[int, ...]:
    """Exemplars as indices (the clusterer may give indices or texts)."""
    out = []
    for e in exemplars:
        if isinstance(e, int):
            out.append(e)
        else:
            out.extend(m for m in members if texts[m] == e)
    return tuple(dict.fromkeys(out))[:EXEMPLARS] or members[:EXEMPLARS]
