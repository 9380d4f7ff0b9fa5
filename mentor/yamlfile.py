"""YAML as Mentor reads what people write (gates, suites, criteria, configs, maps, notes).

Plain YAML only: anchors and aliases (``&name``, ``*name``, ``<<: *name``) are refused where they
appear. A few nested aliases expand into billions of values (a "billion laughs"), and none of
Mentor's files needs them. Nesting deeper than MAX_DEPTH is refused too (else ``[[[[…`` a few
hundred deep exhausts Python's stack). Values are built as :func:`yaml.safe_load` builds them.
"""

from __future__ import annotations

from typing import Any, Final

import yaml
from yaml.events import AliasEvent, NodeEvent
from yaml.nodes import MappingNode, Node, SequenceNode

from mentor.errors import InputError

MAX_DEPTH: Final = 100
"""How deeply lists and mappings may nest (Mentor's own files need fewer than ten levels)."""


class PlainLoader(yaml.SafeLoader):
    """A :class:`yaml.SafeLoader` that raises :class:`InputError` at an anchor, an alias or
    nesting deeper than MAX_DEPTH, naming ``source:line:column``."""

    def __init__(self, text: str, source: str = "<yaml>") -> None:
        super().__init__(text)
        self.source = source
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, NodeEvent) and event.anchor is not None:
            what = "alias *" if isinstance(event, AliasEvent) else "anchor &"
            raise InputError(
                f"YAML anchors and aliases are not accepted (found {what}{event.anchor}); "
                "write the value out in full where it is used",
                where=self._place(event),
            )
        if self.depth >= MAX_DEPTH:
            raise InputError(
                f"YAML nested more than {MAX_DEPTH} levels deep; expected a flatter file",
                where=self._place(event),
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def _place(self, event: Any) -> str:
        mark = getattr(event, "start_mark", None)
        return f"{self.source}:{mark.line + 1}:{mark.column + 1}" if mark else self.source


def load(text: str, source: str = "<yaml>") -> Any:
    """The value of one YAML document (None for an empty one); :class:`yaml.YAMLError` when it
    is not YAML, :class:`InputError` at an anchor or alias."""
    loader = PlainLoader(text, source)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def compose(text: str, source: str = "<yaml>") -> Node | None:
    """The node tree of one YAML document (for line numbers), refusing anchors and aliases."""
    loader = PlainLoader(text, source)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def node_lines(node: Node, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], int]:
    """The 1-based line of every value (and mapping key) of a composed document, by its path
    of keys and list indexes: to name ``file:line`` for a field a validator refused."""
    found = {path: node.start_mark.line + 1}
    if isinstance(node, MappingNode):
        for key, value in node.value:
            found.update(node_lines(value, (*path, key.value)))
            found[(*path, key.value)] = key.start_mark.line + 1
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            found.update(node_lines(item, (*path, i)))
    return found
