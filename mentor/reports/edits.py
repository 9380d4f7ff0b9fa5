"""The editable "next actions" block of a Markdown report.

The generated Markdown wraps the suggested actions in ``<!-- next-actions -->`` …
``<!-- /next-actions -->``. People edit what is between the markers; regenerating the report
with the edited file (``--keep-edits FILE``) keeps their text instead of the suggestions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from mentor.errors import InputError
from mentor.textfile import read_text

START: Final = "<!-- next-actions -->"
END: Final = "<!-- /next-actions -->"


def block(text: str) -> str:
    """`text` between the markers, as the report writes it."""
    return f"{START}\n{text.strip()}\n{END}"


def kept_actions(path: str | Path) -> str:
    """The text between the markers of a report written before (edits and all)."""
    path = Path(path)
    text = read_text(path, "Markdown report written before (--keep-edits)")
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        line = 1 if start < 0 else text.count("\n", 0, start) + 1
        raise InputError(
            f"no '{START}' … '{END}' block to keep; pass a report Mentor wrote",
            where=f"{path}:{line}",
        )
    return text[start + len(START) : end].strip()
