"""Runs whose outputs people review, made through the SDK from recorded outputs (``replay:``).

=============  =============================  ==========  =====================================
case           candidate output               auto grade  people (ana, ben)
=============  =============================  ==========  =====================================
capital        The capital of France is ...   passed      pass, pass
missing        (no recording: an error)       error       not reviewed (no output)
moon           Neil Armstrong, in 1972.       passed      fail, fail: wrong year (1969)
math           It is 41.                      failed      fail, fail
hello          hello!                         passed      pass, fail -> adjudicated: pass
sky            The sky is blue.               passed      not reviewed (past --limit 4)
=============  =============================  ==========  =====================================

Automatic pass rate 4/5; people alone 2/4; both (people win) 3/5.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import orjson

import mentor

SUITE: Final = """\
name: review-suite
cases:
  - id: capital
    prompt: What is the capital of France?
    reference: Paris
    graders: [{type: contains}]
  - id: missing
    prompt: Say hello.
    reference: hello
    graders: [{type: contains}]
  - id: moon
    prompt: Who first walked on the moon, and when?
    reference: Armstrong
    graders: [{type: contains}]
  - id: math
    prompt: What is 17 + 25?
    reference: "42"
    graders: [{type: numeric}]
  - id: hello
    prompt: Greet me.
    reference: hello
    graders: [{type: contains}]
  - id: sky
    prompt: What colour is the sky?
    reference: blue
    graders: [{type: contains}]
"""
OTHER_SUITE: Final = """\
name: other-suite
cases:
  - id: capital
    prompt: What is the capital of Spain?
    reference: Madrid
    graders: [{type: contains}]
"""
CANDIDATE: Final = {
    "capital": "The capital of France is Paris.",
    "moon": "Neil Armstrong, in 1972.",
    "math": "It is 41.",
    "hello": "hello!",
    "sky": "The sky is blue.",
}
BASELINE: Final = {
    "capital": "Paris.",
    "missing": "hello",
    "moon": "Buzz Aldrin walked first, in 1969.",
    "math": "17 + 25 = 42",
    "hello": "Hello there, how can I help?",
}
# What each person says on the pass-fail review, and why.
VERDICTS: Final = {
    "ana": {
        "capital": ("pass", ""),
        "moon": ("fail", "wrong year: Apollo 11 landed in 1969"),
        "math": ("fail", "17 + 25 is 42"),
        "hello": ("pass", ""),
    },
    "ben": {
        "capital": ("pass", "correct"),
        "moon": ("fail", "the landing was in 1969"),
        "math": ("fail", "41 is not 17 + 25"),
        "hello": ("fail", "too curt"),
    },
}


def _recording(path: Path, outputs: dict[str, str]) -> str:
    path.write_bytes(
        b"".join(orjson.dumps({"case_id": k, "output": v}) + b"\n" for k, v in outputs.items())
    )
    return f"replay:{path}"


def make_runs(ws: mentor.Workspace, folder: Path) -> tuple[int, int, int]:
    """(baseline, candidate, a run of another suite) — run ids."""
    suite = folder / "review-suite.yaml"
    suite.write_text(SUITE, encoding="utf-8")
    other = folder / "other-suite.yaml"
    other.write_text(OTHER_SUITE, encoding="utf-8")
    base = ws.evals.run(suite, _recording(folder / "base.jsonl", BASELINE), note="baseline")
    cand = ws.evals.run(suite, _recording(folder / "cand.jsonl", CANDIDATE), note="candidate")
    elsewhere = ws.evals.run(other, _recording(folder / "other.jsonl", {"capital": "Madrid"}))
    return base.id, cand.id, elsewhere.id


def item_cases(ws: mentor.Workspace, project: str) -> dict[int, str]:
    """Item id -> case id (the record ids are the case ids)."""
    return {i.id: i.record_id for i in ws.projects.items(project) if not i.gold}


def annotate_pass_fail(ws: mentor.Workspace, project: str) -> None:
    """ana and ben label every item as VERDICTS says."""
    cases = item_cases(ws, project)
    for who, said in VERDICTS.items():
        while (task := ws.projects.next_item(project, who)) is not None:
            label, reason = said[cases[task.item_id]]
            ws.projects.submit(
                project,
                task.item_id,
                {"labels": [label], "comment": reason},
                client_id=f"{who}-{task.item_id}",
                annotator=who,
            )
