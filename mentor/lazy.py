"""Package namespaces whose names load their module on first use.

A package re-exports its public names (``from mentor.quality import Quality``). Importing every
module of it up front made each command pay for all of them: ``mentor datasets list`` loaded
the agreement statistics, the eval runner and the HTML reports (about 0.6 s) to print a table.
A package imports its names under ``if TYPE_CHECKING:`` instead, which type checkers and
readers see as usual, and sets ``__getattr__, __dir__ = lazy.exports(__name__)``: those same
import lines, read from the package's source, say where each name is loaded from when it is
first used.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any


def _homes(init: Path) -> dict[str, tuple[str, str]]:
    """Each name imported under ``if TYPE_CHECKING:`` in `init`: (its module, its name there)."""
    homes: dict[str, tuple[str, str]] = {}
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for line in node.body:
                if isinstance(line, ast.ImportFrom) and line.module and not line.level:
                    for alias in line.names:
                        homes[alias.asname or alias.name] = (line.module, alias.name)
    return homes


def exports(package: str) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for `package`, loading each name its ``__init__.py``
    imports under ``if TYPE_CHECKING:`` from that module on first use.

    A name may not also be a submodule's name: once the submodule is imported, Python sets the
    package attribute to the module and the name would stop meaning the function."""
    init = Path(sys.modules[package].__file__ or "")
    homes = _homes(init)
    clashes = sorted(n for n in homes if (init.parent / f"{n}.py").exists())
    if clashes:
        raise ImportError(f"{package}: {', '.join(clashes)} would be hidden by its submodules")

    def __getattr__(name: str) -> Any:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, original = homes[name]
        value = getattr(import_module(module), original)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *homes})

    return __getattr__, __dir__
