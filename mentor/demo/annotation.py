"""Demo steps: annotation projects with work in every state (owned by mentor.annotate).

A pairwise project on the single-turn HH-RLHF pairs: three annotators with different accuracy
label the items (k = 3) through the real queue, gold items from the hand-written safety pairs
score them, a question becomes guideline v2, a reviewer samples the work, the trainer
adjudicates most disagreements, and the finished items are released as a dataset version.
A second, rubric-rating project gives the web pages another task type; it has members (ana and
ben), so cleo does not see it, while the pairwise project stays open to every annotator.
Everything is seeded.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from mentor.annotate import ProjectSettings, Task
from mentor.demo.steps import DemoStep
from mentor.workspace import Workspace

PROJECT: Final = "hh-harmless-prefs"
RUBRIC: Final = "helpfulness-rubric"
TRAINER: Final = "trina"
RUBRIC_MEMBERS: Final = ("ana", "ben")
ACCURACY: Final = {"ana": 0.9, "ben": 0.78, "cleo": 0.68}
QUOTA: Final = {"ana": 36, "ben": 33, "cleo": 30}
GUIDELINE: Final = """# Harmlessness preference

Pick the response that is more helpful **without** helping anyone cause harm.

## Labels
- **A** / **B**: that response is better; say how much (slightly, better, much better).
- **tie**: neither is better (both fine, or both equally bad).

## Definitions
- *Harmful*: helps someone hurt people, break the law, or invade privacy.
- *Helpful*: answers the request that was made, correctly and kindly.

## Examples
- A short, kind refusal of a request for a weapon beats step-by-step instructions.
- A correct answer to a harmless question beats a refusal of it.

## Counterexamples
- Refusing a harmless request is **not** safer; it is over-refusal.

## Decision rules
1. Harm first: the less harmful response wins.
2. Equal harm: the more helpful one wins.
3. Still equal: tie.
"""
CRITERIA: Final = {
    "criteria": [
        {
            "name": "correctness",
            "description": "Facts and reasoning are right.",
            "min": 1,
            "max": 5,
        },
        {"name": "helpfulness", "description": "It answers what was asked.", "min": 1, "max": 5},
        {"name": "harmlessness", "description": "Nothing unsafe.", "min": 1, "max": 5},
    ]
}


def _truth(item_id: int, gold: set[int]) -> str:
    """The label a careful annotator would give (true order); gold items' answer is A."""
    if item_id in gold:
        return "A"
    draw = random.Random(f"truth:{item_id}").random()
    return "A" if draw < 0.62 else "B" if draw < 0.9 else "tie"


def _label(task: Task, who: str, gold: set[int]) -> dict[str, Any]:
    rng = random.Random(f"{who}:{task.item_id}")
    truth = _truth(task.item_id, gold)
    if rng.random() > ACCURACY[who]:
        truth = rng.choice([c for c in ("A", "B", "tie") if c != truth])
    if truth == "tie":
        return {"choice": "tie"}
    shown = "AB"[task.shown["order"].index("AB".index(truth))]
    label: dict[str, Any] = {"choice": shown, "strength": rng.choice([1, 2, 2, 3])}
    if rng.random() < 0.3:
        label["rationale"] = "The other response gives harmful detail."
    return label


def _annotate(ws: Workspace, gold: set[int]) -> int:
    """Round-robin through the real queue until each annotator filled their quota."""
    done = dict.fromkeys(QUOTA, 0)
    submitted = 0
    while any(done[who] < QUOTA[who] for who in QUOTA):
        for who in QUOTA:
            if done[who] >= QUOTA[who]:
                continue
            task = ws.projects.next_item(PROJECT, who)
            if task is None:
                done[who] = QUOTA[who]
                continue
            if who == "ben" and task.item_id % 17 == 0:
                ws.projects.skip(PROJECT, task.item_id, who, reason="I am not sure about this one")
                continue
            if who == "cleo" and done[who] == 8:
                _clarify(ws, task)
            spent = random.Random(f"time:{who}:{task.item_id}").uniform(18, 140)
            ws.projects.submit(
                PROJECT,
                task.item_id,
                _label(task, who, gold),
                client_id=f"{who}-{task.item_id}",
                annotator=who,
                time_spent_s=round(spent, 1),
            )
            submitted += 1
            done[who] += task.item_id not in gold
    return submitted


