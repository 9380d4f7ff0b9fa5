"""A small pairwise project with known labels, built through the annotate SDK, for the quality
tests; every expected figure below is worked out by hand from the tables in this file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

import orjson

from mentor.annotate.projects import ProjectSettings
from mentor.workspace import Workspace

PROJECT: Final = "tiny-pairs"
ANNOTATORS: Final = ("ana", "ben", "cleo")
# The true choice (the record's own A = chosen) each annotator gives each item.
LABELS: Final = {
    "p1": ("A", "A", "A"),
    "p2": ("A", "A", "B"),
    "p3": ("B", "B", "B"),
    "p4": ("A", "B", "B"),
    "p5": ("tie", "A", "A"),
    "p6": ("B", "B", "A"),
}
INTENTS: Final = {
    "p1": "greeting",
    "p2": "greeting",
    "p3": "refund",
    "p4": "billing",
    "p5": "greeting",
    "p6": "refund",
}
GOLD: Final = {"g1": "A", "g2": "B"}
# ana answers gold right; ben always says A (g1 right, g2 wrong); cleo always says tie.
GOLD_ANSWER: Final[dict[str, Callable[[str], str]]] = {
    "ana": lambda g: GOLD[g],
    "ben": lambda g: "A",
    "cleo": lambda g: "tie",
}
SECONDS: Final = {"ana": 10.0, "ben": 20.0, "cleo": 30.0}
# (annotator, item, verdict, corrected choice)
REVIEWS: Final = (
    ("ana", "p1", "accept", None),
    ("ana", "p2", "accept", None),
    ("ben", "p1", "accept", None),
    ("ben", "p4", "correct", "A"),
    ("cleo", "p1", "accept", None),
    ("cleo", "p2", "accept", None),
    ("cleo", "p3", "accept", None),
    ("cleo", "p6", "correct", "B"),
)
PRIORITIES: Final = "greeting: 2\nrefund: 3\nbilling: 1\n"


def _record(rid: str) -> dict[str, object]:
    return {
        "id": rid,
        "kind": "preference",
        "prompt": [{"role": "user", "content": f"Question {rid}?"}],
        "chosen": [{"role": "assistant", "content": f"A helpful answer to {rid}."}],
        "rejected": [{"role": "assistant", "content": f"A worse answer to {rid}."}],
        "intent": INTENTS.get(rid, "gold"),
    }


@dataclass
class Clock:
    """A settable clock for the queue: each call returns the time and moves it a minute on."""

    at: datetime

    def __call__(self) -> datetime:
        self.at += timedelta(minutes=1)
        return self.at


@dataclass(frozen=True)
class Built:
    """What the builder made: the project, its phases' start times and the release."""

    project: str
    phase1: datetime
    phase2: datetime
    release: str
    item_ids: dict[str, int]


def week_start(weeks_ago: int) -> datetime:
    """Monday 12:00 UTC `weeks_ago` weeks before this week's Monday."""
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    return today - timedelta(days=today.weekday(), weeks=weeks_ago)


def _work(ws: Workspace, who: str, ids: dict[int, str], regular_limit: int | None) -> None:
    task_type = ws.projects.get(PROJECT).task
    done = 0
    while regular_limit is None or done < regular_limit:
        task = ws.projects.next_item(PROJECT, who)
        if task is None:
            return
        rid = ids[task.item_id]
        if rid in GOLD:
            choice, spent = GOLD_ANSWER[who](rid), 5.0
        else:
            choice, spent = LABELS[rid][ANNOTATORS.index(who)], SECONDS[who]
            done += 1
        shown = task_type.show({"choice": choice}, list(task.shown.get("order", [])))
        ws.projects.submit(
            PROJECT,
            task.item_id,
            shown,
            client_id=f"{who}-{rid}",
            annotator=who,
            time_spent_s=spent,
        )


def build(ws: Workspace, folder: Path) -> Built:
    """Import the records, create the project with gold, label in two guideline rounds a week
    apart, review, ask and answer a question, adjudicate p2, release, scan, write a datasheet."""
    data = folder / "pairs.jsonl"
    data.write_bytes(b"\n".join(orjson.dumps(_record(r)) for r in LABELS))
    gold = folder / "gold.jsonl"
    gold.write_bytes(
        b"\n".join(
            orjson.dumps({"record": _record(g), "answer": {"choice": a}}) for g, a in GOLD.items()
        )
    )
    ws.datasets.import_file(data, "pairs")
    ws.projects.create(
        PROJECT,
        dataset="pairs@v1",
        task="pairwise",
        guideline="# Labels\nPick the better.",
        settings=ProjectSettings(overlap=3, gold_rate=0.5, review_rate=1.0, seed=0),
        gold=gold,
    )
    ids = {i.id: i.record_id for i in ws.projects.items(PROJECT)}
    by_record = {rid: iid for iid, rid in ids.items()}
    phase1, phase2 = week_start(2), week_start(1)
    ws.projects.clock = Clock(phase1)
    for who in ANNOTATORS:
        _work(ws, who, ids, 3)
    labelled = ws.projects.annotations(PROJECT, annotator="ana")[-1].item_id  # one may ask
    question = ws.projects.ask(PROJECT, "Is a tie allowed?", item_id=labelled, annotator="ana")
    ws.projects.answer(PROJECT, question.id, "Yes, when neither is better.")
    ws.projects.clock = Clock(phase2)
    for who in ANNOTATORS:
        _work(ws, who, ids, None)
    annotations = {(a.annotator, a.record_id): a.id for a in ws.projects.annotations(PROJECT)}
    for who, rid, verdict, fixed in REVIEWS:
        ws.projects.review(
            PROJECT,
            annotations[(who, rid)],
            verdict,
            reviewer="rey",
            comment="" if fixed is None else "the other answer is better",
            correction=None if fixed is None else {"choice": fixed},
        )
    ws.projects.adjudicate(PROJECT, by_record["p2"], {"choice": "A"}, adjudicator="rey")
    released = ws.projects.release(PROJECT)
    ws.qa.scan(released.version.ref, executor="serial", checks=("lint", "pii"), keep_findings=False)
    ws.datasets.datasheet("pairs@v1")
    return Built(PROJECT, phase1, phase2, released.version.ref, by_record)
