"""Transforms that make a new version from existing ones: filter and merge."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from sqlalchemy import Engine

from mentor.datasets.versions import VersionInfo, by_id, check_name, iter_records, resolve
from mentor.datasets.writer import VersionSpec, VersionWriter
from mentor.errors import InputError
from mentor.records import KINDS, Record
from mentor.store.engine import write_transaction


@dataclass(frozen=True)
class RecordFilter:
    """Which records to keep; every given condition must hold. `sample` keeps a seeded fraction."""

    kind: str | None = None
    intent: str | None = None
    language: str | None = None
    source: str | None = None
    tag: str | None = None
    single_turn: bool = False
    sample: float | None = None
    seed: int = 0

    def check(self) -> None:
        """Refuse values that could never match, naming the flag."""
        if self.kind is not None and self.kind not in KINDS:
            raise InputError(
                f"unknown kind '{self.kind}'; expected one of {', '.join(KINDS)}", where="--kind"
            )
        if self.sample is not None and not 0 < self.sample <= 1:
            raise InputError(f"expected a fraction in (0, 1], got {self.sample}", where="--sample")

    def keeps(self, rec: Record, rng: random.Random) -> bool:
        """Whether `rec` passes (the sample draw happens only for records that pass the rest)."""
        for key in ("kind", "intent", "language", "source"):
            wanted = getattr(self, key)
            if wanted is not None and rec.get(key) != wanted:
                return False
        if self.tag is not None and self.tag not in rec.get("tags", ()):
            return False
        if self.single_turn and sum(m["role"] == "user" for m in _prompt(rec)) > 1:
            return False
        return self.sample is None or rng.random() < self.sample


def _prompt(rec: Record) -> list[Record]:
    return list(rec["messages"] if rec["kind"] == "sft" else rec["prompt"])


def filter_version(
    engine: Engine, ref: str, flt: RecordFilter, actor: str, into: str | None = None, note: str = ""
) -> VersionInfo:
    """Keep the records of `ref` that pass `flt`, as the next version of `into` (default: same)."""
    flt.check()
    with engine.connect() as conn:
        source = resolve(conn, ref)
    params = {
        "from": source.ref,
        **{k: v for k, v in asdict(flt).items() if v not in (None, False)},
    }
    rng = random.Random(flt.seed)
    kept = (r for r in iter_records(engine, source.id) if flt.keeps(r, rng))
    return _write(engine, into or source.dataset, "filter", params, [source], kept, actor, note)


def merge_versions(
    engine: Engine, refs: list[str], into: str, actor: str, note: str = ""
) -> VersionInfo:
    """Concatenate versions in the order given; an id present twice is an error."""
    if len(refs) < 2:
        raise InputError("merge needs at least two versions", where="REFS")
    with engine.connect() as conn:
        inputs = [resolve(conn, r) for r in refs]

    def chained() -> Iterator[Record]:
        for v in inputs:
            yield from iter_records(engine, v.id)

    return _write(
        engine, into, "merge", {"from": [v.ref for v in inputs]}, inputs, chained(), actor, note
    )


def _write(
    engine: Engine,
    name: str,
    transform: str,
    params: dict[str, object],
    parents: list[VersionInfo],
    records: Iterator[Record],
    actor: str,
    note: str,
) -> VersionInfo:
    check_name(name)
    with write_transaction(engine) as conn:
        spec = VersionSpec(
            dataset=name,
            actor=actor,
            transform=transform,
            params=params,
            parents=tuple(p.id for p in parents),
            note=note,
        )
        writer = VersionWriter(conn, spec)
        for rec in records:
            writer.add(rec)
        writer.flush()
        if writer.count == 0:
            raise InputError(f"{transform} kept no records; nothing was written")
        writer.finish()
        return by_id(conn, writer.version_id)
