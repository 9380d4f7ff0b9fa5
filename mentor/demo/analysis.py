"""Demo steps: why the models failed, what users complain about, and what to tell people.

An error taxonomy for the demo's sample suite tags every failed result by rule (and one by a
person, with a note); the tracker shows each category's rate per run; the newest run's failures
are clustered; a feedback file of user reports (with PII and near-duplicates) is scrubbed,
clustered and its over-refusal cluster triaged into a regression suite that the bundled model
then answers; and the two stakeholder reports are written from the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

from mentor.demo import evals
from mentor.demo.steps import DemoStep
from mentor.evals import RunInfo
from mentor.reports import known_gate
from mentor.workspace import Workspace

HERE = Path(__file__).parent
TRAINER: Final = "trina"
REGRESSION: Final = "feedback-regressions"
TEAM_GATE: Final = "team-release"
"""The release gate the demo saves by name in MENTOR_HOME/gates (a copy of the starter gate)."""


def steps(ws: Workspace, out: Path, base: RunInfo, candidate: RunInfo) -> Iterator[DemoStep]:
    """Taxonomy, tags, tracker, clusters, feedback triage and the two reports."""
    yield from _taxonomy(ws, out)
    yield from _clusters(ws)
    yield from _feedback(ws)
    yield from _reports(ws, out, base, candidate)


def _taxonomy(ws: Workspace, out: Path) -> Iterator[DemoStep]:
    trainer = ws.acting_as(TRAINER)
    suite = evals.SAMPLE_NAME
    made = trainer.analysis.set_taxonomy(suite, HERE / "taxonomy.yaml", note="first taxonomy")
    yield DemoStep(
        f"mentor analysis taxonomy set {suite} taxonomy.yaml",
        f"{suite} taxonomy v{made.number}: {', '.join(c.name for c in made.categories)}",
    )
    runs = sorted(ws.evals.runs(suite=suite), key=lambda r: r.id)
    tagged = [trainer.analysis.tag_rules(r.id) for r in runs]
    yield DemoStep(
        "mentor analysis tag-rules RUN (each run of the suite)",
        "; ".join(f"run {r.id}: {t.matched} tags" for r, t in zip(runs, tagged, strict=True)),
    )
    failed = next((r for r in ws.evals.results(runs[-1].id, status="failed")), None)
    if failed is not None:
        trainer.analysis.tag(
            runs[-1].id,
            failed.case_id,
            note="answered the question literally but missed the point; check the guideline",
        )
        yield DemoStep(
            f'mentor analysis tag {runs[-1].id} {failed.case_id} --note "answered the question '
            'literally..."',
            "a person's note on a failure (open coding), kept beside the rule tags",
        )
    tracker = ws.analysis.issues(suite)
    (out / "top-issues.svg").write_text(ws.analysis.issues_chart(tracker), encoding="utf-8")
    top = [row for row in tracker.rows if row.rates and row.latest.count][:3]
    yield DemoStep(
        f"mentor analysis issues {suite} --chart top-issues.svg",
        "; ".join(
            f"{row.category} {row.latest.count} of {row.latest.n} in run {row.latest.run_id} "
            f"({row.status})"
            for row in top
        )
        + f"; {len(tracker.escapes)} regression escapes; the trend at /analysis/{suite}",
    )


def _clusters(ws: Workspace) -> Iterator[DemoStep]:
    found = ws.analysis.failure_clusters(evals.SAMPLE_NAME)
    shown = "; ".join(
        f"#{c.number} ({c.size}: {', '.join(c.terms[:3])})" for c in found.clusters[:3]
    )
    yield DemoStep(
        f"mentor analysis clusters {evals.SAMPLE_NAME}",
        f"{found.failures} failures of run {found.run_id} in {len(found.clusters)} clusters "
        f"({found.embedder}): {shown or 'none'}; {len(found.unclustered)} unclustered; at "
        f"/analysis/{evals.SAMPLE_NAME}/clusters",
    )


def _feedback(ws: Workspace) -> Iterator[DemoStep]:
    feedback = ws.acting_as(TRAINER).analysis.feedback
    batch = feedback.import_file(HERE / "feedback.jsonl", source="app thumbs-down and support")
    pii = ", ".join(f"{n} {kind}" for kind, n in sorted(batch.pii.items()))
    yield DemoStep(
        "mentor feedback import feedback.jsonl --source 'app thumbs-down and support'",
        f"batch {batch.id}: {batch.reports} reports, {batch.duplicates} near-duplicates folded, "
        f"PII scrubbed ({pii or 'none'}), {batch.clusters} clusters ({batch.embedder})",
    )
    clusters = [c for c in feedback.clusters(batch.id) if c.number]
    refusals = next(
        (c for c in clusters if {"refused", "refuse", "cannot", "can't"} & set(c.terms)),
        clusters[0] if clusters else None,
    )
    if refusals is None:
        return
    made = feedback.triage(
        batch.id,
        refusals.number,
        suite=REGRESSION,
        intent="over-refusal",
        severity="major",
        should_refuse=False,
    )
    yield DemoStep(
        f"mentor feedback triage {batch.id} {refusals.number} --suite {REGRESSION} "
        "--intent over-refusal --severity major --should-answer",
        f"cluster {refusals.number} ({', '.join(refusals.terms[:3])}): {len(made.cases)} new "
        f"cases in {REGRESSION}, each linked to its reports",
    )
    run = evals.run(
        ws, "feedback regressions", suite=feedback.suite(REGRESSION), provider="smollm2"
    )
    status = next(s for s in feedback.status(batch.id) if s.number == refusals.number)
    yield DemoStep(
        f"mentor eval run {REGRESSION}.yaml --provider smollm2 && mentor feedback show {batch.id}",
        f"{evals.rate(run)}; {status.fixed} of {status.reports} reports in the cluster fixed "
        "(every case made from them passes)",
    )


def _reports(ws: Workspace, out: Path, base: RunInfo, candidate: RunInfo) -> Iterator[DemoStep]:
    update = ws.reports.quality_update()
    ws.reports.write(update, markdown=out / "quality-update.md", html=out / "quality-update.html")
    yield DemoStep(
        "mentor report quality-update --out quality-update.md --html quality-update.html",
        "the weekly Model Quality Update, from the store; at /reports/quality-update",
    )
    saved = ws.reports.gate_folder / f"{TEAM_GATE}.yaml"
    saved.parent.mkdir(parents=True, exist_ok=True)
    starter = known_gate("starter").read_text(encoding="utf-8")
    saved.write_text(starter.replace("name: starter-release", f"name: {TEAM_GATE}", 1), "utf-8")
    note = ws.reports.release_note(candidate.id, baseline=base.id, gate=ws.reports.gate(TEAM_GATE))
    ws.reports.write(note, markdown=out / "release-note.md", html=out / "release-note.html")
    yield DemoStep(
        f"mentor report release {candidate.id} --baseline {base.id} --gate {TEAM_GATE} "
        "--out release-note.md --html release-note.html",
        f"the release readiness note of run {candidate.id} under the team's gate (saved as "
        f"{saved.name} in MENTOR_HOME/gates); at /reports/release?candidate={candidate.id}"
        f"&baseline={base.id}&gate={TEAM_GATE}",
    )
