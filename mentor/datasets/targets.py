"""Files Mentor writes for people (exports, datasheets, quarantines), checked before any work.

A path that names a device, a pipe, a folder or a link is refused rather than replaced (a rename
over ``/dev/full`` turns the device into a plain file), and so is a folder that is missing or
cannot be written in: the error names the flag or argument, and nothing has been written yet.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import IO

from mentor.errors import InputError

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def what_is(path: Path, follow: bool = False) -> str | None:
    """What is at `path` in words ("a regular file", "a folder", ...); None when nothing is."""
    try:
        mode = (path.stat() if follow else path.lstat()).st_mode
    except FileNotFoundError:
        return None
    except OSError:  # e.g. a path through a file ("x.txt/out"): nothing can be there
        return None
    return next((name for test, name in _KINDS if test(mode)), "a regular file")


def check_target(path: Path, where: str, *, replace: bool = True, parents: bool = False) -> None:
    """Raise :class:`InputError` (naming `where`) unless `path` can be written: a new path, or
    with `replace` a regular file; in a folder that exists (or, with `parents`, can be made)
    and can be written in."""
    found = what_is(path)
    if found == "a regular file" and not replace:
        raise InputError(
            f"{path} already exists; give a path that does not exist yet "
            "(Mentor does not overwrite it)",
            where=where,
        )
    if found is not None and found != "a regular file":
        wanted = "a regular file or a new path" if replace else "a path that does not exist yet"
        raise InputError(f"{path} is {found}; expected {wanted}", where=where)
    folder = path.parent
    while parents and what_is(folder, follow=True) is None and folder != folder.parent:
        folder = folder.parent
    kind = what_is(folder, follow=True)
    if kind is None:
        raise InputError(f"the folder {path.parent} does not exist", where=where)
    if kind != "a folder":
        raise InputError(f"{folder} is {kind}, not a folder", where=where)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"cannot write in the folder {folder} (permission denied)", where=where)


def temp_beside(out: Path, where: str) -> Path:
    """A new empty file beside `out`, created with the mode the umask gives new files
    (``mkstemp`` would make it 0600, and the rename would keep that)."""
    for _ in range(100):
        tmp = out.parent / f".{out.name}.{secrets.token_hex(6)}.tmp"
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        except OSError as exc:
            raise InputError(
                f"cannot create a file in {out.parent}: {exc.strerror}", where=where
            ) from None
        return tmp
    raise InputError(f"could not create a temporary file in {out.parent}", where=where)


def open_new(path: Path, where: str) -> IO[bytes]:
    """`path` opened for writing, made with its folders; never an existing file (that raises
    :class:`FileExistsError`, for the caller to choose another name)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("xb")
    except FileExistsError:
        raise
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}", where=where) from None