def _clarify(ws: Workspace, task: Task) -> None:
    asked = ws.projects.ask(
        PROJECT,
        "Both responses refuse, but one lectures the user. Is that a tie?",
        item_id=task.item_id,
        annotator="cleo",
    )
    ws.acting_as(TRAINER).projects.answer(
        PROJECT,
        asked.id,
        "No: prefer the short, kind refusal; a lecture makes a refusal less helpful. "
        "Use 'slightly better'.",
    )


def _review(ws: Workspace) -> str:
    queue = ws.projects.review_queue(PROJECT, "rey", limit=9)
    for i, waiting in enumerate(queue):
        a = waiting.annotation
        if i == 3:
            ws.projects.review(
                PROJECT, a.id, "reject", comment="Rationale contradicts the label.", reviewer="rey"
            )
        elif i == 6:
            fixed = {"choice": "tie"}
            ws.projects.review(
                PROJECT,
                a.id,
                "correct",
                comment="Both are harmless; tie.",
                correction=fixed,
                reviewer="rey",
            )
        else:
            ws.projects.review(PROJECT, a.id, "accept", reviewer="rey")
    pending = len(ws.projects.review_queue(PROJECT, "rey", limit=1000))
    return f"rey reviewed {len(queue)} (7 accepted, 1 rejected, 1 corrected); {pending} waiting"


def _adjudicate(ws: Workspace, gold: set[int]) -> str:
    disputes = ws.projects.adjudication_queue(PROJECT, limit=1000)
    keep = 2  # left for the web's adjudication queue
    trainer = ws.acting_as(TRAINER).projects
    for dispute in disputes[: max(len(disputes) - keep, 0)]:
        decision = {"choice": _truth(dispute.item_id, gold)}
        trainer.adjudicate(PROJECT, dispute.item_id, decision, comment="Per decision rule 1.")
    return f"{TRAINER} adjudicated {max(len(disputes) - keep, 0)} of {len(disputes)} disagreements"


def _rate(ws: Workspace, who: str, count: int) -> None:
    """`who` rates up to `count` items of the rubric project, near its pre-labels."""
    for _ in range(count):
        task = ws.projects.next_item(RUBRIC, who)
        if task is None:
            return
        rng = random.Random(f"rubric:{who}:{task.item_id}")
        base = task.suggestion["scores"] if task.suggestion else {}
        scores = {
            c: min(5, max(1, base.get(c, 3) + rng.choice([-1, 0, 0, 0, 1])))
            for c in ("correctness", "helpfulness", "harmlessness")
        }
        ws.projects.submit(
            RUBRIC,
            task.item_id,
            {"scores": scores},
            client_id=f"{who}-r{task.item_id}",
            annotator=who,
            time_spent_s=round(rng.uniform(20, 90), 1),
        )


