"""Everything the CLI shows: Rich for people, JSON for machines. The only module importing rich."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.tree import Tree

# No emoji codes: a path or value with ":name:" in it (a:thumbs_up:b.jsonl) is printed as given.
out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

# What a value from outside (a model's answer, a record id) must not send to the terminal as it
# is: control characters other than tab and newline (an escape sequence can retitle the window,
# clear the screen or fake output) and the bidirectional overrides that reorder what is shown.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """`text` with each control character and bidi override written as ``\\uXXXX``."""
    return _HIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _shown(value: object) -> str:
    return escape(visible(str(value)))


def _default(value: Any) -> Any:
    if isinstance(value, Path | set | frozenset):
        return str(value) if isinstance(value, Path) else sorted(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def emit_json(value: Any) -> None:
    """Write `value` (dataclasses, lists, dicts) as indented JSON on stdout."""
    sys.stdout.write(
        orjson.dumps(
            value, default=_default, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
        ).decode()
    )
    sys.stdout.write("\n")


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A table for people."""
    tbl = Table(
        title=None if title is None else _shown(title), title_justify="left", header_style="bold"
    )
    for col in columns:
        tbl.add_column(
            _shown(col),
            justify="right"
            if col.startswith("#") or col in ("records", "versions", "count")
            else "left",
        )
    for row in rows:
        tbl.add_row(*("" if v is None else _shown(v) for v in row))
    out.print(tbl)


def fields(title: str, pairs: Sequence[tuple[str, Any]]) -> None:
    """A titled list of `name: value` lines."""
    out.print(f"[bold]{_shown(title)}[/bold]")
    width = max(len(k) for k, _ in pairs)
    for key, value in pairs:
        out.print(f"  {key.ljust(width)}  {_shown(value)}")


def literal(value: object) -> str:
    """`value` as text that `line` shows as it is (user data in a marked-up line)."""
    return _shown(value)


def line(text: str) -> None:
    """One line of (Rich-marked-up) text: pass user values through `literal`."""
    out.print(text)


def success(text: str) -> None:
    """A line saying something worked."""
    out.print(f"[green]✓[/green] {_shown(text)}")


def warning(text: str) -> None:
    """A line on stderr that needs attention but is not an error."""
    err.print(f"[yellow]![/yellow] {_shown(text)}")


def error(text: str) -> None:
    """The error line the CLI ends with."""
    err.print(f"[red bold]error:[/red bold] {_shown(text)}", markup=True, highlight=False)


def markdown(text: str) -> None:
    """Markdown rendered for the terminal."""
    out.print(Markdown(visible(text)))


def tree(root: str, children: dict[str, list[str]], labels: dict[str, str]) -> None:
    """A tree from `root` down its `children` (used for lineage, drawn from the newest back)."""
    top = Tree(visible(labels.get(root, root)))

    def grow(node: Tree, key: str, depth: int) -> None:
        for child in children.get(key, []):
            grow(node.add(visible(labels.get(child, child))), child, depth + 1)

    grow(top, root, 0)
    out.print(top)


@contextmanager
def progress(description: str, unit: str = "") -> Iterator[Any]:
    """A progress bar on stderr; yields a callback ``(done, total)`` for the SDK to call."""
    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn() if unit != "bytes" else TextColumn(""),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update
