"""Every package's __all__ is sorted and every name in it resolves."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import mentor

PACKAGES = [
    "mentor",
    *sorted(m.name for m in pkgutil.walk_packages(mentor.__path__, "mentor.") if m.ispkg),
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_resolvable(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    if exported is None:
        return
    assert list(exported) == sorted(exported), f"{name}.__all__ is not sorted"
    for attr in exported:
        assert hasattr(module, attr), f"{name}.__all__ names {attr}, which does not exist"
