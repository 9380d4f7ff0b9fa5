"""`mentor judges`: calibrate a judge against people, and read its calibration records."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Final

import typer

from mentor.cli import render
from mentor.cli.options import Db, Json, workspace
from mentor.errors import InputError
from mentor.judges import Calibration, CalibrationOptions

app = typer.Typer(
    help="Judges checked against people: calibration records, bias checks, drift.",
    no_args_is_help=True,
)
SHOWN: Final = 10  # disagreeing items printed (all with --json)
BIAS: Final = (
    ("flip_rate", "flip rate (order swapped)"),
    ("first_position_rate", "first-position win rate"),
    ("tie_rate", "tie rate"),
    ("length_bias", "length bias (judge - people)"),
    ("self_preference", "self-preference (judge - people)"),
)


def estimate(found: dict[str, Any] | None, percent: bool = False) -> str:
    """``0.62 [0.55, 0.69]`` from a stored ``{value, low, high}`` (— when undefined)."""
    if not found or found.get("value") is None:
        return "—" + (f" ({found['reason']})" if found and found.get("reason") else "")
    fmt = "{:.1%}" if percent else "{:.3f}"
    if found.get("low") is None:
        return fmt.format(found["value"])
    return f"{fmt.format(found['value'])} [{fmt.format(found['low'])}, {fmt.format(found['high'])}]"


def _json(c: Calibration) -> dict[str, Any]:
    return {**c.__dict__, "created_at": c.created_at.isoformat()}


def _show(c: Calibration, disagreements: int = SHOWN) -> None:
    agreement = c.stats["agreement"]
    render.fields(
        f"calibration {c.id}: {c.judge}",
        [
            ("kind", c.kind),
            ("fingerprint", c.fingerprint_hash[:12]),
            ("source", ", ".join(f"{k}={v}" for k, v in c.source.items())),
            ("n", f"{c.n} (unparsed {agreement.get('unparsed', 0)})"),
            ("accuracy", estimate(c.stats["accuracy"], percent=True)),
            ("kappa", estimate(c.stats["kappa"]) + (" (weighted)" if agreement["ordinal"] else "")),
            ("alpha", estimate(c.stats["alpha"])),
            ("when", f"{c.created_at:%Y-%m-%d %H:%M} by {c.created_by}"),
        ],
    )
    labels = [str(v) for v in agreement["labels"]]
    render.table(
        "Confusion (rows: people, columns: judge)",
        ["people \\ judge", *labels],
        [[label, *row] for label, row in zip(labels, agreement["confusion"], strict=True)],
    )
    render.table(
        "Per class",
        ["label", "precision", "recall", "support"],
        [
            [str(s["label"]), _share(s["precision"]), _share(s["recall"]), s["support"]]
            for s in agreement["per_class"]
        ],
    )
    if c.bias:
        rows = [[name, estimate(c.bias.get(key), percent=True)] for key, name in BIAS]
        p = c.bias.get("first_position_p")
        rows.append(["first-position binomial p", "—" if p is None else f"{p:.3g}"])
        render.table("Pairwise bias", ["figure", "value [CI]"], rows)
    _disagreements(c, disagreements)


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _disagreements(c: Calibration, most: int) -> None:
    total = c.stats.get("disagreements_total", len(c.disagreements))
    if not total:
        render.line("no disagreements")
        return
    shown = c.disagreements[:most]
    columns = ["item", "people", "judge"]
    extra = "a" in shown[0] if shown else False
    render.table(
        f"Disagreements ({len(shown)} of {total})",
        [*columns, *(["a", "b"] if extra else ["why"])],
        [
            [d["item"], d["human"], _said(d)]
            + ([_clip(d["a"]), _clip(d["b"])] if extra else [_clip(d.get("reason", ""))])
            for d in shown
        ],
    )


def _said(d: dict[str, Any]) -> str:
    if "forward" not in d:
        return str(d["judge"])
    return f"{d['judge']} (a first: {d['forward'] or '?'}, b first: {d['backward'] or '?'})"


def _clip(text: str, most: int = 60) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= most else flat[: most - 1] + "…"


@app.command("calibrate")
def calibrate(
    against: Annotated[
        str,
        typer.Option(
            "--against",
            help="A review project of a run the grader graded, or a verdict file "
            "(.jsonl/.csv, see docs/judges.md).",
        ),
    ],
    judges: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="JUDGE...",
            help="The judge: a grader's name (with a review project) or a judge named in the "
            "verdict file. Several may be given; none with a file: every judge it names.",
        ),
    ] = None,
    ordinal: Annotated[
        bool,
        typer.Option("--ordinal", help="Labels are ordered scores: weighted kappa, ordinal alpha."),
    ] = False,
    resamples: Annotated[
        int, typer.Option("--resamples", min=0, help="Bootstrap resamples for the intervals.")
    ] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = 0,
    db: Db = None,
    json: Json = False,
) -> None:
    """Compare a judge with human labels; store and print the calibration record."""
    ws = workspace(db)
    options = CalibrationOptions(resamples=resamples, seed=seed)
    names = list(judges or [])
    if ws.judges.is_verdict_file(against):
        found = ws.judges.calibrate_file(
            Path(against), names or None, ordinal=ordinal, options=options
        )
    elif len(names) != 1:
        raise InputError("give one grader's name to calibrate against a project", where="JUDGE")
    else:
        found = [ws.judges.calibrate(names[0], against, ordinal=ordinal, options=options)]
    if json:
        render.emit_json([_json(c) for c in found] if len(found) > 1 else _json(found[0]))
        return
    for c in found:
        _show(c)
        render.success(f"stored calibration {c.id} of {c.judge}")


@app.command("list")
def list_(
    judge: Annotated[str | None, typer.Option("--judge", help="Only this judge's records.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most records to list.")] = 100,
    db: Db = None,
    json: Json = False,
) -> None:
    """List calibration records, newest first."""
    found = workspace(db).judges.calibrations(judge, limit=limit)
    if json:
        render.emit_json([_json(c) for c in found])
        return
    render.table(
        "Judge calibrations",
        ["#id", "judge", "kind", "fingerprint", "n", "kappa [CI]", "accuracy", "when"],
        [
            [
                c.id,
                c.judge,
                c.kind,
                c.fingerprint_hash[:12],
                c.n,
                estimate(c.stats["kappa"]),
                estimate(c.stats["accuracy"], percent=True),
                f"{c.created_at:%Y-%m-%d %H:%M}",
            ]
            for c in found
        ],
    )


@app.command("show")
def show(
    calibration: Annotated[str, typer.Argument(metavar="ID", help="A calibration record's id.")],
    db: Db = None,
    json: Json = False,
) -> None:
    """Show one calibration record: every figure, the confusion matrix, the disagreements."""
    found = workspace(db).judges.get(calibration)
    if json:
        render.emit_json(_json(found))
        return
    _show(found, disagreements=len(found.disagreements))


@app.command("history")
def history(
    judge: Annotated[str, typer.Argument(metavar="JUDGE", help="The judge's name.")],
    db: Db = None,
    json: Json = False,
) -> None:
    """A judge's calibrations over time: kappa per fingerprint shows drift between versions."""
    found = workspace(db).judges.history(judge)
    if json:
        render.emit_json([_json(c) for c in found])
        return
    if not found:
        render.line(f"no calibrations of {render.literal(judge)} yet")
        return
    rows, previous = [], None
    for c in found:
        changed = previous is not None and c.fingerprint_hash != previous
        previous = c.fingerprint_hash
        rows.append(
            [
                f"{c.created_at:%Y-%m-%d %H:%M}",
                c.id,
                c.fingerprint_hash[:12] + (" (new)" if changed else ""),
                c.n,
                estimate(c.stats["kappa"]),
                estimate(c.stats["accuracy"], percent=True),
            ]
        )
    render.table(
        f"History of {judge}", ["when", "#id", "fingerprint", "n", "kappa [CI]", "accuracy"], rows
    )
