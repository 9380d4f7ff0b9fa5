"""Each package's public names: sorted, all resolvable, and loaded only when a command uses them."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import types

import pytest

import mentor


def _packages() -> list[types.ModuleType]:
    found = [mentor]
    for info in pkgutil.walk_packages(mentor.__path__, "mentor."):
        if info.ispkg:
            found.append(importlib.import_module(info.name))
    return found


@pytest.mark.parametrize("package", _packages(), ids=lambda p: p.__name__)
def test_every_public_name_is_sorted_and_resolves_to_what_it_names(
    package: types.ModuleType,
) -> None:
    names = getattr(package, "__all__", [])
    assert names == sorted(names)
    for name in names:
        # With every submodule imported (the worst case), a name never turns into a module.
        assert not isinstance(getattr(package, name), types.ModuleType), name
    assert set(names) <= set(dir(package))


def _loaded_by(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_a_datasets_command_does_not_load_evaluation_statistics_or_reports() -> None:
    loaded = _loaded_by("import mentor.cli.datasets")
    for heavy in ("mentor.evals.runner", "mentor.quality.kpis", "mentor.qa.scan", "numpy"):
        assert heavy not in loaded, heavy
    assert "mentor.datasets.versions" in loaded


def test_opening_an_up_to_date_workspace_does_not_load_the_migration_tool(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    mentor.connect(url).close()
    loaded = _loaded_by(f"import mentor\nmentor.connect({url!r}).close()")
    assert "mentor.store.tables" in loaded
    assert "alembic" not in loaded


def test_asking_for_the_version_prints_it_and_loads_no_area() -> None:
    code = "from mentor.cli.main import main\ntry: main(['--version'])\nexcept SystemExit: pass"
    loaded = _loaded_by(code)
    assert mentor.__version__ in loaded  # printed as "mentor X.Y.Z" before the module list
    areas = {name for name in loaded if name.startswith("mentor.cli.")} - {"mentor.cli.main"}
    assert not areas
