"""Small text files people write (suites, gates, maps, notes, configs, guidelines), read whole.

A file that is missing, a folder, or not UTF-8 gets one :class:`InputError` naming the file (and,
for bad bytes, the line and column) instead of a traceback. A UTF-8 byte-order mark, which some
editors write, is dropped.
"""

from __future__ import annotations

from pathlib import Path

from mentor.errors import InputError


def read_text(path: str | Path, what: str = "file") -> str:
    """The text of `path`; `what` says in an error what the file was for ("eval suite")."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file; expected a {what}", where=str(path)) from None
    except IsADirectoryError:
        raise InputError(f"is a folder; expected a {what}", where=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read the {what}: {exc.strerror}", where=str(path)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise InputError(
            f"invalid UTF-8 byte 0x{data[exc.start]:02x}; expected a UTF-8 text {what}",
            where=f"{path}:{line}:{column}",
        ) from None