def _rubric(ws: Workspace) -> Iterator[DemoStep]:
    trainer = ws.acting_as(TRAINER).projects
    made = trainer.create(
        RUBRIC,
        dataset="helpfulness-ratings@v1",
        task="rubric",
        guideline="# Rubric\n\nRate each criterion from 1 (poor) to 5 (excellent).\n",
        settings=ProjectSettings(overlap=2, review_rate=0.5, prelabel="record", seed=3),
        config=CRITERIA,
    )
    yield DemoStep(
        f"mentor projects create {RUBRIC} --from helpfulness-ratings@v1 --task rubric "
        "--criteria criteria.yaml --overlap 2 --prelabel record",
        f"{made.items} items, pre-labelled from the records",
    )
    members = [m.user for m in trainer.add_members(RUBRIC, RUBRIC_MEMBERS)]
    seen = ", ".join(p.name for p in ws.projects.all(annotator="cleo"))
    yield DemoStep(
        f"mentor projects members {RUBRIC} " + " ".join(f"--add {m}" for m in members),
        f"only {' and '.join(members)} may work on {RUBRIC}: cleo does not see it (her "
        f"projects: {seen}); {PROJECT} has no members, so every annotator may work on it",
    )
    for who, count in (("ana", 8), ("ben", 5)):
        _rate(ws, who, count)
    done = ws.projects.progress(RUBRIC)
    yield DemoStep(
        "(ana and ben rate in the web queue)",
        f"{done.done} of {done.items} done, {done.disputed} disputed, "
        f"{done.in_progress} in progress",
    )


def steps(ws: Workspace, out: Path) -> Iterator[DemoStep]:
    """Create, fill, review, adjudicate and release the demo's annotation projects."""
    ws.providers.add("smollm2", "smollm2", note="the bundled SmolLM2-135M-Instruct")
    yield DemoStep(
        'mentor providers add smollm2 smollm2 --note "the bundled SmolLM2-135M-Instruct"',
        "trainers can pick model:smollm2 for pre-labels on the web; only the CLI says what a "
        "provider runs (a command, a URL, a path)",
    )
    guide = out / "hh-harmless-guideline.md"
    guide.write_text(GUIDELINE, encoding="utf-8")
    single = ws.datasets.versions("hh-harmless")[-1].ref
    project = ws.acting_as(TRAINER).projects.create(
        PROJECT,
        dataset=single,
        task="pairwise",
        guideline=guide,
        settings=ProjectSettings(
            overlap=3, gold_rate=0.12, review_rate=0.25, prelabel="record", seed=7
        ),
        gold="safety-prefs@v1",
        limit=40,
        description="Which HH-RLHF response is more harmless? Three annotators per pair.",
    )
    yield DemoStep(
        f"mentor projects create {PROJECT} --from {single} --task pairwise --guideline "
        f"{guide.name} --overlap 3 --gold safety-prefs@v1 --gold-rate 0.12 --review-rate 0.25 "
        "--prelabel record --limit 40",
        f"{project.items} items + {project.gold_items} gold, guideline {project.guideline}; "
        "gold items carry decoy suggestions, never their answer",
    )
    gold = {i.id for i in ws.projects.items(PROJECT) if i.gold}
    submitted = _annotate(ws, gold)
    ws.projects.next_item(PROJECT, "cleo")  # cleo is in the middle of one
    yield DemoStep(
        "(ana, ben and cleo annotate in the web queue)",
        f"{submitted} annotations; cleo asked a question, answered into "
        f"{ws.projects.get(PROJECT).guideline}",
    )
    yield DemoStep("(rey reviews a sample in the web review queue)", _review(ws))
    yield DemoStep("(trina adjudicates in the web adjudication queue)", _adjudicate(ws, gold))
    released = ws.acting_as(TRAINER).projects.release(PROJECT, note="first release")
    left = ", ".join(f"{n} {s}" for s, n in sorted(released.left_out.items()))
    yield DemoStep(
        f"mentor projects release {PROJECT}",
        f"{released.version.ref}: {released.records} labelled pairs, "
        f"{released.annotations} annotations kept; not yet finished: {left or 'none'}",
    )
    ref = released.version.ref
    scan = ws.qa.scan(ref, executor="serial", html=out / f"qa-{ref.replace('@', '-')}.html")
    found = sum(sum(per.values()) for per in scan.summary.by_severity.values())
    yield DemoStep(
        f"mentor qa scan {ref}",
        f"{found:,} finding{'' if found == 1 else 's'} in the labelled release",
    )
    yield from _rubric(ws)
