"""The links in the page header; each shows only to users whose role may follow it.

A view module adds its own area once, at import::

    nav.add_link("Annotate", "/annotate", Permission.ANNOTATE)
"""

from __future__ import annotations

from dataclasses import dataclass

from mentor.accounts import Permission, User


@dataclass(frozen=True)
class NavLink:
    """A header link: it is marked current on any path that starts with one of `prefixes`."""

    label: str
    path: str
    permission: Permission
    prefixes: tuple[str, ...] = ()

    def current(self, path: str) -> bool:
        """Whether the page at `path` belongs to this link's area."""
        return path == self.path or any(path.startswith(p) for p in self.prefixes)


_LINKS: list[NavLink] = [
    NavLink("Datasets", "/", Permission.VIEW_DATA, ("/datasets",)),
    NavLink("Audit log", "/audit", Permission.VIEW_DATA),
]


def add_link(
    label: str, path: str, permission: Permission, prefixes: tuple[str, ...] = ()
) -> NavLink:
    """Add a header link (once: adding the same path again replaces it)."""
    link = NavLink(label, path, permission, prefixes or (path.rstrip("/") + "/",))
    _LINKS[:] = [existing for existing in _LINKS if existing.path != path] + [link]
    return link


def links_for(user: User | None) -> list[NavLink]:
    """The links `user` may follow, in the order they were added (none for nobody)."""
    return [link for link in _LINKS if user is not None and user.may(link.permission)]


def landing(user: User) -> str:
    """Where a user goes after signing in when no page asked for it: their first area."""
    links = links_for(user)
    return links[0].path if links else "/account"
