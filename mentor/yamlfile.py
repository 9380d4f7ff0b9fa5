"""YAML as Mentor reads what people write (gates, suites, criteria, configs, maps, notes).

Plain YAML only: anchors and aliases (``&name``, ``*name``, ``<<: *name``) are refused where they
appear. A few nested aliases expand into billions of values (a "billion laughs"), and none of
Mentor's files needs them. Values are built as :func:`yaml.safe_load` builds them.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent, NodeEvent
from yaml.nodes import Node

from mentor.errors import InputError


class PlainLoader(yaml.SafeLoader):
    """A :class:`yaml.SafeLoader` that raises :class:`InputError` at an anchor or an alias,
    naming ``source:line:column``."""

    def __init__(self, text: str, source: str = "<yaml>") -> None:
        super().__init__(text)
        self.source = source

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, NodeEvent) and event.anchor is not None:
            mark = event.start_mark
            place = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
            what = "alias *" if isinstance(event, AliasEvent) else "anchor &"
            raise InputError(
                f"YAML anchors and aliases are not accepted (found {what}{event.anchor}); "
                "write the value out in full where it is used",
                where=f"{self.source}{place}",
            )
        return super().compose_node(parent, index)


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
