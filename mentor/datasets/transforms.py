"""Transforms that make a new version from existing ones: filter and merge."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from sqlalchemy import Engine

from mentor.datasets.versions import VersionInfo, by_id, check_name, iter_records, resolve
from mentor.datasets.writer import VersionSpec, VersionWriter
from mentor.errors import InputError
from mentor.progress import Progress, tracked
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
    engine: Engine,
    ref: str,
    flt: RecordFilter,
    actor: str,
    into: str | None = None,
    note: str = "",
    progress: Progress | None = None,
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
    seen = tracked(iter_records(engine, source.id), source.record_count, progress)
    kept = (r for r in seen if flt.keeps(r, rng))
    spec = VersionSpec(into or source.dataset, actor, "filter", params, (source.id,), note)
    return _write(engine, spec, kept)


def merge_versions(
    engine: Engine,
    refs: list[str],
    into: str,
    actor: str,
    note: str = "",
    description: str = "",
    progress: Progress | None = None,
) -> VersionInfo:
    """Concatenate versions in the order given; an id present twice is an error."""
    if len(refs) < 2:
        raise InputError("merge needs at least two versions", where="REFS")
    with engine.connect() as conn:
        inputs = [resolve(conn, r) for r in refs]

    def chained() -> Iterator[Record]:
        for v in inputs:
            yield from iter_records(engine, v.id)

    total = sum(v.record_count for v in inputs)
    spec = VersionSpec(
        into,
        actor,
        "merge",
        {"from": [v.ref for v in inputs]},
        tuple(v.id for v in inputs),
        note,
        description=description,
    )
    return _write(engine, spec, tracked(chained(), total, progress))


def _write(engine: Engine, spec: VersionSpec, records: Iterator[Record]) -> VersionInfo:
    check_name(spec.dataset)
    with write_transaction(engine) as conn:
        writer = VersionWriter(conn, spec)
        for rec in records:
            writer.add(rec)
        writer.flush()
        if writer.count == 0:
            raise InputError(f"{spec.transform} kept no records; nothing was written")
        writer.finish()
        return by_id(conn, writer.version_id)
