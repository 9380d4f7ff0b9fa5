"""The judges facade a Workspace hands out as ``ws.judges``: calibration records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from mentor.errors import InputError
from mentor.judges.against_review import review_labels
from mentor.judges.calibration import (
    Calibration,
    CalibrationOptions,
    Measured,
    get_calibration,
    list_calibrations,
    measure_labels,
    measure_pairs,
    store,
)
from mentor.judges.run_estimate import RunPassRate, pass_rate
from mentor.judges.verdicts import VerdictFile, read_verdicts
from mentor.store.engine import write_transaction

if TYPE_CHECKING:
    from mentor.workspace import Workspace

FILE_SUFFIXES: Final = (".jsonl", ".ndjson", ".csv", ".gz")


def is_verdict_file(against: str | Path) -> bool:
    """Whether `against` names a verdict file (a Path, an existing file or a file suffix)."""
    if isinstance(against, Path):
        return True
    return Path(against).is_file() or against.lower().endswith(FILE_SUFFIXES)


def _from_file(
    found: VerdictFile,
    judge: str,
    fingerprint: Mapping[str, Any] | None,
    options: CalibrationOptions,
) -> Measured:
    source = {"path": str(found.path), "sha256": found.sha256, "rows": found.rows}
    if found.kind == "pairwise":
        rows = found.pairs[judge]
        family = next((r.judge_family for r in rows if r.judge_family), "")
        fp = {"type": "external", "judge": judge, "judge_family": family, **(fingerprint or {})}
        return measure_pairs(judge, rows, fingerprint=fp, source=source, options=options)
    fp = {"type": "external", "judge": judge, **(fingerprint or {})}
    ordinal = found.kind == "ordinal"
    return measure_labels(
        judge, found.labels[judge], ordinal=ordinal, fingerprint=fp, source=source, options=options
    )


class Judges:
    """Judges checked against people: calibrate one, list, read and follow its records."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    def is_verdict_file(self, against: str | Path) -> bool:
        """Whether `against` names a verdict file rather than a review project."""
        return is_verdict_file(against)

    def calibrate(
        self,
        judge: str,
        against: str | Path,
        *,
        ordinal: bool = False,
        fingerprint: Mapping[str, Any] | None = None,
        options: CalibrationOptions | None = None,
    ) -> Calibration:
        """Compare `judge` with people and store the record.

        `against` is a verdict file (JSONL/CSV; `judge` names rows of its ``judge`` field, or
        every row when it has none) or a review project of a run `judge` graded (`judge` is
        the grader's name). `fingerprint` adds to what identifies an external judge."""
        if is_verdict_file(against):
            return self.calibrate_file(
                against, [judge], ordinal=ordinal, **_kw(fingerprint, options)
            )[0]
        with self.ws.engine.connect() as conn:
            found = review_labels(conn, judge, str(against), ordinal=ordinal)
        if len(found.rows) < 2:
            raise InputError(
                f"project {against!r} and grader {judge!r} share {len(found.rows)} graded "
                "case(s); a calibration needs at least 2",
                where="--against",
            )
        fp = {**found.fingerprint, **(fingerprint or {})}
        measured = measure_labels(
            judge,
            found.rows,
            ordinal=ordinal,
            fingerprint=fp,
            source=found.source,
            options=options or CalibrationOptions(),
        )
        shown = [
            {
                **d,
                "human_reason": found.reasons[d["item"]][0],
                "reason": found.reasons[d["item"]][1],
            }
            for d in measured.disagreements
        ]
        return self._store([replace(measured, disagreements=shown)])[0]

    def calibrate_file(
        self,
        path: str | Path,
        judges: Sequence[str] | None = None,
        *,
        ordinal: bool = False,
        fingerprint: Mapping[str, Any] | None = None,
        options: CalibrationOptions | None = None,
    ) -> list[Calibration]:
        """Calibrate `judges` (default: every judge the file names) from one verdict file; all
        are stored together, or none when any fails."""
        default = judges[0] if judges else "judge"
        found = read_verdicts(path, judge=default, ordinal=ordinal)
        names = list(judges) if judges else list(found.judges)
        missing = [n for n in names if n not in found.judges]
        if missing:
            raise InputError(
                f"no rows of judge {missing[0]!r}; the file names {', '.join(found.judges)}",
                where=str(path),
                field="judge",
            )
        opts = options or CalibrationOptions()
        return self._store([_from_file(found, n, fingerprint, opts) for n in names])

    def _store(self, measured: Sequence[Measured]) -> list[Calibration]:
        with write_transaction(self.ws.engine) as conn:
            ids = [store(conn, m, self.ws.actor) for m in measured]
            return [get_calibration(conn, i) for i in ids]

    def calibrations(self, judge: str | None = None, *, limit: int = 100) -> list[Calibration]:
        """Calibration records, newest first (of one judge, if given)."""
        with self.ws.engine.connect() as conn:
            return list_calibrations(conn, judge=judge, limit=limit)

    def get(self, calibration_id: int | str) -> Calibration:
        """One record by id."""
        text = str(calibration_id).strip().removeprefix("#")
        if not (text.isascii() and text.isdigit()):
            raise InputError(f"'{calibration_id}' is not a calibration id; expected a number")
        with self.ws.engine.connect() as conn:
            return get_calibration(conn, int(text))

    def history(self, judge: str, *, limit: int = 1000) -> list[Calibration]:
        """`judge`'s records oldest first: kappa per fingerprint over time shows drift."""
        with self.ws.engine.connect() as conn:
            return list_calibrations(conn, judge=judge, limit=limit, oldest_first=True)

    def pass_rate(self, run: int | str, *, confidence: float = 0.95) -> RunPassRate:
        """Run `run`'s pass rate from people alone, the graders alone, and prediction-powered
        (few human grades correcting many automatic ones; needs an attached review)."""
        return pass_rate(self.ws, run, confidence=confidence)


def _kw(
    fingerprint: Mapping[str, Any] | None, options: CalibrationOptions | None
) -> dict[str, Any]:
    return {"fingerprint": fingerprint, "options": options}
