"""Items and files people would not expect: a chat of tens of thousands of messages, a draft
without a final newline, a guideline file holding a NUL character."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

import mentor
from mentor.annotate import ProjectSettings
from mentor.errors import InputError
from mentor.web.render import ENV
from tests.annotate.project_world import GUIDE, dataset, pairs
from tests.conftest import run_cli

LONG_CHAT = 40_000  # messages; half of them assistant turns to rate
# The form as the task page includes it. Each message's content is shown as escaped text: the
# Markdown rendering of a message (linear, outside the form's template) is not what is timed.
FORM = ENV.from_string(
    '{% from "annotate/_forms.html" import fields with context %}{{ fields(task, view, v) }}'
)


def _chat(messages: int) -> dict[str, Any]:
    turns = [
        {"role": "user" if i % 2 == 0 else "assistant", "content": f"message {i}"}
        for i in range(messages)
    ]
    return {"id": "long-chat", "kind": "sft", "messages": turns}


def _cpu_seconds(render: Any) -> tuple[float, str]:
    started = time.process_time()  # this process only: other busy processes do not count
    html = render()
    return time.process_time() - started, html


def test_a_chat_of_40000_messages_renders_and_submits_in_linear_time(
    sqlite_ws: mentor.Workspace, tmp_path: Path
) -> None:
    """It took time quadratic in the messages: a turn lookup scanned every turn, and the
    prefilled rating of each turn scanned the whole label (100,000 messages: about a minute)."""
    ws = sqlite_ws
    ref = dataset(ws, tmp_path, "chats", [_chat(LONG_CHAT)])
    ws.projects.create(
        "long", dataset=ref, task="turns", guideline=GUIDE, config={"min": 1, "max": 2}
    )
    task = ws.projects.next_item("long", "ana")
    assert task is not None
    project = ws.projects.get("long")

    def form(label: Any) -> Any:
        return lambda: FORM.render(task=project.task, view=task.view, v=label, show=escape)

    # The bounds are generous, for a busy machine (here about 1.5 s each); the prefilled form
    # is the one the quadratic code fails by far (about 250 s).
    took, html = _cpu_seconds(form(None))
    assert took < 20.0, f"the annotator's form of {LONG_CHAT} messages took {took:.1f} s"
    assert html.count('<fieldset class="answer turn" data-group') == LONG_CHAT // 2
    assert 'id="turn-39999"' in html and " checked" not in html

    ratings = [{"turn": t, "rating": 2 if t % 4 == 3 else 1} for t in task.view["turns"]]
    started = time.process_time()
    ws.projects.submit(
        "long", task.item_id, {"turns": ratings, "overall": 2}, client_id="c", annotator="ana"
    )
    took = time.process_time() - started
    assert took < 10.0, f"storing ratings of {LONG_CHAT // 2} turns took {took:.1f} s"

    [label] = ws.projects.annotations("long")
    took, html = _cpu_seconds(form(label.payload))  # as a reviewer sees it
    assert took < 20.0, f"the prefilled form of {LONG_CHAT} messages took {took:.1f} s"
    for turn, rating in ((39997, 1), (39999, 2)):  # each turn shows its own rating
        fieldset = html[html.index(f'id="turn-{turn}"') :].split("</fieldset>")[0]
        assert f'value="{rating}" data-key="{rating}" checked>' in fieldset
        assert fieldset.count(" checked") == 1


DRAFT_CHAT = {
    "id": "chat-1",
    "kind": "sft",
    "messages": [
        {"role": "user", "content": "Say something."},
        {"role": "assistant", "content": "ok"},  # a draft without a final newline
    ],
}


def test_the_sft_diff_is_a_unified_diff_when_the_draft_has_no_final_newline(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    """The removed and added lines ran together ("-ok+better answer"): no patch tool or reader
    could tell where the draft ended."""
    ref = dataset(ws, tmp_path, "drafts", [DRAFT_CHAT])
    ws.projects.create("edits", dataset=ref, task="sft", guideline=GUIDE)
    task = ws.projects.next_item("edits", "ana")
    assert task is not None
    ws.projects.submit(
        "edits",
        task.item_id,
        {"response": "better answer\nin two lines"},
        client_id="c",
        annotator="ana",
    )
    [label] = ws.projects.annotations("edits")
    assert label.payload["diff"] == (
        "--- draft\n"
        "+++ response\n"
        "@@ -1 +1,2 @@\n"
        "-ok\n"
        "\\ No newline at end of file\n"
        "+better answer\n"
        "+in two lines\n"
        "\\ No newline at end of file\n"
    )
    shown = ENV.get_template("tasktype/sft/label.html").render(p=label.payload, view=task.view)
    assert (
        '<pre class="diff">--- draft\n+++ response\n@@ -1 +1,2 @@\n-ok\n'
        "\\ No newline at end of file\n+better answer\n"
    ) in shown


def test_a_guideline_file_holding_a_nul_is_named_on_every_database(
    db_url: str, tmp_path: Path
) -> None:
    """PostgreSQL refused the guideline's text with a traceback (psycopg.DataError); SQLite
    kept it. A NUL is no part of a Markdown file: both now name where it is."""
    with mentor.connect(db_url, home=tmp_path / "home", user="tester") as ws:
        dataset(ws, tmp_path, "a", [DRAFT_CHAT])
    guide = tmp_path / "g.md"
    guide.write_bytes(GUIDE.encode().replace(b"A, B or tie.", b"A, B\x00 or tie."))
    made = run_cli(
        "projects", "create", "pg1", "--task", "sft", "--from", "a@v1",
        "--guideline", str(guide), db=db_url,
    )  # fmt: skip
    assert made.returncode == InputError.exit_code, made.stderr
    assert f"{guide}:4:5: contains a NUL character; a text guideline" in made.stderr
    assert "Traceback" not in made.stderr
    with mentor.connect(db_url, home=tmp_path / "home", user="tester") as ws:
        assert ws.projects.all() == []
        with pytest.raises(InputError, match=r"g\.md:4:5: contains a NUL character"):
            ws.projects.create(
                "pg2",
                dataset="a@v1",
                task="sft",
                guideline=guide,
                settings=ProjectSettings(overlap=1),
            )


def test_a_guideline_given_as_text_holding_a_nul_is_refused(
    ws: mentor.Workspace, tmp_path: Path
) -> None:
    ref = dataset(ws, tmp_path, "nul-data", pairs(2))
    with pytest.raises(InputError, match="NUL character") as caught:
        ws.projects.create("nul", dataset=ref, task="pairwise", guideline="# Rules\n\x00 pick A")
    assert caught.value.field == "guideline"
    assert [p.name for p in ws.projects.all()] == []
