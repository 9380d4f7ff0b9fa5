"""The package keeps its shape: no module imports from a layer above its own.

Every ``mentor.*`` import counts: module-level, inside functions (lazy imports) and under
``if TYPE_CHECKING:``, because a type-only import still ties the lower layer to the higher
one's names. The one exemption is :data:`TYPE_ONLY`: areas hand their facades the
``Workspace`` that owns them (``ws.projects``, ``ws.evals``), so they may name its type under
``TYPE_CHECKING`` but never import it at run time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

import mentor

ROOT = Path(mentor.__file__).parent

LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(names.split())
    for names in (
        "errors",
        "config lazy plugins progress records report_pages textfile yamlfile",
        "store",
        "accounts",
        "datasets",
        "providers",
        "qa annotate evals generate train",
        "judges quality analysis",
        "reports",
        "workspace",
        "mentor demo",
        "web cli",
        "__main__",
    )
)
"""The allowed direction, bottom first: a module imports only from layers below its own.

Names on one line are siblings and may not import each other (``qa``, ``annotate`` and
``evals`` are parallel areas over the same store). ``mentor`` is the package's ``__init__``
(``connect``, ``__version__``), the front door the CLI and the web app import.
``generate``, ``train``, ``analysis`` and ``reports`` are placed ahead of their code."""

INDEPENDENT = frozenset({"agreement", "charts"})
"""Pure packages: they import nothing from mentor, and any layer may import them."""

ALLOWED: Mapping[tuple[str, str], str] = {
    ("mentor.cli.serve", "mentor.web.app"): "`mentor serve` is the command that starts the web app",
    ("mentor.cli.serve", "mentor.web.wire"): "and gives uvicorn the web app's HTTP protocol",
}
"""Imports across the rule, each with its reason: (importing module, imported module)."""

TYPE_ONLY = frozenset({"mentor.workspace"})
"""Modules any layer may import under ``TYPE_CHECKING`` only (see the module's docstring)."""


@dataclass(frozen=True)
class Import:
    """One ``mentor.*`` import: who imports what, and whether only for type checking."""

    importer: str
    imported: str
    line: int
    type_only: bool


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, package: str, exists: set[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if node.level:  # relative: resolve against the importing package
        base = package.split(".")[: len(package.split(".")) - node.level + 1]
        module = ".".join([*base, *([node.module] if node.module else [])])
    else:
        module = node.module or ""
    # `from mentor import agreement` imports a submodule; `from mentor import connect` does not.
    subs = [f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in exists]
    return subs if subs and len(subs) == len(node.names) else [module, *subs]


def imports(module: str, source: str, exists: set[str]) -> Iterator[Import]:
    """Every ``mentor.*`` import in `source`, the text of `module`."""
    is_package = any(other.startswith(f"{module}.") for other in exists)
    package = module if is_package else module.rpartition(".")[0]

    def visit(node: ast.AST, type_only: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for part in child.body:
                    yield from visit_one(part, True)
                for part in child.orelse:
                    yield from visit_one(part, type_only)
            else:
                yield from visit_one(child, type_only)

    def visit_one(node: ast.AST, type_only: bool) -> Iterator[Import]:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for target in _targets(node, package, exists):
                if target == "mentor" or target.startswith("mentor."):
                    yield Import(module, target, node.lineno, type_only)
        yield from visit(node, type_only)

    yield from visit(ast.parse(source), False)


def area(module: str) -> str:
    """The top-level part of mentor a module belongs to (``mentor.evals.runner`` -> evals)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "mentor"


def layer_of(name: str) -> int | None:
    """The index of the layer of area `name`, None for an independent package."""
    for i, names in enumerate(LAYERS):
        if name in names:
            return i
    if name in INDEPENDENT:
        return None
    raise AssertionError(f"mentor.{name} has no layer: add it to LAYERS in {__file__}")


def problem(found: Import) -> str | None:
    """Why `found` breaks the direction, or None when it does not."""
    src, dst = area(found.importer), area(found.imported)
    if src == dst or (found.importer, found.imported) in ALLOWED:
        return None
    if found.type_only and found.imported in TYPE_ONLY:
        return None
    where = f"{found.importer}:{found.line} imports {found.imported}"
    if src in INDEPENDENT:
        return f"{where}, but mentor.{src} must import nothing from mentor"
    below, above = layer_of(src), layer_of(dst)
    if above is None:
        return None
    assert below is not None
    if above > below:
        return f"{where}, a layer above it ({dst} is above {src})"
    if above == below:
        return f"{where}, a sibling on its own layer ({src} and {dst})"
    return None


def violations(sources: Mapping[str, str]) -> list[str]:
    """Every import in `sources` (module name -> text) that goes against the layers."""
    exists = set(sources)
    found = []
    for module, text in sorted(sources.items()):
        layer_of(area(module))  # every module has a place
        for imp in imports(module, text, exists):
            why = problem(imp)
            if why is not None:
                found.append(why)
    return found


def _sources() -> dict[str, str]:
    sources = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = ["mentor", *path.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        sources[".".join(parts)] = path.read_text(encoding="utf-8")
    return sources


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    assert violations(_sources()) == []


def test_every_allowed_exception_is_still_used() -> None:
    sources = _sources()
    exists = set(sources)
    seen = {
        (i.importer, i.imported)
        for module, text in sources.items()
        for i in imports(module, text, exists)
    }
    assert set(ALLOWED) <= seen, "an exception in ALLOWED is no longer needed: remove it"


FAKE = {
    "mentor.providers": "",
    "mentor.providers.base": "",
    "mentor.evals": "",
    "mentor.evals.runner": "from mentor.providers.base import Completion\n",
    "mentor.judges": "",
    "mentor.web.app": "",
    "mentor.workspace": "",
    "mentor.agreement": "",
    "mentor.agreement.kappa": "",
}


@pytest.mark.parametrize(
    ("module", "source", "says"),
    [
        (
            "mentor.providers.fake",
            "def f():\n    from mentor.web.app import create_app\n",
            "mentor.providers.fake:2 imports mentor.web.app, a layer above it",
        ),
        (
            "mentor.providers.fake",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from mentor.evals import x\n",
            "mentor.providers.fake:3 imports mentor.evals, a layer above it",
        ),
        (
            "mentor.evals.fake",
            "from mentor import judges\n",
            "mentor.evals.fake:1 imports mentor.judges, a layer above it",
        ),
        (
            "mentor.qa.fake",
            "import mentor.evals.runner\n",
            "mentor.qa.fake:1 imports mentor.evals.runner, a sibling",
        ),
        (
            "mentor.quality.fake",
            "from mentor.workspace import Workspace\n",
            "mentor.quality.fake:1 imports mentor.workspace, a layer above it",
        ),
        (
            "mentor.charts.fake",
            "from mentor.errors import InputError\n",
            "must import nothing from mentor",
        ),
    ],
)
def test_an_upward_import_is_caught(module: str, source: str, says: str) -> None:
    [found] = violations({**FAKE, module: source})
    assert says in found


def test_downward_and_type_only_front_door_imports_pass() -> None:
    fine = {
        **FAKE,
        "mentor.judges.fake": "from mentor.evals.runner import x\nfrom mentor import agreement\n",
        "mentor.evals.fake": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from mentor.workspace import Workspace\n"
        ),
    }
    assert violations(fine) == []


def test_a_module_without_a_layer_is_named() -> None:
    with pytest.raises(AssertionError, match=r"mentor\.newthing has no layer"):
        violations({"mentor.newthing.x": ""})
