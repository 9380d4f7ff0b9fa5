"""Named providers: model providers an admin configures once under a short name.

A provider spec can run a command, call a URL with the server's API keys or open a local path,
so only whoever runs the ``mentor`` CLI or the SDK on the server writes specs. The web app and
other untrusted callers pick a provider by one of these names and never see or send a spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import delete, insert, select, update

from mentor.errors import ConfigError, ConflictError, InputError, NotFoundError
from mentor.providers.base import Provider
from mentor.providers.registry import build_provider, check_spec
from mentor.store.audit import aware, now, record_event
from mentor.store.engine import write_transaction
from mentor.store.provider_tables import named_providers

if TYPE_CHECKING:
    from mentor.workspace import Workspace

NAME: Final = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
ProviderSpec = str | dict[str, Any]


@dataclass(frozen=True)
class NamedProvider:
    """A provider an admin named: what it runs (`spec`) stays on the server."""

    name: str
    spec: ProviderSpec
    note: str
    added_by: str
    added_at: datetime


def check_provider_name(name: str) -> str:
    """A provider name: lower-case letters, digits, '.', '_' and '-' (no ':', so a name can
    never be mistaken for a spec)."""
    if not NAME.match(name):
        raise InputError(
            f"'{name}' is not a usable provider name; use lower-case letters, digits, '.', '_' "
            "and '-' (at most 64)",
            field="name",
        )
    return name


def _check_spec(spec: ProviderSpec) -> ProviderSpec:
    try:
        check_spec(spec)
    except ConfigError as exc:
        raise InputError(str(exc), field="spec") from exc
    return spec


class NamedProviders:
    """The workspace's named providers (``ws.providers``)."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    def add(
        self, name: str, spec: ProviderSpec, *, note: str = "", replace: bool = False
    ) -> NamedProvider:
        """Name a provider spec (``openai:gpt-4o@https://...``, ``smollm2``, or a dict with
        ``type`` and options, ``system`` included); `replace` changes an existing name."""
        check_provider_name(name)
        _check_spec(spec)
        values = {"spec": {"spec": spec} if isinstance(spec, str) else spec, "note": note[:500]}
        with write_transaction(self.ws.engine) as conn:
            found = conn.execute(
                select(named_providers.c.spec).where(named_providers.c.name == name)
            ).first()
            if found is not None and not replace:
                raise ConflictError(
                    f"a provider named '{name}' exists already; pass --replace to change it"
                )
            stamp = {"added_by": self.ws.actor, "added_at": now()}
            if found is None:
                conn.execute(insert(named_providers).values(name=name, **values, **stamp))
            else:
                conn.execute(
                    update(named_providers)
                    .where(named_providers.c.name == name)
                    .values(**values, **stamp)
                )
            record_event(
                conn,
                actor=self.ws.actor,
                action="provider.name",
                object_type="provider",
                object_id=name,
                before=None if found is None else found.spec,
                after=values["spec"],
            )
        return self.get(name)

    def remove(self, name: str) -> None:
        """Forget a named provider (projects that pre-label with it can no longer do so)."""
        with write_transaction(self.ws.engine) as conn:
            gone = conn.execute(delete(named_providers).where(named_providers.c.name == name))
            if not gone.rowcount:
                raise NotFoundError(f"no provider is named '{name}'")
            record_event(
                conn,
                actor=self.ws.actor,
                action="provider.remove",
                object_type="provider",
                object_id=name,
            )

    def all(self) -> list[NamedProvider]:
        """Every named provider, by name."""
        with self.ws.engine.connect() as conn:
            rows = conn.execute(select(named_providers).order_by(named_providers.c.name))
            return [_named(r) for r in rows]

    def names(self) -> list[str]:
        """The names untrusted callers may pick from."""
        return [p.name for p in self.all()]

    def find(self, name: str) -> NamedProvider | None:
        """The provider called `name`, or None."""
        with self.ws.engine.connect() as conn:
            row = conn.execute(
                select(named_providers).where(named_providers.c.name == name)
            ).first()
            return None if row is None else _named(row)

    def get(self, name: str) -> NamedProvider:
        """The provider called `name`; a NotFoundError listing the names otherwise."""
        found = self.find(name)
        if found is None:
            known = ", ".join(self.names()) or "none yet: an admin adds them with "
            raise NotFoundError(
                f"no provider is named '{name}'; named providers: {known}"
                + ("`mentor providers add`" if known.endswith("with ") else "")
            )
        return found

    def build(self, name: str) -> Provider:
        """The provider called `name`, ready to use."""
        return build_provider(self.get(name).spec, engine=self.ws.engine)


def _named(row: Any) -> NamedProvider:
    stored: dict[str, Any] = dict(row.spec)
    spec: ProviderSpec = stored["spec"] if set(stored) == {"spec"} else stored
    return NamedProvider(row.name, spec, row.note, row.added_by, aware(row.added_at))
