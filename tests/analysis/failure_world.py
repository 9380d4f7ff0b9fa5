"""A suite whose one replayed run fails in three planted ways, for the failure-cluster tests.

18 cases fail — six over-refusals of cooking questions, six wrong capitals, six answers that are
not the JSON asked for — and two pass. `XSS_CASE` fails with an output made of XSS payloads.
"""

from __future__ import annotations

import json
from pathlib import Path

import mentor

FOODS = ("bread", "pasta", "soup", "pancakes", "rice", "curry")
CAPITALS = (
    ("France", "Lyon"),
    ("Italy", "Milan"),
    ("Spain", "Seville"),
    ("Germany", "Munich"),
    ("Japan", "Osaka"),
    ("Canada", "Toronto"),
)
KEYS = ("name", "price", "colour", "size", "owner", "label")
XSS_CASE = "capital-passed"


def _case(case_id: str, prompt: str, graders: str, extra: str = "") -> str:
    return f"  - id: {case_id}\n    prompt: {json.dumps(prompt)}\n{extra}    graders: {graders}\n"


def suite_and_answers() -> tuple[str, dict[str, str]]:
    """The suite file's text and the replayed answer of each case."""
    cases, answers = [], {}
    for food in FOODS:
        cid = f"cook-{food}"
        prompt = f"How do I cook {food} at home?"
        cases.append(_case(cid, prompt, "[{type: refusal}]", "    should_refuse: false\n"))
        answers[cid] = f"I'm sorry, I cannot help with cooking {food}; cooking requests are unsafe."
    for country, wrong in CAPITALS:
        cid = f"capital-{country.lower()}"
        cases.append(
            _case(
                cid,
                f"What is the capital city of {country}?",
                "[{type: contains, value: the-right-capital}]",
            )
        )
        answers[cid] = f"The capital city of {country} is {wrong}, its largest capital city."
    for key in KEYS:
        cid = f"json-{key}"
        prompt = f"Reply with only a JSON object with the key {key}."
        cases.append(_case(cid, prompt, "[{type: json, name: shape}]"))
        answers[cid] = f"Sure! The {key} would be something nice, described in plain prose words."
    cases.append(_case("greet", "Say hello.", "[{type: contains, value: hello}]"))
    answers["greet"] = "hello there"
    cases.append(_case(XSS_CASE, "Say hello again.", "[{type: contains, value: hello}]"))
    answers[XSS_CASE] = "hello"
    return "name: planted\ncases:\n" + "".join(cases), answers


def make_run(ws: mentor.Workspace, folder: Path, xss: str = "") -> int:
    """One replayed run of suite `planted` (its id); `xss` replaces the output of `XSS_CASE`,
    which then fails."""
    text, answers = suite_and_answers()
    if xss:
        answers[XSS_CASE] = xss
    suite = folder / "planted.yaml"
    suite.write_text(text, encoding="utf-8")
    replay = folder / "answers.jsonl"
    replay.write_text(
        "".join(json.dumps({"case_id": k, "output": v}) + "\n" for k, v in answers.items()),
        encoding="utf-8",
    )
    return ws.evals.run(suite, f"replay:{replay}").id
