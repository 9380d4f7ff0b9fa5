"""Version references (``NAME@vN``) to and from the web app's URLs.

The SDK validates references; these functions only assemble them, so a malformed one reaches the
SDK and comes back as its own clear :class:`~mentor.errors.InputError` (a 400).
"""

from __future__ import annotations

from urllib.parse import quote


def version_ref(name: str, number: str) -> str:
    """The reference for ``/datasets/NAME/v/N`` (``/v/latest`` is the newest version)."""
    return f"{name}@latest" if number == "latest" else f"{name}@v{number}"


def compare_ref(name: str, given: str) -> str:
    """A diff side: ``3`` or ``v3`` (a version of `name`), or a full ``OTHER@vN``."""
    if "@" in given:
        return given
    return (
        f"{name}@v{given.removeprefix('v')}" if given.lstrip("v").isdigit() else f"{name}@{given}"
    )


def dataset_path(name: str) -> str:
    """The page of dataset `name`."""
    return f"/datasets/{quote(name, safe='')}"


def version_path(ref: str) -> str:
    """The page of version ``NAME@vN``."""
    name, _, number = ref.rpartition("@v")
    return f"{dataset_path(name)}/v/{quote(number, safe='')}"


def short_ref(ref: str, name: str) -> str:
    """``vN`` when `ref` is a version of `name`, else the full reference (for diff links)."""
    own, _, number = ref.rpartition("@v")
    return f"v{number}" if own == name else ref
