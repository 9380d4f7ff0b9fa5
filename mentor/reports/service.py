"""The reports facade a Workspace hands out as ``ws.reports``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Final

from mentor.errors import InputError
from mentor.evals.gates import GateSpec
from mentor.evals.starters import starter_path
from mentor.reports import render
from mentor.reports.edits import kept_actions
from mentor.reports.quality_update import QualityUpdate, build_quality_update
from mentor.reports.release_note import ReleaseNote, build_release_note

if TYPE_CHECKING:
    from mentor.workspace import Workspace

Report = QualityUpdate | ReleaseNote
KNOWN_GATES: Final = ("starter",)
GATE_NAME: Final = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
"""A saved gate's name: its file's stem in ``<MENTOR_HOME>/gates/`` (no dots or slashes)."""


def known_gate(
    name: str, saved: Path | None = None, *, where: str = "?gate=", show_folder: bool = False
) -> Path:
    """A gate by name: ``starter`` (shipped with Mentor) or one saved as ``NAME.yaml`` in the
    folder `saved` (a workspace's ``<MENTOR_HOME>/gates/``). The web pages offer only these;
    `where` names the place in an error (the page's ``?gate=``, the CLI's ``--gate``). The error
    names the folder's own path only with `show_folder` (the CLI; not to web users)."""
    if name == "starter":
        return starter_path("regression").with_name("gate.yaml")
    names = gate_names(saved)
    folder = saved if show_folder else "<MENTOR_HOME>/gates"
    if GATE_NAME.fullmatch(name) and name in names and saved is not None:
        return saved / f"{name}.yaml"
    raise InputError(
        f"'{name}' is not a gate Mentor knows; use one of {', '.join(names)}"
        + ("" if saved is None else f" (save others as {folder}/NAME.yaml)"),
        where=where,
    )


def gate_names(saved: Path | None = None) -> list[str]:
    """``starter``, then the gates saved in the folder `saved`, by name."""
    found = sorted(
        p.stem for p in (saved.glob("*.yaml") if saved else ()) if GATE_NAME.fullmatch(p.stem)
    )
    return [*KNOWN_GATES, *(n for n in found if n not in KNOWN_GATES)]


class Reports:
    """The stakeholder reports: the Model Quality Update and the release readiness note,
    computed from the store, as Markdown, one HTML file, or the web pages' body."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    @property
    def gate_folder(self) -> Path:
        """Where this workspace's named gates are saved: ``<MENTOR_HOME>/gates/``."""
        return self.ws.settings.home / "gates"

    def gates(self) -> list[str]:
        """The gates the web pages offer: ``starter`` and those saved in :attr:`gate_folder`."""
        return gate_names(self.gate_folder)

    def gate(self, name: str, *, where: str = "?gate=", show_folder: bool = False) -> Path:
        """The file of the gate called `name` (see :meth:`gates`); an error names the others,
        the place `where` the name was given and, with `show_folder`, where to save others."""
        return known_gate(name, self.gate_folder, where=where, show_folder=show_folder)

    def quality_update(self, *, since: str | None = None) -> QualityUpdate:
        """The update of the period since `since`: a date (``2026-12-01``), a run id (the
        runs after it) or None (the seven days before the newest data in the store)."""
        return build_quality_update(self.ws, since)

    def release_note(
        self, candidate: int | str, *, baseline: int | str, gate: GateSpec | str | Path
    ) -> ReleaseNote:
        """The release readiness note of run `candidate` against run `baseline`, gated by
        `gate` (a GateSpec or a gate file)."""
        return build_release_note(self.ws, candidate, baseline, gate)

    def markdown(self, report: Report, *, keep_edits: str | Path | None = None) -> str:
        """`report` as Markdown; with `keep_edits` (a report written before), the next actions
        people edited there replace the suggested ones."""
        kept = kept_actions(keep_edits) if keep_edits is not None else None
        return render.markdown(report, kept)

    def html(self, report: Report, *, keep_edits: str | Path | None = None) -> str:
        """`report` as one self-contained HTML file (inline CSS and SVG, no script)."""
        kept = kept_actions(keep_edits) if keep_edits is not None else None
        return render.html(report, kept)

    def page_body(self, report: Report) -> str:
        """The HTML body the web app's report pages show (run ids linked to their pages)."""
        return render.body(report, web=True)

    def write(
        self,
        report: Report,
        *,
        markdown: str | Path | None = None,
        html: str | Path | None = None,
        keep_edits: str | Path | None = None,
    ) -> list[Path]:
        """Write the Markdown and/or HTML file; returns the paths written."""
        kept = kept_actions(keep_edits) if keep_edits is not None else None
        written = []
        if markdown is not None:
            written.append(_write(Path(markdown), render.markdown(report, kept)))
        if html is not None:
            written.append(_write(Path(html), render.html(report, kept)))
        return written


def _write(path: Path, text: str) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise InputError(f"cannot write it: {exc.strerror or exc}", where=str(path)) from exc
    return path
