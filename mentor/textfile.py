"""Small text files people write (suites, gates, maps, notes, configs, guidelines), read whole.

A file that is missing, a folder, not UTF-8 or holding a NUL character gets one
:class:`InputError` naming the file (and, for bad bytes or a NUL, the line and column) instead of
a traceback. A NUL is no part of any text people write (it means a binary file, or a bad copy),
and PostgreSQL text columns refuse it. A UTF-8 byte-order mark, which some editors write, is
dropped.
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
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"invalid UTF-8 byte 0x{data[exc.start]:02x}; expected a UTF-8 text {what}",
            where=f"{path}:{_place(data, exc.start)}",
        ) from None
    if "\0" in text:  # in UTF-8 a zero byte is only ever the NUL character
        raise InputError(
            f"contains a NUL character; a text {what} was expected",
            where=f"{path}:{_place(data, data.index(0))}",
        )
    return text


def _place(data: bytes, index: int) -> str:
    """``line:column`` (from 1; the column in bytes) of byte `index` in `data`."""
    before = data[:index]
    line = before.count(b"\n") + 1
    column = index - (before.rfind(b"\n") + 1) + 1
    return f"{line}:{column}"
