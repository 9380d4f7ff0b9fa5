"""Writing a datasheet: compute it, keep it in the store, optionally write it to a file."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from mentor.datasets import datasheet, targets
from mentor.datasets.lineage import lineage
from mentor.datasets.versions import VersionInfo
from mentor.errors import InputError
from mentor.records import Record
from mentor.store.audit import now, record_event
from mentor.store.engine import write_transaction
from mentor.store.tables import datasheets


@dataclass(frozen=True)
class Datasheet:
    """A version's datasheet: Markdown text, the figures behind it, and where it was written."""

    ref: str
    markdown: str
    fields: dict[str, Any]
    path: Path | None


def write_datasheet(
    engine: Engine,
    version: VersionInfo,
    records: Iterable[Record],
    notes: dict[str, str],
    out: Path | None,
    actor: str,
) -> Datasheet:
    """Count, render, store (replacing an older datasheet of the version) and write to `out`.

    `out` is checked first and written in full beside itself inside the transaction, so a file
    that cannot be written stores nothing; it takes its name once the datasheet is stored.
    """
    if out is not None:
        targets.check_target(out, "--out")
    comp = datasheet.compose(records)
    tmp = targets.temp_beside(out, "--out") if out is not None else None
    try:
        markdown, fields = _store(engine, version, comp, notes, actor, tmp)
        if out is not None and tmp is not None:
            os.replace(tmp, out)
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return Datasheet(version.ref, markdown, fields, out)


def _store(
    engine: Engine,
    version: VersionInfo,
    comp: datasheet.Composition,
    notes: dict[str, str],
    actor: str,
    tmp: Path | None,
) -> tuple[str, dict[str, Any]]:
    """Render and keep the datasheet (and write it to `tmp`, before the commit)."""
    with write_transaction(engine) as conn:
        graph = lineage(conn, version.id)
        markdown = datasheet.render(version, comp, graph, notes)
        fields = {
            "records": comp.records,
            "kinds": dict(comp.kinds),
            "intents": dict(comp.intents),
            "languages": dict(comp.languages),
            "sources": dict(comp.sources),
            "empty_responses": comp.empty_responses,
            "duplicate_content": comp.duplicate_content,
            "notes": sorted(notes),
            "limitations": datasheet.limitations(comp),
        }
        had = conn.execute(
            select(datasheets.c.version_id).where(datasheets.c.version_id == version.id)
        ).first()
        conn.execute(delete(datasheets).where(datasheets.c.version_id == version.id))
        conn.execute(
            insert(datasheets).values(
                version_id=version.id,
                body=markdown,
                fields=fields,
                created_by=actor,
                created_at=now(),
            )
        )
        record_event(
            conn,
            actor=actor,
            action="datasheet.replace" if had else "datasheet.create",
            object_type="version",
            object_id=version.ref,
            detail={"notes": sorted(notes)},
        )
        if tmp is not None:
            try:
                tmp.write_text(markdown, encoding="utf-8")
            except OSError as exc:
                raise InputError(f"cannot write {tmp}: {exc.strerror}", where="--out") from None
    return markdown, fields


def stored_datasheet(engine: Engine, version: VersionInfo) -> Datasheet | None:
    """The datasheet last written for `version`, if any."""
    with engine.connect() as conn:
        row = conn.execute(select(datasheets).where(datasheets.c.version_id == version.id)).first()
    return Datasheet(version.ref, row.body, dict(row.fields), None) if row else None
