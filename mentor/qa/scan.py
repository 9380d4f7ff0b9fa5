"""Running checks over a version or a file: batches go through an executor, come back in order.

For each batch every check's ``prepare`` runs on the executor (this process, a process pool,
Ray); the main process then hands the results to each check's ``absorb`` in batch order and
finally calls ``finish``. Since only ``prepare`` runs elsewhere and the rest happens in order
here, the findings are the same, in the same order, on every executor.

A check may also offer ``summary()``: figures about the whole corpus (coverage's
distributions) that the report charts beside the findings.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from mentor.errors import InputError
from mentor.progress import Progress
from mentor.qa import registry
from mentor.qa.checks.base import Check
from mentor.qa.executors import Executor, make_executor
from mentor.qa.findings import Finding
from mentor.qa.report import FindingsWriter, check_output, write_html
from mentor.qa.sources import ReadOptions, Source, decode, open_source, read_against
from mentor.qa.summary import Summary, Tally
from mentor.qa.text import prompt_text
from mentor.records import Record
from mentor.store import record_event, write_transaction

Sink = Callable[[Finding], None]
BATCH_SIZE = 2000


@dataclass(frozen=True)
class ScanConfig:
    """What to run: which checks (None: all that apply) with which options, where, how."""

    checks: str | tuple[str, ...] | None = None
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    against: tuple[str, ...] = ()
    executor: str = "local"
    workers: int | None = None
    batch_size: int = BATCH_SIZE
    read: ReadOptions = field(default_factory=ReadOptions)


@dataclass(frozen=True)
class ScanResult:
    """A finished scan: its summary, its findings (unless not kept) and the files written."""

    summary: Summary
    findings: tuple[Finding, ...]
    executor: str
    seconds: float
    findings_file: Path | None = None
    html_file: Path | None = None


@dataclass(frozen=True)
class Streamed:
    """How many records went through the checks, and how many rows were not records."""

    records: int
    invalid_rows: int


def prepare_batch(checks: Sequence[Check], batch: list[Record | str]) -> list[Any]:
    """Every check's ``prepare`` on one batch (what runs on the executor's workers)."""
    records = decode(batch)
    return [check.prepare(records) for check in checks]


def run_checks(
    source: Source,
    checks: Sequence[Check],
    executor: Executor,
    sink: Sink,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> Streamed:
    """Stream `source` through `checks`, handing each finding to `sink`.

    Rows of a file that are not records become lint ``schema`` findings when lint runs.
    """
    if batch_size < 1:
        raise InputError(
            f"expected a batch size of at least 1, got {batch_size}", where="--batch-size"
        )
    pending: deque[tuple[list[Finding], int, int]] = deque()
    shared = tuple(checks)

    def batches() -> Iterator[list[Record | str]]:
        for batch in source.batches(batch_size):
            pending.append((batch.invalid, batch.done, len(batch.records)))
            yield batch.records

    records = invalid_rows = 0
    linting = any(check.name == "lint" for check in shared)
    results = executor.map(prepare_batch, shared, batches())
    # Closing the results on an error stops the workers now, not when they are collected.
    with closing(results) if isinstance(results, Generator) else nullcontext():
        for prepared in results:
            invalid, done, size = pending.popleft()
            invalid_rows += len(invalid)
            for finding in invalid if linting else ():
                sink(finding)
            for check, part in zip(shared, prepared, strict=True):
                for finding in check.absorb(part):
                    sink(finding)
            records += size
            if progress is not None:
                progress(done, source.total)
    for check in shared:
        for finding in check.finish():
            sink(finding)
    return Streamed(records, invalid_rows)


def _prompts(records: Iterable[Record]) -> Iterator[tuple[str, str]]:
    """(id, prompt text) of each evaluation item, read when a check asks for them."""
    for rec in records:
        yield str(rec.get("id", "")), prompt_text(rec)


def details(checks: Sequence[Check]) -> dict[str, Any]:
    """What checks that offer a ``summary()`` (beyond the protocol) say about the corpus."""
    return {
        check.name: check.summary()  # type: ignore[attr-defined]
        for check in checks
        if callable(getattr(check, "summary", None))
    }


def modules(checks: Sequence[Check]) -> tuple[str, ...]:
    """The modules the checks come from (for workers to load before their first batch)."""
    return tuple(sorted({type(check).__module__ for check in checks}))


def build_checks(config: ScanConfig, against: Mapping[str, Iterable[Record]]) -> list[Check]:
    """The checks `config` names, built with their options and the ``--against`` data."""
    names = registry.choose(config.checks, bool(config.against))
    stray = set(config.options) - set(names)
    if stray:
        raise InputError(
            f"options given for check(s) not run: {', '.join(sorted(stray))}", where="--option"
        )
    context = {
        "evals": {label: _prompts(records) for label, records in against.items()},
        "references": against,
        "against": against,
    }
    return [registry.build(n, config.options.get(n), context) for n in names]


def scan(
    engine: Engine,
    target: str,
    config: ScanConfig,
    *,
    progress: Progress | None = None,
    findings: Path | None = None,
    html: Path | None = None,
    keep_findings: bool = True,
    actor: str | None = None,
) -> ScanResult:
    """Run the checks of `config` over `target` (``NAME@vN`` or a file); write the files asked.

    With an `actor`, a scan of a stored version is kept in the audit log with its counts.
    """
    started = time.perf_counter()
    make_executor(config.executor, config.workers)  # refuse a bad executor before any work
    for path, flag in ((findings, "--findings"), (html, "--html")):
        if path is not None:
            check_output(path, flag)
    source = open_source(engine, target, config.read)
    checks = build_checks(config, read_against(engine, list(config.against), config.read))
    executor = make_executor(config.executor, config.workers, modules(checks))
    tally = Tally(source.label, tuple(c.name for c in checks))
    kept: list[Finding] = []
    writer = FindingsWriter(findings) if findings is not None else None

    def sink(finding: Finding) -> None:
        tally.add(finding)
        if keep_findings:
            kept.append(finding)
        if writer is not None:
            writer(finding)

    with writer or nullcontext():
        streamed = run_checks(
            source, checks, executor, sink, batch_size=config.batch_size, progress=progress
        )
    tally.records, tally.invalid_rows = streamed.records, streamed.invalid_rows
    tally.details = details(checks)
    summary = tally.summary()
    html_file = write_html(summary, html) if html is not None else None
    if actor is not None and source.stored:
        audit(engine, actor, "qa.scan", summary, {"executor": executor.name})
    return ScanResult(
        summary,
        tuple(kept),
        executor.name,
        time.perf_counter() - started,
        findings,
        html_file,
    )


def audit(
    engine: Engine, actor: str, action: str, summary: Summary, detail: Mapping[str, Any]
) -> None:
    """Keep what a scan of a stored version found (counts only) in the audit log."""
    with write_transaction(engine) as conn:
        record_event(
            conn,
            actor=actor,
            action=action,
            object_type="version",
            object_id=summary.target,
            detail={
                **detail,
                "records": summary.records,
                "checks": list(summary.checks),
                "by_severity": summary.by_severity,
                "affected": summary.affected,
            },
        )
