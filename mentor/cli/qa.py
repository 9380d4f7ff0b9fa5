"""`mentor qa ...`: scan datasets for defects, duplicates, PII and contamination; fix; gate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, cast

import typer

from mentor.cli import render
from mentor.cli.options import Db, Json, workspace
from mentor.errors import GATE_FAILED_EXIT
from mentor.qa.findings import SEVERITIES, Severity
from mentor.qa.gate import GateResult, parse_pii
from mentor.qa.registry import describe, parse_options
from mentor.qa.report import detail_tables
from mentor.qa.scan import BATCH_SIZE, ScanResult
from mentor.qa.sources import is_file_target
from mentor.qa.summary import Summary, worst_first

DETAIL_ROWS = 10

app = typer.Typer(
    help="Check dataset health (lint, duplicates, PII, contamination, coverage), fix, gate.",
    no_args_is_help=True,
)

Target = Annotated[
    str, typer.Argument(help="A version (NAME@vN, or NAME for the newest) or a file to read.")
]
Against = Annotated[
    list[str] | None,
    typer.Option(
        "--against", help="Evaluation or reference data (a version or a file); repeatable."
    ),
]
ExecutorOpt = Annotated[
    str, typer.Option("--executor", help="Where the work runs: local (processes), serial, ray.")
]
Workers = Annotated[
    int | None, typer.Option("--workers", help="Worker processes (default: one per core).")
]


def _summary_rows(s: Summary) -> list[list[object]]:
    return [
        [
            check,
            *(s.by_severity[check].get(sev, 0) for sev in SEVERITIES),
            s.affected.get(check, 0),
            f"{s.rate(check):.2%}",
        ]
        for check in s.by_severity
    ]


def _show_summary(result: ScanResult) -> None:
    s = result.summary
    render.fields(
        "QA scan",
        [
            ("target", s.target),
            ("records", f"{s.records:,}"),
            ("findings", f"{s.findings:,}"),
            ("executor", f"{result.executor} ({result.seconds:.1f} s)"),
        ],
    )
    render.table(
        "Findings by check and severity",
        ["check", *SEVERITIES, "records affected", "rate"],
        _summary_rows(s),
    )
    worst = worst_first(s)
    if worst:
        render.table(
            "Worst examples",
            ["severity", "check", "kind", "record", "where", "message"],
            [
                [
                    f.severity,
                    f.check,
                    f.code,
                    f.record_id,
                    f.span.field if f.span else "",
                    f.message,
                ]
                for f in worst
            ],
        )
    for t in detail_tables(s):
        rows = t.rows[:DETAIL_ROWS] if t.counts else t.rows
        more = f" (top {DETAIL_ROWS} of {len(t.rows):,})" if len(rows) < len(t.rows) else ""
        render.table(f"{t.check}: {t.title}{more}", list(t.columns), [list(r) for r in rows])
    if s.invalid_rows:
        render.warning(f"{s.invalid_rows:,} rows are not valid records (lint code 'schema')")
    files = [("findings", result.findings_file), ("html report", result.html_file)]
    written = [(k, str(v)) for k, v in files if v is not None]
    if written:
        render.fields("Written", written)


@app.command()
def scan(
    target: Target,
    checks: Annotated[
        str | None,
        typer.Option("--checks", help="Comma-separated checks (default: all that apply)."),
    ] = None,
    against: Against = None,
    option: Annotated[
        list[str] | None,
        typer.Option("--option", help="A check's option: CHECK.OPTION=VALUE; repeatable."),
    ] = None,
    executor: ExecutorOpt = "local",
    workers: Workers = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", help="Records per batch sent to a worker.")
    ] = BATCH_SIZE,
    findings: Annotated[
        Path | None, typer.Option("--findings", help="Write every finding here (JSON Lines).")
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write an HTML report with charts here.")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="Format of a file target: jsonl|csv|parquet|hf.")
    ] = None,
    map_: Annotated[
        str | None, typer.Option("--map", help="Map preset for a file target (default: auto).")
    ] = None,
    map_file: Annotated[
        Path | None, typer.Option("--map-file", help="YAML map of columns for a file target.")
    ] = None,
    db: Db = None,
    json: Json = False,
) -> None:
    """Run health checks over a version or a file; print a summary, write findings and HTML."""
    ws = workspace(db)
    unit = "bytes" if is_file_target(target) else ""
    with render.progress("scanning", unit=unit) as bar:
        result = ws.qa.scan(
            target,
            checks=checks,
            against=tuple(against or ()),
            options=parse_options(option or []),
            executor=executor,
            workers=workers,
            batch_size=batch_size,
            findings=findings,
            html=html,
            keep_findings=False,
            progress=bar,
            format=fmt,
            map=map_,
            map_file=map_file,
        )
    if json:
        render.emit_json(
            {
                "summary": result.summary,
                "executor": result.executor,
                "seconds": result.seconds,
                "findings_file": result.findings_file,
                "html_file": result.html_file,
            }
        )
        return
    _show_summary(result)


@app.command()
def fix(
    ref: Annotated[str, typer.Argument(help="A version: NAME@vN, or NAME for the newest.")],
    dedup: Annotated[
        bool, typer.Option("--dedup", help="Drop exact and near duplicates (keep the first).")
    ] = False,
    redact_pii: Annotated[
        bool, typer.Option("--redact-pii", help="Replace PII with typed placeholders (<EMAIL>).")
    ] = False,
    drop_defects: Annotated[
        bool, typer.Option("--drop-defects", help="Drop records with lint findings.")
    ] = False,
    defect_severity: Annotated[
        str,
        typer.Option(
            "--defect-severity", help="Least severe lint finding that --drop-defects drops."
        ),
    ] = "low",
    into: Annotated[
        str | None, typer.Option("--into", help="Dataset for the new version (default: the same).")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="A note kept with the new version.")] = "",
    executor: ExecutorOpt = "local",
    workers: Workers = None,
    db: Db = None,
    json: Json = False,
) -> None:
    """Make a new version without duplicates/defects and with PII redacted (source untouched)."""
    with render.progress("fixing") as bar:
        result = workspace(db).qa.fix(
            ref,
            dedup=dedup,
            redact_pii=redact_pii,
            drop_defects=drop_defects,
            # fix_version names the flag when the severity is not one it knows
            defect_severity=cast("Severity", defect_severity),
            into=into,
            note=note,
            executor=executor,
            workers=workers,
            progress=bar,
        )
    if json:
        render.emit_json(result)
        return
    if result.unchanged:
        render.success(f"nothing to fix in {result.source.ref}; no new version")
        return
    removed = ", ".join(f"{n:,} {why}" for why, n in result.removed.items()) or "none"
    changed = ", ".join(f"{n:,} {how}" for how, n in result.changed.items()) or "none"
    render.success(
        f"{result.version.ref} made from {result.source.ref}: "
        f"{result.version.record_count:,} records (removed: {removed}; changed: {changed})"
    )


def _show_gate(result: GateResult) -> None:
    render.table(
        f"QA gate: {'passed' if result.passed else 'FAILED'}",
        ["criterion", "value", "limit", "result"],
        [
            [
                c.name,
                f"{c.value:.2%}" if "rate" in c.name else f"{c.value:,.0f}",
                f"{c.limit:.2%}" if "rate" in c.name else f"{c.limit:,.0f}",
                "pass" if c.passed else "FAIL",
            ]
            for c in result.criteria
        ],
    )
    for reason in result.reasons:
        render.error(reason)
    if result.passed:
        render.success("gate passed")


@app.command()
def gate(
    target: Target,
    max_defect_rate: Annotated[
        float | None,
        typer.Option("--max-defect-rate", help="Largest share of records with lint findings."),
    ] = None,
    defect_severity: Annotated[
        str | None,
        typer.Option(
            "--defect-severity", help="Least severe lint finding that counts as a defect (low)."
        ),
    ] = None,
    max_pii: Annotated[
        list[str] | None,
        typer.Option(
            "--max-pii", help="Most PII findings of a severity or worse: SEVERITY=N; repeatable."
        ),
    ] = None,
    max_contamination: Annotated[
        int | None,
        typer.Option(
            "--max-contamination", help="Most evaluation items found in the data (--against)."
        ),
    ] = None,
    max_exact_dup_rate: Annotated[
        float | None,
        typer.Option("--max-exact-dup-rate", help="Largest share of exact duplicate records."),
    ] = None,
    max_near_dup_rate: Annotated[
        float | None,
        typer.Option("--max-near-dup-rate", help="Largest share of near-duplicate records."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="YAML file of thresholds (flags win).")
    ] = None,
    against: Against = None,
    executor: ExecutorOpt = "local",
    workers: Workers = None,
    db: Db = None,
    json: Json = False,
) -> None:
    """Check a version against thresholds; exit 6 with the reasons when any is broken."""
    with render.progress("gating") as bar:
        result = workspace(db).qa.gate(
            target,
            config=config,
            against=tuple(against or ()),
            executor=executor,
            workers=workers,
            progress=bar,
            max_defect_rate=max_defect_rate,
            # GateThresholds.check names the flag when the severity is not one it knows
            defect_severity=cast("Severity | None", defect_severity),
            max_pii=parse_pii(max_pii or []),
            max_contamination=max_contamination,
            max_exact_dup_rate=max_exact_dup_rate,
            max_near_dup_rate=max_near_dup_rate,
        )
    if json:
        render.emit_json(
            {"passed": result.passed, "reasons": result.reasons, "criteria": result.criteria}
        )
    else:
        _show_gate(result)
    if not result.passed:
        raise typer.Exit(GATE_FAILED_EXIT)


@app.command("checks")
def checks_(json: Json = False) -> None:
    """List the checks a scan can run, with their options and defaults."""
    infos = describe()
    if json:
        render.emit_json(infos)
        return
    render.table(
        "Checks",
        ["check", "what it finds", "options"],
        [
            [
                i.name,
                i.error or i.summary,
                ", ".join(f"{k}={v!r}" for k, v in i.options.items()),
            ]
            for i in infos
        ],
    )
